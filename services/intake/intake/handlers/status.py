"""Status moves (exactly DOMAIN.md's), closing, reopening and holds. Every move is in the
history and tells the other services with ticket.status_changed."""
from __future__ import annotations

from datetime import datetime

from servicedesk_common.errors import Conflict, Invalid
from servicedesk_common.identity import Identity

from .. import domain
from ..models import Reply, Ticket
from .base import by_at, now

DONE, IN_PROGRESS = domain.Status.DONE.value, domain.Status.IN_PROGRESS.value


def move(ticket: Ticket, to: str, *, by: Identity, uow, at: datetime | None = None,
         reason: str | None = None, resolution: str | None = None,
         catalog: dict | None = None) -> None:
    """One move of the status table; anything else is a 409 that says what is allowed.
    Closing also needs a complete ticket (SOP step 16): else a 422 naming what is missing."""
    at = at or now()
    try:
        domain.check_move(ticket.status, to)
    except domain.ForbiddenMove as refused:
        raise Conflict(str(refused), code="forbidden_transition", details={
            "status": [str(refused)], "current": ticket.status, "allowed": refused.allowed},
        ) from None
    if to == DONE:
        _check_complete(ticket, resolution=resolution, catalog=catalog)
    old = ticket.status
    if to == DONE and ticket.hold_reason:
        end_hold(ticket, by=by, uow=uow, cause="closed", at=at)
    ticket.status = to
    ticket.updated_at = at
    uow.tickets.record(ticket, what="status", by=by.username, source="intake", at=at,
                       from_value=old, to_value=to)
    uow.outbox.add("ticket.status_changed", {
        "number": ticket.number, "from": old, "to": to, "type": ticket.type,
        "category": ticket.category, **by_at(by, at)}, aggregate_id=ticket.number)
    if to == DONE:
        _closed(ticket, resolution=resolution, by=by, uow=uow, at=at)
    elif old == DONE:
        _reopened(ticket, reason=reason, by=by, uow=uow, at=at)


def _check_complete(ticket: Ticket, *, resolution: str | None, catalog: dict | None) -> None:
    gaps = domain.closing_gaps(
        category=ticket.category, service=ticket.service, urgency=ticket.urgency,
        impact=ticket.impact, resolution=resolution or ticket.resolution or ticket.solution,
        catalog=catalog)
    if gaps:
        raise Invalid("The ticket cannot be closed yet; missing: " + ", ".join(gaps) + ".",
                      details=gaps)


def _closed(ticket: Ticket, *, resolution: str | None, by: Identity, uow, at) -> None:
    ticket.closed_at = at
    if resolution:
        uow.tickets.record(ticket, what="resolution", by=by.username, source="intake", at=at,
                           from_value=ticket.resolution, to_value=resolution)
        ticket.resolution = resolution
        ticket.replies.append(Reply(author=by.username, author_role=by.role, body=resolution,
                                    internal=False, kind="resolution", created_at=at))
    uow.outbox.add("ticket.closed", {
        "number": ticket.number, "type": ticket.type, "title": ticket.title,
        "body": ticket.body, "category": ticket.category, "service": ticket.service,
        "priority": ticket.priority, "resolution": ticket.resolution or ticket.solution,
        "solution": ticket.solution, "client": ticket.client,
        "guest_email": ticket.guest_email, "contact_name": ticket.contact_name,
        "assignee": ticket.assignee, "group": ticket.group, **by_at(by, at)},
        aggregate_id=ticket.number)


def _reopened(ticket: Ticket, *, reason: str | None, by: Identity, uow, at) -> None:
    uow.tickets.record(ticket, what="reopened", by=by.username, source="intake", at=at,
                       from_value=ticket.closed_at.isoformat() if ticket.closed_at else None,
                       to_value=reason)
    ticket.closed_at = ticket.resolved_at = None
    uow.outbox.add("ticket.reopened", {"number": ticket.number, "reason": reason,
                                       **by_at(by, at)}, aggregate_id=ticket.number)


def close(ticket: Ticket, *, resolution: str | None, by: Identity, uow,
          catalog: dict | None) -> None:
    move(ticket, DONE, by=by, uow=uow, resolution=resolution, catalog=catalog)


def reopen(ticket: Ticket, *, reason: str, by: Identity, uow, owner_days: int) -> None:
    """Staff reopen any done ticket; its owner only within `owner_days` of its closing."""
    at = now()
    if ticket.status == DONE and not by.is_staff and not domain.owner_may_reopen(
            ticket.closed_at, at, days=owner_days):
        raise Conflict(f"This ticket was closed more than {owner_days} days ago; please "
                       "report a new ticket.", code="reopen_window_passed")
    move(ticket, IN_PROGRESS, by=by, uow=uow, at=at, reason=reason)


def start_hold(ticket: Ticket, *, reason: str, note: str | None, by: Identity, uow) -> None:
    try:
        domain.check_hold(ticket.status, ticket.hold_reason)
    except domain.HoldRefused as refused:
        raise Conflict(str(refused), code="hold_refused", details={
            "status": ticket.status, "on_hold": ticket.hold_reason}) from None
    at = now()
    ticket.hold_reason, ticket.hold_note, ticket.hold_since = reason, note, at
    ticket.updated_at = at
    uow.tickets.record(ticket, what="hold_started", by=by.username, source="intake", at=at,
                       to_value=reason)
    uow.outbox.add("ticket.hold_started", {"number": ticket.number, "reason": reason,
                                           "note": note, **by_at(by, at)},
                   aggregate_id=ticket.number)


def lift_hold(ticket: Ticket, *, by: Identity, uow) -> None:
    if not ticket.hold_reason:
        raise Conflict("The ticket is not on hold.", code="not_on_hold",
                       details={"status": ticket.status, "on_hold": None})
    end_hold(ticket, by=by, uow=uow, cause="lifted")


def end_hold(ticket: Ticket, *, by: Identity, uow, cause: str,
             at: datetime | None = None) -> None:
    at = at or now()
    reason = ticket.hold_reason
    ticket.hold_reason = ticket.hold_note = ticket.hold_since = None
    ticket.updated_at = at
    uow.tickets.record(ticket, what="hold_ended", by=by.username, source="intake", at=at,
                       from_value=reason, to_value=cause)
    uow.outbox.add("ticket.hold_ended", {"number": ticket.number, "reason": reason,
                                         "cause": cause, **by_at(by, at)},
                   aggregate_id=ticket.number)


def start_handling(ticket: Ticket, *, by: str | None, by_role: str | None, uow) -> None:
    """An assignment means the ticket is being handled: a submitted or new ticket moves on to
    in_progress, one allowed move at a time (so submitted -> new is seen too)."""
    who = Identity(username=by or "escalation", role=by_role or "operator")
    if ticket.status == domain.Status.SUBMITTED.value:
        move(ticket, domain.Status.NEW.value, by=who, uow=uow)
    if ticket.status == domain.Status.NEW.value:
        move(ticket, IN_PROGRESS, by=who, uow=uow)
