"""Who is told what (DOMAIN.md "who is told"), and the staff's digest mails.

Events add notifications (the console list); the worker's notify loop turns each person's
untold notifications into at most one digest mail per SERVICEDESK_NOTIFY_DIGEST_SECONDS,
leaving out the kinds they turned off and what they already read in the console, and warns
the operators on duty of a priority-1 ticket nobody verified. Each digest and each warning is
one unit of work; the mail goes out through the shared mailer (held while SMTP is down)."""
from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from servicedesk_common.events import Envelope, read_payload
from servicedesk_common.identity import OPERATOR, STAFF

from .. import domain

log = logging.getLogger(__name__)

SUBMITTED = "submitted"


def now() -> datetime:
    return datetime.now(UTC)


def operators_on_duty(uow, *, at: datetime) -> list[str]:
    return uow.staff.on_duty(OPERATOR, since=at - timedelta(minutes=uow.config.on_duty_minutes))


def handlers_of(number: str, *, uow, at: datetime) -> list[str]:
    escalation = uow.escalations.open_for(number)
    return domain.handlers_of(escalation.assignee if escalation else None,
                              operators_on_duty(uow, at=at))


def tell_to_verify(payload: dict, *, uow, at: datetime) -> None:
    """A new ticket waiting for verification: every operator on duty."""
    if payload.get("status") != SUBMITTED:
        return
    number = payload["number"]
    uow.notifications.add_each(operators_on_duty(uow, at=at), kind="to_verify", number=number,
                               message=domain.message("to_verify", number=number,
                                                      title=payload.get("title")),
                               at=at, dedupe_key=f"to_verify:{number}")


def on_ticket_replied(event: Envelope, *, uow) -> None:
    """A client's reply: its handler (assigned technician, else the operators on duty)."""
    payload = read_payload(event)
    if payload.get("internal") or payload.get("by_role") in STAFF \
            or payload.get("author_kind") == "staff":
        return
    number, at = payload["number"], now()
    key = payload.get("reply_id") or event.message_id
    uow.notifications.add_each(handlers_of(number, uow=uow, at=at), kind="client_replied",
                               number=number, at=at, dedupe_key=f"client_replied:{key}",
                               message=domain.message("client_replied", number=number,
                                                      excerpt=domain.excerpt(payload.get("body"))))


def warn_unverified_p1(uow, *, at: datetime) -> int:
    """Every priority-1 ticket still submitted after the setting's minutes: a warning to each
    operator on duty, once per ticket. Returns how many tickets were warned about."""
    minutes = uow.config.p1_unverified_minutes
    tickets = uow.tickets.unverified(priority=1, created_before=at - timedelta(minutes=minutes))
    operators = operators_on_duty(uow, at=at)
    for ticket in tickets:
        uow.notifications.add_each(operators, kind="p1_unverified", number=ticket.number,
                                   message=domain.message("p1_unverified", number=ticket.number,
                                                          minutes=minutes, title=ticket.title),
                                   at=at, dedupe_key=f"p1_unverified:{ticket.number}")
    uow.commit()
    return len(tickets)


def send_digest(username: str, *, uow, at: datetime) -> bool:
    """One person's untold notifications: one mail (or none), marked in the same commit.
    False when their last digest is too recent (the rest wait for the next)."""
    person = uow.staff.get(username, for_update=True)
    if person is not None and person.last_digest_at is not None and \
            at - person.last_digest_at < timedelta(seconds=uow.config.digest_seconds):
        return False
    pending = uow.notifications.unmailed_for(username)
    off = uow.preferences.email_off(username)
    wanted = []
    for item in pending:
        if item.read_at is not None:
            item.mail_state = "read"
        elif item.kind in off:
            item.mail_state = "off"
        elif person is None or not person.email:
            item.mail_state = "no_address"
        else:
            wanted.append(item)
    if wanted:
        subject, body = domain.digest(
            [{"kind": n.kind, "number": n.number, "message": n.message} for n in wanted],
            name=person.name, console_url=f"{uow.config.public_url}/staf/pemberitahuan")
        uow.mails.queue(key=f"digest:{username}:{wanted[-1].id}", kind="digest",
                        to=person.email, subject=subject, body=body, at=at)
        for item in wanted:
            item.mail_state = "mailed"
        person.last_digest_at = at
        log.info("event=digest_queued recipient=%s notifications=%s", username, len(wanted))
    uow.commit()
    return bool(wanted)


def notify_loop(worker):
    """LOOPS builder: warns of unverified priority-1 tickets and queues the digest mails."""
    def loop(stop: threading.Event) -> None:
        while not stop.is_set():
            poll = 5.0
            try:
                with worker.make_uow() as uow:
                    poll = uow.config.notify_poll_seconds
                    warn_unverified_p1(uow, at=now())
                    recipients = uow.notifications.unmailed_recipients()
                for username in recipients:
                    with worker.make_uow() as uow:
                        send_digest(username, uow=uow, at=now())
            except Exception as exc:  # noqa: BLE001 - the database went away: try again later
                log.warning("event=notify_loop_failed error=%r", exc)
            stop.wait(poll)

    return loop
