"""Staff notifications by e-mail through a real SMTP server (aiosmtpd): a burst is one digest
per person per SERVICEDESK_NOTIFY_DIGEST_SECONDS, a kind turned off is not mailed, and while
the server is down the digests wait and arrive once when it is back."""
from __future__ import annotations

import email
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from escalation.handlers.notify import notify_loop
from escalation.models import Mail, Notification
from servicedesk_common.bus import wait_until
from servicedesk_common.db import session_factory
from servicedesk_common.mail import mail_loop
from servicedesk_common.testing import free_port

DIGEST_SECONDS = 3


class Inbox:
    """aiosmtpd handler: every message the server accepted, by recipient."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content)
        self.messages.extend((to, message) for to in envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for to, message in self.messages if to == address]


def start_smtp(port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def text(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


@pytest.fixture
def smtp_port(monkeypatch):
    port = free_port()
    for name, value in {"SERVICEDESK_SMTP_HOST": "127.0.0.1", "SERVICEDESK_SMTP_PORT": str(port),
                        "SERVICEDESK_SMTP_FROM": "Service Desk <servicedesk@madiunkota.go.id>",
                        "SERVICEDESK_PUBLIC_URL": "https://desk.example.go.id",
                        "SERVICEDESK_NOTIFY_DIGEST_SECONDS": str(DIGEST_SECONDS),
                        "SERVICEDESK_NOTIFY_POLL_SECONDS": "0.2",
                        "SERVICEDESK_MAIL_POLL_SECONDS": "0.1",
                        "SERVICEDESK_MAIL_RETRY_SECONDS": "0.2",
                        "SERVICEDESK_MAIL_RETRY_MAX_SECONDS": "0.5"}.items():
        monkeypatch.setenv(name, value)
    return port


@pytest.fixture
def loops(desk, smtp_port):
    """The worker's notify and mail loops, as threads on the service's database."""
    class Host:
        sessions = session_factory(desk.harness.app.extensions["servicedesk"].engine)
        make_uow = staticmethod(desk.make_uow)

    stop = threading.Event()
    threads = [threading.Thread(target=build(Host), args=(stop,), daemon=True)
               for build in (lambda host: notify_loop(host), lambda host: mail_loop(Mail)(host))]
    for thread in threads:
        thread.start()
    yield Host
    stop.set()
    for thread in threads:
        thread.join(5)


def on_duty(desk, user, role="operator"):
    desk.http.get("/api/v1/notifications", headers=desk.harness.headers(
        user, role, email=f"{user}@madiunkota.go.id", name=user.title()))


def rows(host, model):
    with host.sessions() as session:
        return list(session.execute(select(model).order_by(model.id)).scalars())


def test_a_burst_of_80_new_tickets_is_one_digest_per_person_per_window(desk, smtp_port,
                                                                       loops):
    controller, inbox = start_smtp(smtp_port)
    try:
        on_duty(desk, "operator1")
        on_duty(desk, "operator2")
        desk.http.put("/api/v1/notifications/preferences", json={"email": {"to_verify": False}},
                      headers=desk.harness.headers("operator2", "operator"))
        started = time.monotonic()
        numbers = [desk.ticket(status="submitted", priority=None,
                               number=f"INC-2026-{810000 + n:06d}") for n in range(80)]
        elapsed = time.monotonic() - started
        assert wait_until(lambda: all(n.mail_state for n in rows(loops, Notification)), 30)
        assert wait_until(lambda: all(m.status == "sent" for m in rows(loops, Mail)), 15)
        wait_until(lambda: False, 1.0)  # time for any extra mail to show up
    finally:
        controller.stop()

    digests = inbox.to("operator1@madiunkota.go.id")
    assert 1 <= len(digests) <= 2 + elapsed / DIGEST_SECONDS, len(digests)
    bodies = "\n".join(text(m) for m in digests)
    assert all(bodies.count(number) == 1 for number in numbers)  # each told once, none lost
    assert "https://desk.example.go.id/staf/pemberitahuan" in bodies
    assert inbox.to("operator2@madiunkota.go.id") == []  # e-mail off for this kind ...
    assert len(desk.notifications("operator2", per_page=100)) == 80  # ... still in the console


def test_digests_wait_while_the_server_is_down_and_arrive_once_when_it_is_back(
        desk, smtp_port, loops):
    controller, inbox = start_smtp(smtp_port)
    on_duty(desk, "operator1")
    first = desk.ticket(status="submitted", number="INC-2026-820001")
    try:
        assert wait_until(lambda: len(inbox.to("operator1@madiunkota.go.id")) == 1, 15)
    finally:
        controller.stop()  # the office's mail server goes away

    second = desk.ticket(status="submitted", number="INC-2026-820002")
    assert wait_until(lambda: any(m.attempts >= 2 for m in rows(loops, Mail)), 20)
    held = [m for m in rows(loops, Mail) if m.status == "pending"]
    assert len(held) == 1 and "refused" in (held[0].last_error or "").lower()

    controller, again = start_smtp(smtp_port)  # and comes back
    try:
        assert wait_until(lambda: all(m.status == "sent" for m in rows(loops, Mail)), 15)
        wait_until(lambda: False, 1.0)
    finally:
        controller.stop()
    [late] = again.to("operator1@madiunkota.go.id")
    assert second in text(late) and first not in text(late)
    assert len(inbox.messages) == 1  # the first digest was not sent twice
