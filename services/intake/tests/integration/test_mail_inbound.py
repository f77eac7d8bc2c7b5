"""Inbound mail on a real Dovecot (mails go in with IMAP APPEND) and intake on real
PostgreSQL: tickets, client replies, replies after closing, machines' mail, the quarantine, and
the faults of issue 16 (server away, a crash before the move, big mails, many files)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import func, select, update

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OFFICIAL = "budi@dinas-pu.go.id"


def mail(*, sender=OFFICIAL, subject="Printer di ruang rapat rusak", text="Tidak bisa cetak.",
         html=None, charset="utf-8", headers=None, files=(), inline=None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Budi Santoso <{sender}>"
    message["To"] = "desk@office.example"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="dinas-pu.go.id")
    for name, value in (headers or {}).items():
        message[name] = value
    if text is None:  # an HTML-only mail
        message.set_content(html, subtype="html", charset=charset)
    else:
        message.set_content(text, charset=charset)
        if html is not None:
            message.add_alternative(html, subtype="html", charset=charset)
    if inline is not None:
        message.add_related(inline, "image", "png", cid="<logo@x>")
    for name, content, maintype, subtype in files:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message


class Office:
    """Intake's mail reader on this test's Dovecot and databases."""

    def __init__(self, desk, dovecot, monkeypatch):
        from intake.config import IntakeConfig, MailboxConfig
        from intake.mailbox import MailReader

        for name, value in dovecot.settings.items():
            monkeypatch.setenv(name, value)
        self.desk, self.dovecot = desk, dovecot
        self.mailbox = replace(MailboxConfig.from_env(), poll_seconds=0.5, idle_seconds=2)
        self.reader = MailReader(self.mailbox, make_uow=desk.harness.uow,
                                 store=desk.harness.app.extensions["intake"].store,
                                 config=IntakeConfig.from_env())

    def send(self, *messages) -> None:
        self.dovecot.deliver(*(m if isinstance(m, bytes) else m.as_bytes() for m in messages))

    def read(self) -> dict:
        client = self.reader.connect()
        try:
            return self.reader.read_once(client)
        finally:
            client.logout()

    def tickets(self, **filters) -> list[dict]:
        query = "&".join(f"{k}={v}" for k, v in {"per_page": 100, **filters}.items())
        response = self.desk.http.get(f"/api/v1/tickets?{query}", headers=self.desk.operator)
        assert response.status_code == 200, response.json
        return response.json["items"]

    def ticket_count(self) -> int:
        from intake.models import Ticket

        with self.desk.harness.uow() as uow:
            return uow.session.execute(select(func.count()).select_from(Ticket)).scalar_one()

    def close(self, number: str, *, days_ago: float = 0) -> None:
        assert self.desk.patch(number, category="Jaringan", service="Internet lambat",
                               urgency="medium", impact="medium").status_code == 200
        response = self.desk.http.post(f"/api/v1/tickets/{number}/close",
                                       json={"resolution": "Toner diganti."},
                                       headers=self.desk.operator)
        assert response.status_code == 200, response.json
        if days_ago:
            from intake.models import Ticket

            with self.desk.harness.uow() as uow:
                closed_at = uow.tickets.get(number).closed_at
                uow.session.execute(update(Ticket).where(Ticket.number == number).values(
                    closed_at=closed_at - timedelta(days=days_ago)))
                uow.commit()


@pytest.fixture
def office(desk, dovecot, monkeypatch):
    return Office(desk, dovecot, monkeypatch)


def test_a_mail_becomes_a_ticket_and_is_moved_to_the_done_folder(office, dovecot):
    html = "<html><body><p>Printer <b>HP</b> di ruang rapat tidak bisa mencetak sejak " \
           "pagi.</p><ul><li>Lampu merah</li></ul><p>Terima kasih &amp; salam</p></body></html>"
    office.send(mail(html=html, charset="iso-8859-1", text=None))
    assert office.read() == {"ticket": 1}
    [ticket] = office.tickets()
    assert ticket["channel"] == "email" and ticket["status"] == "submitted"
    assert ticket["guest_email"] == OFFICIAL and ticket["contact_name"] == "Budi Santoso"
    assert ticket["title"] == "Printer di ruang rapat rusak"
    assert "Printer HP di ruang rapat tidak bisa mencetak" in ticket["body"]
    assert "<b>" not in ticket["body"] and "Lampu merah" in ticket["body"]
    assert "Terima kasih & salam" in ticket["body"]
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 1
    assert any(b"\\Seen" in flags for flags in dovecot.flags("Processed"))


def test_every_charset_and_transfer_encoding_reads_as_text(office):
    office.send(mail(subject="=?utf-8?b?SmFyaW5nYW4gbWF0aSDigJQgbGFudGFpIDI=?=",
                     text="Koneksi putus di lantai 2, ruang Kepala Bidang.",
                     charset="utf-8"),
                mail(subject="Surat dinas", text="Permohonan akses \u00e9\u00e8 \u00fc",
                     charset="iso-8859-1"))
    office.read()
    titles = {t["title"]: t["body"] for t in office.tickets()}
    assert titles["Jaringan mati \u2014 lantai 2"].startswith("Koneksi putus di lantai 2")
    assert titles["Surat dinas"] == "Permohonan akses \u00e9\u00e8 \u00fc"


def test_a_reply_from_the_client_is_a_reply_marked_unread_until_read(office):
    first = mail()
    office.send(first)
    office.read()
    [ticket] = office.tickets()
    number = ticket["number"]
    assert ticket["unread_client_replies"] == 0
    office.send(mail(subject=f"Re: [{number}] Printer di ruang rapat rusak",
                     text="Sudah saya coba restart, masih rusak.\n\n"
                          "On Mon, 1 Dec 2026 at 09:00, Service Desk <desk@office.example> "
                          "wrote:\n> Tiket Anda sudah kami terima."))
    office.send(mail(subject="Re: Printer", text="Lampu sekarang berkedip.",
                     headers={"In-Reply-To": first["Message-ID"],
                              "References": first["Message-ID"]}))
    assert office.read() == {"reply": 2}
    ticket = office.desk.get(number)
    bodies = [r["body"] for r in ticket["replies"] if r["author_kind"] == "client"]
    assert bodies == ["Sudah saya coba restart, masih rusak.", "Lampu sekarang berkedip."]
    assert ticket["unread_client_replies"] == 2
    [listed] = office.tickets()
    assert listed["unread_client_replies"] == 2
    read = office.desk.http.post(f"/api/v1/tickets/{number}/read", headers=office.desk.operator)
    assert read.status_code == 200 and read.json["unread_client_replies"] == 0
    assert office.tickets()[0]["unread_client_replies"] == 0
    client = office.desk.http.post(f"/api/v1/tickets/{number}/read",
                                   headers=office.desk.client("client1"))
    assert client.status_code in (403, 404)


def test_a_stranger_naming_a_ticket_makes_a_new_ticket_with_a_note(office):
    office.send(mail())
    office.read()
    [original] = office.tickets()
    office.send(mail(sender="orang.lain@example.com",
                     subject=f"Re: [{original['number']}] Printer",
                     text="Tolong tutup saja tiket ini."))
    assert office.read() == {"ticket": 1}
    assert office.desk.get(original["number"])["replies"] == []
    new = next(t for t in office.tickets() if t["number"] != original["number"])
    assert new["guest_email"] == "orang.lain@example.com"
    note = office.desk.get(new["number"])["replies"][0]
    assert note["internal"] and original["number"] in note["body"]


def test_a_reply_within_seven_days_of_closing_reopens_the_ticket(office):
    office.send(mail())
    office.read()
    number = office.tickets()[0]["number"]
    office.close(number, days_ago=6)
    office.send(mail(subject=f"Re: [{number}] Printer", text="Rusak lagi hari ini."))
    assert office.read() == {"reply": 1}
    ticket = office.desk.get(number)
    assert ticket["status"] == "in_progress" and ticket["unread_client_replies"] == 1
    assert ticket["replies"][-1]["body"] == "Rusak lagi hari ini."
    assert [e["event"] for e in office.desk.events("ticket.reopened", number)] == [
        "ticket.reopened"]


def test_a_reply_after_seven_days_opens_a_related_ticket(office):
    office.send(mail())
    office.read()
    number = office.tickets()[0]["number"]
    office.close(number, days_ago=8)
    office.send(mail(subject=f"Re: [{number}] Printer", text="Printer rusak lagi."))
    assert office.read() == {"ticket": 1}
    assert office.desk.get(number)["status"] == "done"
    new = next(t for t in office.tickets() if t["number"] != number)
    assert new["status"] == "submitted" and new["body"] == "Printer rusak lagi."
    assert new["channel"] == "email" and new["guest_email"] == OFFICIAL
    links = [h["to"] for h in office.desk.history(number) if h["what"] == "link"]
    assert links == [f"related {new['number']}"]
    created = office.desk.events("ticket.created", new["number"])
    assert created[0]["related_to"] == number


def test_a_web_tracking_reply_on_a_done_ticket_reopens_it_or_opens_a_new_one(office):
    desk = office.desk
    recent, old = desk.create(), desk.create()
    office.close(recent["number"], days_ago=1)
    office.close(old["number"], days_ago=10)
    answer = desk.http.post(f"/api/v1/track/{recent['number']}/replies?"
                            f"token={recent['tracking_token']}", json={"body": "Masih mati."})
    assert answer.status_code == 201 and answer.json["ticket"] == recent["number"]
    assert desk.get(recent["number"])["status"] == "in_progress"
    late = desk.http.post(f"/api/v1/track/{old['number']}/replies?token={old['tracking_token']}",
                          json={"body": "Mati lagi."})
    assert late.status_code == 201 and late.json["ticket"] != old["number"]
    follow_up = desk.get(late.json["ticket"])
    assert follow_up["body"] == "Mati lagi." and follow_up["guest_email"] == old["guest_email"]
    assert desk.get(old["number"])["status"] == "done"


@pytest.mark.parametrize("headers,sender", [
    ({"Auto-Submitted": "auto-replied"}, OFFICIAL),
    ({"X-Autoreply": "yes"}, OFFICIAL),
    ({"Precedence": "bulk"}, OFFICIAL),
    ({"Precedence": "junk"}, OFFICIAL),
    ({}, "MAILER-DAEMON@mail.dinas-pu.go.id"),
    ({}, "postmaster@dinas-pu.go.id"),
    ({}, "desk@office.example"),  # our own mail coming back: a loop
])
def test_auto_replies_bounces_and_loops_make_nothing(office, dovecot, headers, sender):
    office.send(mail())
    office.read()
    [ticket] = office.tickets()
    office.send(mail(sender=sender, headers=headers, subject=f"Out of office [{ticket['number']}]",
                     text="I am away until Monday."))
    assert office.read() == {"ignored": 1}
    assert office.ticket_count() == 1 and office.desk.get(ticket["number"])["replies"] == []
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 2


def test_a_crash_between_the_ticket_and_the_move_leaves_one_ticket(office, dovecot):
    message = mail().as_bytes()
    office.send(message)
    # the worker took the mail (ticket and Message-ID committed) and died before moving it
    assert office.reader.take(message) == "ticket"
    assert dovecot.count("INBOX") == 1
    assert office.read() == {"seen": 1}
    assert office.ticket_count() == 1
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 1


def _worker_process(office, tmp_path) -> subprocess.Popen:
    """intake's real worker (python -m intake.worker) on this test's database and Dovecot."""
    settings = office.desk.harness.settings
    database = settings.database_url.rsplit("_intake", 1)[0] + "_{service}"
    env = {**os.environ, **office.dovecot.settings, "SERVICEDESK_DEV": "1",
           "SERVICEDESK_DATABASE_URL": database, "SERVICEDESK_AMQP_URL": settings.amqp_url,
           "SERVICEDESK_BUS_PREFIX": settings.bus_prefix,
           "SERVICEDESK_DATA_DIR": str(settings.data_dir), "SERVICEDESK_DB_POOL_SIZE": "2"}
    log = open(tmp_path / f"worker-{time.monotonic_ns()}.log", "wb")
    return subprocess.Popen([sys.executable, "-m", "intake.worker"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def test_the_worker_killed_between_tickets_and_the_move_makes_each_ticket_once(
        office, dovecot, tmp_path):
    # 20 mails (one fetched batch) with a 3 MB file each: the reader commits them one by one
    # and moves the batch after the last; the worker is killed in between
    scan = b"%PDF-1.4\n" + b"1" * (3 * 1024 * 1024)
    office.send(*(mail(subject=f"Laporan {i}", files=[("scan.pdf", scan, "application", "pdf")])
                  for i in range(20)))
    worker = _worker_process(office, tmp_path)
    try:
        _wait(lambda: office.ticket_count() >= 1, timeout=60, interval=0.01)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    made = office.ticket_count()
    assert 1 <= made < 20 and dovecot.count("INBOX") == 20  # tickets made, nothing moved
    restarted = _worker_process(office, tmp_path)
    try:
        _wait(lambda: dovecot.count("INBOX") == 0, timeout=90)
    finally:
        restarted.terminate()
        restarted.wait(20)
    assert office.ticket_count() == 20 and dovecot.count("Processed") == 20
    titles = sorted(t["title"] for t in office.tickets())
    assert titles == sorted(f"Laporan {i}" for i in range(20))


def test_the_imap_server_away_for_a_while_loses_nothing(office, dovecot):
    office.send(mail(subject="Sebelum gangguan"))
    dovecot.stop()
    stop = threading.Event()
    reader = threading.Thread(target=office.reader.run, args=(stop,), daemon=True)
    reader.start()
    try:
        time.sleep(3)  # the reader tries and fails meanwhile
        assert office.ticket_count() == 0
        dovecot.start()
        _wait(lambda: office.ticket_count() == 1)
        office.send(mail(subject="Sesudah gangguan"))  # picked up through IDLE
        _wait(lambda: office.ticket_count() == 2)
    finally:
        stop.set()
        reader.join(10)
    assert {t["title"] for t in office.tickets()} == {"Sebelum gangguan", "Sesudah gangguan"}
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 2


def test_a_20_mb_mail_makes_a_ticket_and_names_the_file_it_could_not_keep(office, dovecot):
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    office.send(mail(files=[("laporan.pdf", big, "application", "pdf"),
                            ("foto.png", PNG, "image", "png")]))
    assert office.read() == {"ticket": 1}
    ticket = office.desk.get(office.tickets()[0]["number"])
    assert [a["filename"] for a in ticket["attachments"]] == ["foto.png"]
    [note] = [r for r in ticket["replies"] if r["internal"]]
    assert "laporan.pdf" in note["body"] and "limit" in note["body"]
    assert dovecot.count("Processed") == 1


def test_a_mail_with_200_attachments_keeps_them_all(office):
    files = [(f"foto-{i:03d}.png", PNG, "image", "png") for i in range(200)]
    office.send(mail(files=files))
    assert office.read() == {"ticket": 1}
    ticket = office.desk.get(office.tickets()[0]["number"])
    assert len(ticket["attachments"]) == 200
    assert ticket["attachments"][199]["filename"] == "foto-199.png"


def test_an_inline_image_is_kept_as_an_attachment(office):
    office.send(mail(html="<p>Lihat gambar <img src='cid:logo@x'></p>", text=None,
                     inline=PNG))
    office.read()
    ticket = office.desk.get(office.tickets()[0]["number"])
    assert [a["content_type"] for a in ticket["attachments"]] == ["image/png"]
    assert "Lihat gambar" in ticket["body"]


BROKEN = (b"From: Budi <budi@dinas-pu.go.id>\r\nSubject: Laporan rusak\r\n"
          b"Message-ID: <broken-1@dinas-pu.go.id>\r\nMIME-Version: 1.0\r\n"
          b"Content-Type: multipart/mixed; boundary=\"AAA\"\r\n\r\n"
          b"--BBB\r\nContent-Type: text/plain\r\n\r\nJaringan mati di kantor camat.\r\n")


def test_a_malformed_mime_tree_goes_to_the_quarantine_and_becomes_a_ticket(office, dovecot):
    desk = office.desk
    office.send(BROKEN)
    assert office.read() == {"quarantined": 1}
    assert office.ticket_count() == 0 and dovecot.count("Processed") == 1
    office.send(BROKEN)  # the same mail again changes nothing
    assert office.read() == {"seen": 1}
    listed = desk.http.get("/api/v1/mail/quarantine", headers=desk.operator)
    assert listed.status_code == 200
    [kept] = listed.json
    assert kept["sender"].endswith("budi@dinas-pu.go.id>") and "MIME" in kept["reason"]
    assert desk.http.get("/api/v1/mail/quarantine",
                         headers=desk.client("client1")).status_code == 403
    made = desk.http.post(f"/api/v1/mail/quarantine/{kept['id']}/ticket",
                          headers=desk.operator)
    assert made.status_code == 201, made.json
    assert made.json["channel"] == "email" and made.json["guest_email"] == OFFICIAL
    assert "Jaringan mati di kantor camat." in made.json["body"]
    again = desk.http.post(f"/api/v1/mail/quarantine/{kept['id']}/ticket", headers=desk.operator)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_a_ticket"
    missing = desk.http.post("/api/v1/mail/quarantine/999999/ticket", headers=desk.operator)
    assert missing.status_code == 404


def test_without_an_imap_host_the_reader_says_inbound_is_off(desk, caplog, monkeypatch):
    from intake.config import IntakeConfig, MailboxConfig
    from intake.mailbox import MailReader

    monkeypatch.delenv("SERVICEDESK_IMAP_HOST", raising=False)
    reader = MailReader(MailboxConfig.from_env(), make_uow=desk.harness.uow, store=None,
                        config=IntakeConfig.from_env())
    with caplog.at_level("INFO"):
        reader.run(threading.Event())  # returns at once
    assert "event=mail_inbound_off" in caplog.text


def _wait(predicate, timeout: float = 30, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("timed out")


def test_a_mail_from_a_client_accounts_address_is_that_clients_ticket(office):
    desk = office.desk
    desk.create(desk.client("client1"), guest_email=None)  # client1@example.com on the web
    office.send(mail(sender="client1@example.com", subject="Wifi lantai 3 mati"))
    office.read()
    mailed = next(t for t in office.tickets() if t["title"] == "Wifi lantai 3 mati")
    assert mailed["client"] == "client1" and mailed["guest_email"] == "client1@example.com"
    mine = desk.http.get("/api/v1/tickets", headers=desk.client("client1")).json["items"]
    assert mailed["number"] in {t["number"] for t in mine}


def test_a_logged_in_clients_late_reply_opens_a_related_ticket(office):
    desk = office.desk
    owner = desk.client("client1")
    number = desk.create(owner, guest_email=None)["number"]
    office.close(number, days_ago=9)
    late = desk.http.post(f"/api/v1/tickets/{number}/replies", headers=owner,
                          json={"body": "Masalahnya muncul lagi."})
    assert late.status_code == 201 and late.json["ticket"] != number
    follow_up = desk.get(late.json["ticket"])
    assert follow_up["client"] == "client1" and follow_up["body"] == "Masalahnya muncul lagi."
    assert desk.get(number)["status"] == "done" and desk.get(number)["replies"][-1]["kind"] \
        == "resolution"
