"""Inbound mail through the whole stack (make run's launcher) reading a real Dovecot: an
official mails the office, a ticket appears on channel email; the official replies by mail
twice, once after the ticket was closed, and the operator sees each as an unread reply in
the queue and in the console, until the ticket is opened."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from servicedesk_common.dovecot import Dovecot

from ..conftest import start_stack, stop_stack

OFFICIAL = "kabid.aptika@dinas-kominfo.go.id"


@pytest.fixture(scope="module")
def mailbox():
    try:
        server = Dovecot().start()
    except FileNotFoundError as missing:
        pytest.fail(str(missing), pytrace=False)
    yield server
    server.remove()


@pytest.fixture(scope="module")
def mail_stack(test_databases, amqp_url, tmp_path_factory, mailbox):
    stack, process, bus, log_file = start_stack(
        test_databases, amqp_url, tmp_path_factory.mktemp("mail-stack"),
        **mailbox.settings, SERVICEDESK_IMAP_IDLE_SECONDS="5")
    yield stack
    stop_stack(process, bus, log_file)


def mail(subject: str, text: str, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = f"Kabid Aptika <{OFFICIAL}>"
    message["To"] = "desk@office.example"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="dinas-kominfo.go.id")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def test_an_official_mails_the_office_and_replies_twice(mail_stack, mailbox):
    operator = mail_stack.client("operator1")
    mailbox.deliver(mail("Server SIMPEG tidak bisa diakses",
                         "Sejak jam 8 pagi SIMPEG menampilkan error 502."))
    found = operator.eventually(
        f"/api/v1/tickets?channel=email&q={OFFICIAL}",
        lambda page: page["total"] == 1, timeout=60)
    ticket = found["items"][0]
    number = ticket["number"]
    assert ticket["status"] == "submitted" and ticket["guest_email"] == OFFICIAL
    assert ticket["title"] == "Server SIMPEG tidak bisa diakses"
    assert ticket["unread_client_replies"] == 0

    mailbox.deliver(mail(f"Re: [{number}] Server SIMPEG tidak bisa diakses",
                         "Sekarang error 504.\n\n> Sejak jam 8 pagi SIMPEG menampilkan error 502."))
    operator.eventually(f"/api/v1/tickets/{number}",
                        lambda t: t["unread_client_replies"] == 1, timeout=60)
    queue = operator.get("/api/v1/tickets", params={"channel": "email", "q": number}).json()
    assert queue["items"][0]["unread_client_replies"] == 1
    console = mail_stack.client()
    page = _console_login(console, mail_stack)
    listing = console.get("/staf/tiket", params={"q": number})
    assert "1 balasan klien belum dibaca" in listing.text, page
    opened = console.get(f"/staf/tiket/{number}")
    assert opened.status_code == 200 and "Sekarang error 504." in opened.text
    assert operator.get(f"/api/v1/tickets/{number}").json()["unread_client_replies"] == 0

    assert operator.patch(f"/api/v1/tickets/{number}", json={  # step 16: complete to close
        "category": "Aplikasi", "service": "Aplikasi down", "urgency": "medium",
        "impact": "medium"}).status_code == 200
    closed = operator.post(f"/api/v1/tickets/{number}/close",
                           json={"resolution": "Layanan SIMPEG sudah dipulihkan."})
    assert closed.status_code == 200, closed.text
    mailbox.deliver(mail(f"Re: [{number}] Server SIMPEG tidak bisa diakses",
                         "Terima kasih, tetapi hari ini error lagi."))
    reopened = operator.eventually(f"/api/v1/tickets/{number}",
                                   lambda t: t["unread_client_replies"] == 1, timeout=60)
    assert reopened["status"] == "in_progress"
    client_replies = [r["body"] for r in reopened["replies"] if r["author_kind"] == "client"]
    assert client_replies == ["Sekarang error 504.", "Terima kasih, tetapi hari ini error lagi."]
    assert operator.post(f"/api/v1/tickets/{number}/read").json()["unread_client_replies"] == 0
    assert mailbox.count("INBOX") == 0 and mailbox.count("Processed") == 3


def test_the_console_shows_the_quarantine_and_makes_a_ticket_of_it(mail_stack, mailbox):
    mailbox.deliver(b"From: Lurah <lurah@kelurahan.go.id>\r\nSubject: Laporan rusak\r\n"
                    b"Message-ID: <broken-e2e@kelurahan.go.id>\r\n"
                    b"Content-Type: multipart/mixed; boundary=\"AAA\"\r\n\r\n"
                    b"--BBB\r\nContent-Type: text/plain\r\n\r\nWifi balai warga mati.\r\n")
    operator = mail_stack.client("operator1")
    kept = operator.eventually("/api/v1/mail/quarantine", lambda items: any(
        m["message_id"] == "<broken-e2e@kelurahan.go.id>" for m in items), timeout=60)
    [item] = [m for m in kept if m["message_id"] == "<broken-e2e@kelurahan.go.id>"]
    console = mail_stack.client()
    _console_login(console, mail_stack)
    screen = console.get("/staf/surel-karantina")
    assert screen.status_code == 200 and "Laporan rusak" in screen.text
    assert "Jadikan tiket" in screen.text
    made = operator.post(f"/api/v1/mail/quarantine/{item['id']}/ticket")
    assert made.status_code == 201, made.text
    assert made.json()["channel"] == "email" and "Wifi balai warga mati." in made.json()["body"]
    assert mail_stack.client("client1").get("/api/v1/mail/quarantine").status_code == 403


def _console_login(session, stack) -> str:
    """The console's own login form (a cookie session, with its CSRF field)."""
    import re

    form = session.get("/staf/masuk")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    data = {"username": "operator1", "password": stack.demo_password}
    if token:
        data["csrf_token"] = token.group(1)
    response = session.post("/staf/masuk", data=data)
    assert response.status_code == 200, response.text[:500]
    return response.text
