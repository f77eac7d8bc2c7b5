"""What every intake command and event handler shares: the clock, who did it, history, event
payloads, and the per-field versions that keep unordered events from undoing newer changes."""
from __future__ import annotations

from datetime import UTC, datetime

from servicedesk_common.events import Envelope, iso
from servicedesk_common.identity import Identity

from ..models import Ticket

TICKET_EVENT_FIELDS = ("type", "title", "body", "category", "service", "channel", "status",
                       "client", "guest_email", "agency", "contact_name", "contact_phone",
                       "urgency", "impact", "priority", "priority_reason", "recorded_by")
GUEST = "guest"


def now() -> datetime:
    return datetime.now(UTC)


def guest_of(ticket: Ticket) -> Identity:
    """The holder of a ticket's tracking token."""
    return Identity(username=ticket.guest_email or GUEST, role=GUEST, email=ticket.guest_email)


def author_kind(by: Identity) -> str:
    return "staff" if by.is_staff else "client"


def by_at(by: Identity | None, at: datetime) -> dict:
    return {"by": by.username if by else None, "by_role": by.role if by else None,
            "at": iso(at)}


def ticket_payload(ticket: Ticket, **extra) -> dict:
    payload = {name: getattr(ticket, name) for name in TICKET_EVENT_FIELDS}
    payload.update(number=ticket.number, created_at=iso(ticket.created_at), **extra)
    return payload


def _newer(ticket: Ticket, key: str, event: Envelope) -> bool:
    """Out-of-order delivery: an older event must not overwrite what a newer one set."""
    versions = dict(ticket.versions or {})
    held = versions.get(key)
    if held and datetime.fromisoformat(held) > datetime.fromisoformat(event.occurred_at):
        return False
    versions[key] = event.occurred_at
    ticket.versions = versions
    return True


def bump(ticket: Ticket, key: str, at: datetime) -> None:
    """A change made here, now: events other services made before it are older news."""
    ticket.versions = {**(ticket.versions or {}), key: iso(at)}


def _apply(ticket: Ticket, changes: dict, *, by, source: str, uow) -> None:
    moment = now()
    for name, value in changes.items():
        old = getattr(ticket, name)
        if old != value:
            setattr(ticket, name, value)
            uow.tickets.record(ticket, what=name, by=by, source=source, at=moment,
                               from_value=old, to_value=value)
    ticket.updated_at = moment
