"""Mails to the client through a real SMTP server (aiosmtpd): what arrives, and that a server
that is down delays mails without losing or doubling any."""
from __future__ import annotations

import email
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from servicedesk_common.bus import wait_until
from servicedesk_common.testing import free_port


class Received:
    """aiosmtpd handler: keeps every message the server accepted."""

    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"

    def about(self, number: str) -> list[Message]:
        return [m for m in self.messages if number in m["Subject"]]


@pytest.fixture
def smtp_port(monkeypatch):
    port = free_port()
    monkeypatch.setenv("SERVICEDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SERVICEDESK_SMTP_PORT", str(port))
    monkeypatch.setenv("SERVICEDESK_SMTP_FROM", "Service Desk <servicedesk@madiunkota.go.id>")
    monkeypatch.setenv("SERVICEDESK_PUBLIC_URL", "https://desk.example.go.id")
    monkeypatch.setenv("SERVICEDESK_MAIL_REPLY_TO", "layanan@madiunkota.go.id")
    monkeypatch.delenv("SERVICEDESK_MAIL_DOMAIN", raising=False)
    monkeypatch.setenv("SERVICEDESK_MAIL_POLL_SECONDS", "0.1")
    monkeypatch.setenv("SERVICEDESK_MAIL_RETRY_SECONDS", "0.2")
    monkeypatch.setenv("SERVICEDESK_MAIL_RETRY_MAX_SECONDS", "0.5")
    return port


def start_smtp(port: int) -> tuple[Controller, Received]:
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, received


