"""What intake does on each command and event, inside one unit of work (the caller commits)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from servicedesk_common.events import Envelope, iso, read_payload
from servicedesk_common.identity import Identity

from . import domain
from .models import Ticket

TICKET_EVENT_FIELDS = ("type", "title", "body", "category", "service", "channel", "status",
                       "client", "guest_email", "agency", "contact_name", "contact_phone",
                       "urgency", "impact", "priority", "priority_reason", "recorded_by")


def now() -> datetime:
    return datetime.now(UTC)


def ticket_payload(ticket: Ticket, **extra) -> dict:
    payload = {name: getattr(ticket, name) for name in TICKET_EVENT_FIELDS}
    payload.update(number=ticket.number, created_at=iso(ticket.created_at), **extra)
    return payload


@dataclass
class Created:
    ticket: Ticket
    tracking_token: str


def create_ticket(data: dict, *, by: Identity | None, uow) -> Created:
    """Record a ticket: a guest or client submits it; an operator records it on their behalf."""
    staff = by is not None and by.is_staff
    moment = now()
    sequence = uow.tickets.next_sequence(domain.sequence_key(data["type"], moment.year))
    token = domain.new_tracking_token()
    ticket = Ticket(
        number=domain.ticket_number(data["type"], moment.year, sequence),
        type=data["type"], title=data["title"].strip(), body=data["body"],
        category=data["category"], service=data.get("service"),
        channel=(data.get("channel") or "web") if staff else "web",
        status=domain.initial_status(recorded_by_staff=staff).value,
        urgency=data.get("urgency") if staff else None,
        impact=data.get("impact") if staff else None,
        client=data.get("client") if staff else (by.username if by else None),
        guest_email=data.get("guest_email") or (by.email if by and not staff else None),
        contact_name=data.get("contact_name"), contact_phone=data.get("contact_phone"),
        agency=data.get("agency"), recorded_by=by.username if by else None,
        tracking_token_hash=domain.hash_token(token),
        created_at=moment, updated_at=moment, escalations=[], versions={}, replies=[],
        attachments=[])
    uow.tickets.add(ticket)
    uow.tickets.record(ticket, what="created", by=_who(by, ticket), source="intake", at=moment,
                       to_value=ticket.status)
    uow.outbox.add("ticket.created", ticket_payload(
        ticket, recorded_by_role=by.role if by else "guest"), aggregate_id=ticket.number)
    return Created(ticket, token)


def _who(by: Identity | None, ticket: Ticket) -> str:
    return by.username if by else (ticket.guest_email or "guest")


def _newer(ticket: Ticket, key: str, event: Envelope) -> bool:
    """Out-of-order delivery: an older event must not overwrite what a newer one set."""
    versions = dict(ticket.versions or {})
    if versions.get(key) and versions[key] > event.occurred_at:
        return False
    versions[key] = event.occurred_at
    ticket.versions = versions
    return True


def _apply(ticket: Ticket, changes: dict, *, by, source: str, uow) -> None:
    moment = now()
    for name, value in changes.items():
        old = getattr(ticket, name)
        if old != value:
            setattr(ticket, name, value)
            uow.tickets.record(ticket, what=name, by=by, source=source, at=moment,
                               from_value=old, to_value=value)
    ticket.updated_at = moment


def on_ticket_classified(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.get_for_update(payload["number"])
    if ticket is None or not _newer(ticket, "classification", event):
        return
    ticket.classification = {"category_valid": payload.get("category_valid"),
                             "classified_at": payload.get("at")}
    _apply(ticket, {k: payload[k] for k in ("category", "service") if payload.get(k)},
           by=payload.get("by") or "triage", source="triage", uow=uow)


def on_ticket_prioritized(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.get_for_update(payload["number"])
    if ticket is None or not _newer(ticket, "priority", event):
        return
    _apply(ticket, {"urgency": payload.get("urgency"), "impact": payload.get("impact"),
                    "priority": payload.get("priority"),
                    "priority_reason": payload.get("override_reason")},
           by=payload.get("by") or "triage", source="triage", uow=uow)


EVENT_HANDLERS = {
    "ticket.classified": on_ticket_classified,
    "ticket.prioritized": on_ticket_prioritized,
}
