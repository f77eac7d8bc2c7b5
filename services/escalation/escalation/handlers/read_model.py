"""Escalation's read model of each ticket (number, title, category, priority, status, SLA due
times) and what follows from other services' events: an escalation ends when its ticket is
closed; the group and the supervisors hear when an escalated ticket's SLA is at risk or breached.

Delivery is at-least-once and unordered: the inbox drops duplicates, each group of fields
remembers the moment of the event that set it (`uow.tickets.apply`, `_newer`) so that an older
event does not undo what a newer one set, and notifications carry the event they answer."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from servicedesk_common.events import Envelope, iso, read_payload

from .. import domain
from ..models import TicketView
from . import notify

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
    """True (and remembered) unless something newer already set this group of fields, on a
    ticket already loaded. Events that only mirror fields go through `uow.tickets.apply`,
    which keeps the same rule in one SQL statement."""
    versions = dict(ticket.versions or {})
    if versions.get(key) and versions[key] > occurred_at:
        return False
    versions[key] = occurred_at
    ticket.versions = versions
    return True


def _apply(event: Envelope, number: str, changes: dict[str, dict], *, uow) -> None:
    """Each group of fields (group -> {field: value}) set unless a newer event set it."""
    uow.tickets.apply(number, changes, at=event.occurred_at)


def on_ticket_created(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    changes = {
        "details": {"type": payload.get("type"), "created_at": parse_moment(
            payload.get("created_at")) or parse_moment(event.occurred_at)},
        "title": {"title": payload.get("title")}}
    for group in ("category", "status"):
        if payload.get(group):
            changes[group] = {group: payload[group]}
    if payload.get("priority") is not None:
        changes["priority"] = {"priority": payload["priority"]}
    _apply(event, payload["number"], changes, uow=uow)
    notify.tell_to_verify(payload, uow=uow, at=now())


def on_ticket_updated(event: Envelope, *, uow) -> None:
    """Only the title matters here: triage announces category and priority changes."""
    payload = read_payload(event)
    title = payload["changes"].get("title")
    if isinstance(title, dict) and title.get("to"):
        _apply(event, payload["number"], {"title": {"title": title["to"]}}, uow=uow)


def on_ticket_classified(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    changes = {"category": {"category": payload["category"]}} if payload.get("category") \
        else {}
    _apply(event, payload["number"], changes, uow=uow)


def on_ticket_prioritized(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    changes = {"priority": {"priority": payload.get("priority")}}
    if payload.get("category"):
        changes["category"] = {"category": payload["category"]}
    _apply(event, payload["number"], changes, uow=uow)


def on_ticket_status_changed(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    _apply(event, payload["number"], {"status": {"status": payload["to"]}}, uow=uow)
    if payload["to"] == DONE:
        _end_open_escalation(payload["number"], event, payload, uow=uow)


def on_ticket_closed(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    _apply(event, payload["number"], {"status": {"status": DONE}}, uow=uow)
    _end_open_escalation(payload["number"], event, payload, uow=uow)


def on_ticket_reopened(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    _apply(event, payload["number"], {"status": {"status": "in_progress"},
                                      "resolution": {"resolved_at": None, "resolved_by": None}},
           uow=uow)


def _end_open_escalation(number: str, event: Envelope, payload: dict, *, uow) -> None:
    """A ticket closed under an open escalation takes it out of the technician's queue. An
    escalation opened after the close (the ticket was reopened since) stays."""
    escalation = uow.escalations.open_for(number)
    closed_at = parse_moment(payload.get("at")) or parse_moment(event.occurred_at)
    if escalation is None or escalation.assigned_at > closed_at:
        return
    escalation.state = domain.State.CLOSED.value
    escalation.ended_at, escalation.ended_by = closed_at, payload.get("by")
    escalation.ended_by_role, escalation.end_reason = payload.get("by_role"), "ticket closed"
    uow.notifications.add(recipient=escalation.assignee, kind="ticket_closed",
                          number=number, escalation_id=escalation.id, at=now(),
                          message=domain.message("ticket_closed", number=number),
                          dedupe_key=f"ticket_closed:{escalation.id}")
    log.info("event=escalation_ended_by_close ticket=%s escalation=%s", number, escalation.id)


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
    _apply(event, payload["number"], {"sla": _sla_fields(event, payload)}, uow=uow)


def on_sla_alert(event: Envelope, *, uow) -> None:
    """sla.at_risk / sla.breached: the ticket's SLA state, and if it is escalated, every member
    of the group and every supervisor told, once per event."""
    on_sla_changed(event, uow=uow)
    payload = read_payload(event)
    escalation = uow.escalations.open_for(payload["number"])
    if escalation is None:
        _alert_level_one(event, payload, uow=uow)
        return
    ticket = uow.tickets.get(payload["number"])
    target = payload.get("target") or "resolution"
    # An older alert for the same target (an at_risk after its breach) tells nobody anything.
    if not _newer(ticket, f"alert:{target}", event.occurred_at):
        return
    kind = "sla_breached" if event.type == "sla.breached" else "sla_at_risk"
    due_at = payload.get("due_at") or iso(getattr(ticket, f"{target}_due_at", None))
    text = domain.message(kind, number=ticket.number, group=escalation.group_code,
                          target=target, due_at=due_at)
    members = [member.username for member in uow.groups.members(escalation.group_code)]
    uow.notifications.add_each(domain.sla_recipients(members, list(uow.config.supervisors)),
                               kind=kind, number=ticket.number, escalation_id=escalation.id,
                               message=text, at=now(),
                               dedupe_key=f"{kind}:{ticket.number}:{target}:{due_at}")


def _alert_level_one(event: Envelope, payload: dict, *, uow) -> None:
    """A ticket nobody at level 2 holds: its handlers are the operators on duty; a breach
    tells the supervisors too."""
    ticket = uow.tickets.get(payload["number"])
    target = payload.get("target") or "resolution"
    status_at = (ticket.versions or {}).get("status") if ticket is not None else None
    if ticket is None or domain.closed_before(ticket.status, status_at, event.occurred_at) \
            or not _newer(ticket, f"alert:{target}", event.occurred_at):
        return
    breached = event.type == "sla.breached"
    kind = "sla_breached" if breached else "sla_at_risk"
    due_at = payload.get("due_at") or iso(getattr(ticket, f"{target}_due_at", None))
    recipients = notify.operators_on_duty(uow, at=now())
    if breached:
        recipients = domain.each_once([*recipients, *uow.config.supervisors])
    uow.notifications.add_each(recipients, kind=kind, number=ticket.number, at=now(),
                               message=domain.message(kind, number=ticket.number, group="-",
                                                      target=target, due_at=due_at),
                               dedupe_key=f"{kind}:{ticket.number}:{target}:{due_at}")


EVENT_HANDLERS = {
    "ticket.created": on_ticket_created,
    "ticket.updated": on_ticket_updated,
    "ticket.classified": on_ticket_classified,
    "ticket.prioritized": on_ticket_prioritized,
    "ticket.status_changed": on_ticket_status_changed,
    "ticket.closed": on_ticket_closed,
    "ticket.reopened": on_ticket_reopened,
    "ticket.replied": notify.on_ticket_replied,
    "sla.started": on_sla_changed,
    "sla.updated": on_sla_changed,
    "sla.at_risk": on_sla_alert,
    "sla.breached": on_sla_alert,
}