def body(message: Message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def unfold(header: str) -> str:
    """A header as a mail client shows it: folded lines joined."""
    return " ".join(header.split())


def test_client_receives_ticket_received_and_closure_mails(start_surveys, smtp_port):
    controller, received = start_smtp(smtp_port)
    try:
        surveys = start_surveys()
        surveys.created("INC-2026-710001", tracking_token="trk-Abc_123",
                        guest_email="sari@madiunkota.go.id")
        surveys.publish("escalation.resolved", "INC-2026-710001", solution="Switch diganti.",
                        by="tech-network-1", escalation_id=3)
        surveys.publish("ticket.replied", "INC-2026-710001", body="Teknisi menuju lokasi.",
                        internal=False, by="operator1", by_role="operator", reply_id=7)
        surveys.publish("ticket.replied", "INC-2026-710001", body="Catatan internal",
                        internal=True, by="operator1", by_role="operator", reply_id=8)
        surveys.closed("INC-2026-710001", resolution=None, guest_email=None)
        token = surveys.token("INC-2026-710001")
        assert wait_until(lambda: len(received.about("INC-2026-710001")) == 3, 15), \
            [m["Subject"] for m in received.messages]
    finally:
        controller.stop()

    receipt, reply, closing = received.about("INC-2026-710001")
    assert receipt["To"] == "sari@madiunkota.go.id"
    assert receipt["From"] == "Service Desk <servicedesk@madiunkota.go.id>"
    assert receipt["Subject"] == "[INC-2026-710001] Laporan Anda telah kami terima"
    assert ("https://desk.example.go.id/lacak?number=INC-2026-710001&token=trk-Abc_123"
            in body(receipt))
    assert "Teknisi menuju lokasi." in body(reply) and "Catatan internal" not in body(reply)
    assert "survei" in closing["Subject"].lower()
    closing_text = body(closing)
    assert f"https://desk.example.go.id/survei/{token}" in closing_text
    assert "Switch diganti." in closing_text  # level 2's solution when closing names none
    assert all(m.status == "sent" for m in surveys.mails("INC-2026-710001"))
    link = "https://desk.example.go.id/lacak?number=INC-2026-710001&token=trk-Abc_123"
    assert link in body(reply) and link in closing_text
    # one thread: the receipt is its root, each mail answers the one before
    root = receipt["Message-ID"]
    assert root.endswith("@madiunkota.go.id>") and "INC-2026-710001" in root
    assert receipt["In-Reply-To"] is None
    assert reply["In-Reply-To"] == root and reply["References"] == root
    assert closing["In-Reply-To"] == reply["Message-ID"]
    assert closing["References"].split() == [root, reply["Message-ID"]]  # folded on the wire
    assert all(m["Reply-To"] == "layanan@madiunkota.go.id" for m in (receipt, reply, closing))
    assert all(unfold(m["Subject"]).startswith("[INC-2026-710001] ")
               for m in (receipt, reply, closing))
    assert [m.message_id for m in surveys.mails("INC-2026-710001")] == \
        [receipt["Message-ID"], reply["Message-ID"], closing["Message-ID"]]


def test_first_mail_to_a_new_address_carries_no_text_the_sender_typed(start_surveys,
                                                                        smtp_port):
    controller, received = start_smtp(smtp_port)
    try:
        surveys = start_surveys()
        surveys.created("INC-2026-730001", guest_email="pejabat@madiunkota.go.id",
                        title="Transfer dana ke rekening 123", contact_name="Kepala Dinas",
                        tracking_token="trk-1")
        assert wait_until(lambda: len(received.about("INC-2026-730001")) == 1, 15)
        surveys.created("INC-2026-730002", guest_email="Pejabat@madiunkota.go.id",
                        title="Printer macet", contact_name="Sari", tracking_token="trk-2")
        assert wait_until(lambda: len(received.about("INC-2026-730002")) == 1, 15)
    finally:
        controller.stop()
    first, = received.about("INC-2026-730001")
    text = body(first)
    assert "rekening" not in text and "Kepala Dinas" not in text
    assert "INC-2026-730001" in text and "menunggu verifikasi" in text
    assert "https://desk.example.go.id/lacak?number=INC-2026-730001&token=trk-1" in text
    later, = received.about("INC-2026-730002")  # the desk has written to it before
    assert "Printer macet" in body(later) and "Yth. Sari," in body(later)


def test_mails_wait_while_the_server_is_down_and_arrive_once_when_it_is_back(
        start_surveys, smtp_port):
    surveys = start_surveys()
    for n in (1, 2, 3):
        surveys.created(f"INC-2026-72000{n}")
    surveys.closed("INC-2026-720001")
    surveys.token("INC-2026-720001")
    assert wait_until(lambda: any(m.attempts >= 2 for m in surveys.mails()), 10)
    waiting = surveys.mails()
    assert len(waiting) == 4 and all(m.status == "pending" for m in waiting)
    assert any("refused" in (m.last_error or "").lower() for m in waiting)

    controller, received = start_smtp(smtp_port)  # the server comes back
    try:
        assert wait_until(lambda: all(m.status == "sent" for m in surveys.mails()), 15)
        wait_until(lambda: False, 1.0)  # time for any duplicate to show up
    finally:
        controller.stop()
    subjects = sorted(m["Subject"] for m in received.messages)
    assert len(subjects) == 4 and len(set(subjects)) == 4  # every mail, each once
    assert sum("INC-2026-720001" in s for s in subjects) == 2


def test_client_mails_held_while_the_server_is_stopped_arrive_once_and_still_thread(
        start_surveys, smtp_port):
    controller, before = start_smtp(smtp_port)
    surveys = start_surveys()
    try:
        surveys.created("INC-2026-740001", guest_email="sari@madiunkota.go.id",
                        tracking_token="trk-9")
        assert wait_until(lambda: len(before.about("INC-2026-740001")) == 1, 15)
    finally:
        controller.stop()  # the office's mail server goes down

    surveys.publish("ticket.replied", "INC-2026-740001", body="Teknisi menuju lokasi.",
                    internal=False, by="operator1", by_role="operator", reply_id=11)
    surveys.closed("INC-2026-740001", guest_email="sari@madiunkota.go.id")
    assert wait_until(lambda: any(m.attempts >= 2 for m in surveys.mails()), 15)
    assert [m.status for m in surveys.mails("INC-2026-740001")] == ["sent", "pending", "pending"]

    controller, after = start_smtp(smtp_port)  # and comes back
    try:
        assert wait_until(lambda: all(m.status == "sent" for m in surveys.mails()), 15)
        wait_until(lambda: False, 1.0)
    finally:
        controller.stop()
    [receipt] = before.about("INC-2026-740001")
    # each once; the back-off may send them in either order, the headers still thread
    [reply, closing] = sorted(after.about("INC-2026-740001"), key=lambda m: "survei" in
                              unfold(m["Subject"]).lower())
    assert reply["In-Reply-To"] == receipt["Message-ID"]
    assert closing["In-Reply-To"] == reply["Message-ID"]
