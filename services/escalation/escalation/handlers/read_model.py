"""Escalation's read model of each ticket (number, title, category, priority, status, SLA due
times) and what follows from other services' events: an escalation ends when its ticket is
closed; the group and the supervisors hear when an escalated ticket's SLA is at risk or breached.

Delivery is at-least-once and unordered: the inbox drops duplicates, `_newer` keeps an older
event from undoing what a newer one set, and notifications carry the event they answer."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from servicedesk_common.events import Envelope, iso, read_payload

from .. import domain
from ..models import TicketView

log = logging.getLogger(__name__)

DONE = "done"


def now() -> datetime:
    return datetime.now(UTC)


def parse_moment(moment: str | None) -> datetime | None:
    if not moment:
        return None
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _newer(ticket: TicketView, key: str, occurred_at: str) -> bool:
    """True (and remembered) unless something newer already set this group of fields."""
    versions = dict(ticket.versions or {})
    if versions.get(key) and versions[key] > occurred_at:
        return False
    versions[key] = occurred_at
    ticket.versions = versions
    return True


def _apply(ticket: TicketView, key: str, event: Envelope, **fields) -> bool:
    if not _newer(ticket, key, event.occurred_at):
        return False
    for name, value in fields.items():
        setattr(ticket, name, value)
    return True


def on_ticket_created(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.get_or_create(payload["number"])
    _apply(ticket, "details", event, type=payload.get("type"),
           created_at=parse_moment(payload.get("created_at")) or parse_moment(event.occurred_at))
    _apply(ticket, "title", event, title=payload.get("title"))
    if payload.get("category"):
        _apply(ticket, "category", event, category=payload["category"])
    if payload.get("priority") is not None:
        _apply(ticket, "priority", event, priority=payload["priority"])
    if payload.get("status"):
        _apply(ticket, "status", event, status=payload["status"])


def on_ticket_updated(event: Envelope, *, uow) -> None:
    """Only the title matters here: triage announces category and priority changes."""
    payload = read_payload(event)
    title = payload["changes"].get("title")
    if isinstance(title, dict) and title.get("to"):
        ticket = uow.tickets.get_or_create(payload["number"])
        _apply(ticket, "title", event, title=title["to"])


def on_ticket_classified(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.get_or_create(payload["number"])
    if payload.get("category"):
        _apply(ticket, "category", event, category=payload["category"])


def on_ticket_prioritized(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.get_or_create(payload["number"])
    _apply(ticket, "priority", event, priority=payload.get("priority"))
    if payload.get("category"):
        _apply(ticket, "category", event, category=payload["category"])


def on_ticket_status_changed(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.get_or_create(payload["number"])
    _apply(ticket, "status", event, status=payload["to"])
    if payload["to"] == DONE:
        _end_open_escalation(ticket, event, payload, uow=uow)


def on_ticket_closed(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.get_or_create(payload["number"])
    _apply(ticket, "status", event, status=DONE)
    _end_open_escalation(ticket, event, payload, uow=uow)


def on_ticket_reopened(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.get_or_create(payload["number"])
    _apply(ticket, "status", event, status="in_progress")
    _apply(ticket, "resolution", event, resolved_at=None, resolved_by=None)


def _end_open_escalation(ticket: TicketView, event: Envelope, payload: dict, *, uow) -> None:
    """A ticket closed under an open escalation takes it out of the technician's queue. An
    escalation opened after the close (the ticket was reopened since) stays."""
    escalation = uow.escalations.open_for(ticket.number)
    closed_at = parse_moment(payload.get("at")) or parse_moment(event.occurred_at)
    if escalation is None or escalation.assigned_at > closed_at:
        return
    escalation.state = domain.State.CLOSED.value
    escalation.ended_at, escalation.ended_by = closed_at, payload.get("by")
    escalation.ended_by_role, escalation.end_reason = payload.get("by_role"), "ticket closed"
    uow.notifications.add(recipient=escalation.assignee, kind="ticket_closed",
                          number=ticket.number, escalation_id=escalation.id, at=now(),
                          message=domain.message("ticket_closed", number=ticket.number),
                          dedupe_key=f"ticket_closed:{escalation.id}")
    log.info("event=escalation_ended_by_close ticket=%s escalation=%s", ticket.number,
             escalation.id)


def _sla_fields(event: Envelope, payload: dict) -> dict:
    fields = {name: parse_moment(payload.get(name)) for name in (
        "response_due_at", "resolution_due_at") if name in payload}
    target, due_at = payload.get("target"), payload.get("due_at")
    if target in ("response", "resolution") and due_at and f"{target}_due_at" not in fields:
        fields[f"{target}_due_at"] = parse_moment(due_at)
    state = payload.get("state") or {"sla.at_risk": "at_risk",
                                     "sla.breached": "breached"}.get(event.type)
    if state:
        fields["sla_state"] = state
    return fields


def on_sla_changed(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.get_or_create(payload["number"])
    _apply(ticket, "sla", event, **_sla_fields(event, payload))


def on_sla_alert(event: Envelope, *, uow) -> None:
    """sla.at_risk / sla.breached: the ticket's SLA state, and if it is escalated, every member
    of the group and every supervisor told, once per event."""
    on_sla_changed(event, uow=uow)
    payload = read_payload(event)
    ticket = uow.tickets.get(payload["number"])
    escalation = uow.escalations.open_for(ticket.number)
    target = payload.get("target") or "resolution"
    # An older alert for the same target (an at_risk after its breach) tells nobody anything.
    if escalation is None or not _newer(ticket, f"alert:{target}", event.occurred_at):
        return
    kind = "sla_breached" if event.type == "sla.breached" else "sla_at_risk"
    due_at = payload.get("due_at") or iso(getattr(ticket, f"{target}_due_at", None))
    text = domain.message(kind, number=ticket.number, group=escalation.group_code,
                          target=target, due_at=due_at)
    members = [member.username for member in uow.groups.members(escalation.group_code)]
    moment = now()
    for recipient in domain.sla_recipients(members, list(uow.config.supervisors)):
        uow.notifications.add(recipient=recipient, kind=kind, number=ticket.number,
                              escalation_id=escalation.id, message=text, at=moment,
                              dedupe_key=f"{kind}:{ticket.number}:{target}:{due_at}")


EVENT_HANDLERS = {
    "ticket.created": on_ticket_created,
    "ticket.updated": on_ticket_updated,
    "ticket.classified": on_ticket_classified,
    "ticket.prioritized": on_ticket_prioritized,
    "ticket.status_changed": on_ticket_status_changed,
    "ticket.closed": on_ticket_closed,
    "ticket.reopened": on_ticket_reopened,
    "sla.started": on_sla_changed,
    "sla.updated": on_sla_changed,
    "sla.at_risk": on_sla_alert,
    "sla.breached": on_sla_alert,
}
