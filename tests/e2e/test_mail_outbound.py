"""Outbound mail through the whole stack, with a real SMTP server (aiosmtpd) as the office's:
a client's mails about a ticket thread and carry the tracking link, the first one to a new
address carries nothing the sender typed; staff are told by a digest, a burst of tickets is
a few mails rather than one each, and each person chooses the kinds they get by e-mail."""
from __future__ import annotations

import re
import time

import pytest
import requests
from aiosmtpd.controller import Controller

from servicedesk_common.bus import wait_until
from servicedesk_common.testing import free_port
from tests.conftest import start_stack, stop_stack
from tests.mailboxes import LINK, Inbox, text, unfold

DIGEST_SECONDS = 3


@pytest.fixture(scope="module")
def mail_stack(test_databases, amqp_url, tmp_path_factory):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    stack, process, bus, log_file = start_stack(
        test_databases, amqp_url, tmp_path_factory.mktemp("mail-stack"),
        SERVICEDESK_SMTP_HOST="127.0.0.1", SERVICEDESK_SMTP_PORT=str(port),
        SERVICEDESK_SMTP_FROM="Service Desk Diskominfo <servicedesk@madiunkota.go.id>",
        SERVICEDESK_MAIL_REPLY_TO="layanan@madiunkota.go.id",
        SERVICEDESK_NOTIFY_DIGEST_SECONDS=str(DIGEST_SECONDS),
        SERVICEDESK_NOTIFY_POLL_SECONDS="0.3", SERVICEDESK_MAIL_POLL_SECONDS="0.2")
    yield stack, inbox
    stop_stack(process, bus, log_file)
    controller.stop()


def guest_ticket(stack, title: str, address: str) -> dict:
    created = stack.client().post("/api/v1/tickets", json={
        "title": title, "body": "Sejak pagi tidak bisa membuka aplikasi.",
        "category": "Aplikasi", "service": "Aplikasi down", "guest_email": address,
        "contact_name": "Sari"})
    assert created.status_code == 201, created.text
    return created.json()


def test_a_clients_mails_thread_carry_the_link_and_staff_get_a_digest(mail_stack):
    stack, inbox = mail_stack
    operator = stack.client("operator1")
    assert operator.get("/api/v1/notifications").status_code == 200  # on duty
    client = "kepala.tu@dinkes.madiunkota.go.id"
    ticket = guest_ticket(stack, "Kirim uang ke rekening 0123", client)
    number, token = ticket["number"], ticket["tracking_token"]

    reply = operator.post(f"/api/v1/tickets/{number}/replies",
                          json={"body": "Mohon kirim tangkapan layar galatnya."})
    assert reply.status_code == 201, reply.text
    answered = requests.post(stack.url(f"/api/v1/track/{number}/replies"),
                             params={"token": token}, json={"body": "Galat 502, Pak."},
                             timeout=20)
    assert answered.status_code == 201, answered.text
    assert operator.patch(f"/api/v1/tickets/{number}", json={  # step 16: complete to close
        "urgency": "medium", "impact": "medium"}).status_code == 200
    closed = operator.post(f"/api/v1/tickets/{number}/close",
                           json={"resolution": "Layanan aplikasi dijalankan ulang."})
    assert closed.status_code == 200, closed.text
    assert wait_until(lambda: len(inbox.to(client)) == 3, 30), \
        [unfold(m["Subject"]) for m in inbox.to(client)]

    receipt, staff_reply, closing = inbox.to(client)
    assert "rekening" not in text(receipt) and "Sari" not in text(receipt)  # first contact
    for message in (receipt, staff_reply, closing):
        assert unfold(message["Subject"]).startswith(f"[{number}] ")
        assert message["Reply-To"] == "layanan@madiunkota.go.id"
        found = LINK.search(text(message))
        assert found and found["number"] == number and found["token"] == token, text(message)
    assert "Mohon kirim tangkapan layar" in text(staff_reply)
    assert "survei" in text(closing)
    root = receipt["Message-ID"]
    assert root.endswith("@madiunkota.go.id>")
    assert staff_reply["In-Reply-To"] == root
    assert closing["In-Reply-To"] == staff_reply["Message-ID"]
    assert unfold(closing["References"]).split() == [root, staff_reply["Message-ID"]]

    told = operator.eventually("/api/v1/notifications", lambda body: {
        "to_verify", "client_replied"} <= {n["kind"] for n in body["items"]
                                           if n["number"] == number}, timeout=15)
    assert told["unread"] >= 2
    staff_address = operator.user["email"]
    assert wait_until(lambda: any(number in text(m) and "Galat 502" in text(m)
                                  for m in inbox.to(staff_address)), 30)


def test_a_burst_of_tickets_is_a_few_digests_not_one_mail_each(mail_stack):
    stack, inbox = mail_stack
    operator = stack.client("operator2")
    assert operator.get("/api/v1/notifications").status_code == 200
    address = operator.user["email"]
    before = len(inbox.to(address))
    started = time.monotonic()
    numbers = [guest_ticket(stack, f"Aplikasi SIMPEG mati {n}",
                            f"pegawai{n}@madiunkota.go.id")["number"] for n in range(20)]
    elapsed = time.monotonic() - started

    def all_told():
        bodies = "\n".join(text(m) for m in inbox.to(address)[before:])
        return all(number in bodies for number in numbers)

    assert wait_until(all_told, 45)
    wait_until(lambda: False, 1.0)
    digests = inbox.to(address)[before:]
    assert len(digests) <= 2 + elapsed / DIGEST_SECONDS, (len(digests), elapsed)
    bodies = "\n".join(text(m) for m in digests)
    assert all(bodies.count(f"Tiket baru {number} ") == 1 for number in numbers)


def test_a_person_turns_a_kind_of_email_off_in_the_console(mail_stack):
    stack, _ = mail_stack
    browser = requests.Session()
    page = browser.get(stack.url("/staf/masuk"), timeout=20)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed_in = browser.post(stack.url("/staf/masuk"), timeout=20, allow_redirects=False,
                             data={"username": "supervisor1", "password": stack.demo_password,
                                   "csrf_token": csrf})
    assert signed_in.status_code == 302
    page = browser.get(stack.url("/staf/pemberitahuan"), timeout=20)
    assert page.status_code == 200 and "Kirim juga lewat e-mail" in page.text
    kinds = re.findall(r'name="kind" value="([a-z_0-9]+)"', page.text)
    assert "sla_breached" in kinds and "to_verify" in kinds
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    saved = browser.post(stack.url("/staf/pemberitahuan/email"), timeout=20,
                         allow_redirects=False,
                         data={"csrf_token": csrf, "kind": kinds,
                               "email": [k for k in kinds if k != "sla_at_risk"]})
    assert saved.status_code == 302
    prefs = stack.client("supervisor1").get("/api/v1/notifications/preferences").json()
    assert prefs["email"]["sla_at_risk"] is False and prefs["email"]["sla_breached"] is True
    page = browser.get(stack.url("/staf/pemberitahuan"), timeout=20)
    assert 'value="sla_at_risk" checked' not in page.text
    assert 'value="sla_breached" checked' in page.text
