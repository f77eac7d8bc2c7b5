"""Recording a ticket and changing it (PATCH). Classification and priority are triage's: intake
checks them against triage's catalog, records the change and tells triage with ticket.updated;
triage's answer (ticket.prioritized, ticket.recategorized) comes back through the read model."""
from __future__ import annotations

from dataclasses import dataclass

from servicedesk_common.errors import Forbidden, Invalid
from servicedesk_common.identity import OPERATOR, SUPERVISOR, Identity

from .. import domain
from ..models import Reply, Ticket
from .base import bump, by_at, now, ticket_payload
from .status import move

RECORDERS = (OPERATOR, SUPERVISOR)  # who records tickets on someone's behalf
STAFF_ONLY = ("client", "urgency", "impact", "priority", "priority_reason", "internal_note")
EDITABLE = ("title", "body", "type", "category", "service", "urgency", "impact", "priority",
            "priority_reason")
CLASSIFICATION = ("type", "category", "service")
PRIORITY = ("urgency", "impact", "priority", "priority_reason")


@dataclass
class Created:
    ticket: Ticket
    tracking_token: str


def create_ticket(data: dict, *, by: Identity | None, uow, catalog: dict | None) -> Created:
    """A guest or a client submits a ticket; an operator records one on someone's behalf."""
    if by is not None and by.is_staff and by.role not in RECORDERS:
        raise Forbidden(f"Your role ({by.role}) does not record tickets; an operator does.")
    staff = by is not None and by.is_staff
    data = dict(data)
    errors = _who_errors(data, by=by, staff=staff)
    data["category"] = data.get("category") or domain.default_category(catalog, data["type"])
    if not data["category"]:
        errors["category"] = ["Choose the category of the problem."]
    elif catalog is not None:
        errors.update(domain.classification_errors(
            catalog, ticket_type=data["type"], category=data["category"],
            service=data.get("service")))
        data["service"] = domain.service_name(catalog, data["category"], data.get("service"))
    if errors:
        raise Invalid("Some fields are not valid: " + ", ".join(sorted(errors)) + ".",
                      details=errors)
    moment = now()
    fields = dict(
        type=data["type"], title=data["title"], body=data["body"],
        category=data["category"], service=data.get("service"),
        channel=(data.get("channel") or "web") if staff else "web",
        status=domain.initial_status(recorded_by_staff=staff).value,
        urgency=data.get("urgency"), impact=data.get("impact"),
        priority=data.get("priority"), priority_reason=data.get("priority_reason"),
        client=data.get("client") if staff else (by.username if by else None),
        guest_email=data.get("guest_email") or (by.email if by and not staff else None),
        contact_name=data.get("contact_name") or (by.name if by and not staff else None),
        contact_phone=data.get("contact_phone"), agency=data.get("agency"),
        recorded_by=by.username if by else None)
    note = None
    if data.get("internal_note"):
        note = Reply(author=by.username, author_role=by.role, body=data["internal_note"],
                     internal=True, kind="note", created_at=moment)
    return open_ticket(fields, by=by, uow=uow, at=moment, note=note)


def open_ticket(fields: dict, *, by: Identity | None, uow, at, note: Reply | None = None,
                **event_extra) -> Created:
    """Number, token, the row, its history and ticket.created: every way a ticket begins."""
    # the number first, before anything else is written: on PostgreSQL it is taken and
    # committed on its own (concurrent creations do not queue; a failure leaves a gap)
    sequence = uow.tickets.next_sequence(
        domain.sequence_key(fields["type"], domain.jakarta_year(at)))
    token = domain.new_tracking_token()
    ticket = Ticket(
        number=domain.ticket_number(fields["type"], domain.jakarta_year(at), sequence),
        **fields, tracking_token_hash=domain.hash_token(token),
        created_at=at, updated_at=at, escalations=[], versions={},
        replies=[note] if note else [], attachments=[])
    uow.tickets.add(ticket)
    uow.tickets.record(ticket, what="created", by=by.username if by else ticket.guest_email,
                       source="intake", at=at, to_value=ticket.status)
    uow.outbox.add("ticket.created", ticket_payload(
        ticket, recorded_by_role=by.role if by else "guest", tracking_token=token,
        **event_extra), aggregate_id=ticket.number)
    return Created(ticket, token)


def _who_errors(data: dict, *, by: Identity | None, staff: bool) -> dict:
    errors: dict[str, list[str]] = {}
    if not staff:
        for name in STAFF_ONLY:
            if data.get(name) is not None:
                errors[name] = ["Only the service desk sets this."]
        if data.get("channel") not in (None, "web"):
            errors["channel"] = ["Tickets sent through the web form come in on 'web'."]
        if by is None and not data.get("guest_email"):
            errors["guest_email"] = ["Give your e-mail address so that we can reply to you."]
        return errors
    if not (data.get("client") or data.get("guest_email") or data.get("contact_phone")):
        errors["client"] = ["Say who reported it: client (username), guest_email or "
                            "contact_phone."]
    errors.update(_priority_errors(data))
    return errors


def _priority_errors(data: dict) -> dict:
    if data.get("priority") is not None and not data.get("priority_reason"):
        return {"priority_reason": ["An override of the priority needs a reason."]}
    if data.get("priority_reason") and "priority" not in data:
        return {"priority": ["Give the priority this reason is for."]}
    return {}


def update_ticket(ticket: Ticket, data: dict, *, by: Identity, uow,
                  catalog: dict | None) -> dict:
    """Apply a PATCH: fields first, then the status move. Returns the changes made."""
    errors = _priority_errors(data)
    wanted = {name: data[name] for name in EDITABLE if name in data}
    if any(name in wanted for name in CLASSIFICATION):
        wanted.update(_classification(ticket, wanted, catalog, errors))
    if errors:
        raise Invalid("Some fields are not valid: " + ", ".join(sorted(errors)) + ".",
                      details=errors)
    changes = _changes(ticket, wanted)
    at = now()
    for name, change in changes.items():
        if name != "priority" or change["to"] is not None:  # else triage sends the matrix's
            setattr(ticket, name, change["to"])
        uow.tickets.record(ticket, what=name, by=by.username, source="intake", at=at,
                           from_value=change["from"], to_value=change["to"])
    if changes:
        ticket.updated_at = at
        if any(name in changes for name in CLASSIFICATION):
            bump(ticket, "classification", at)
        if any(name in changes for name in PRIORITY):
            bump(ticket, "priority", at)
        uow.outbox.add("ticket.updated", {**ticket_payload(ticket), "changes": changes,
                                          **by_at(by, at)}, aggregate_id=ticket.number)
    if "status" in data and data["status"] != ticket.status:
        move(ticket, data["status"], by=by, uow=uow, catalog=catalog)
    return changes


def _changes(ticket: Ticket, wanted: dict) -> dict:
    changes = {name: {"from": getattr(ticket, name), "to": value}
               for name, value in wanted.items() if getattr(ticket, name) != value}
    if "priority" in wanted and wanted["priority"] is None:  # give the override back
        changes.pop("priority", None)
        changes.pop("priority_reason", None)
        if ticket.priority_reason is not None:
            changes["priority"] = {"from": ticket.priority, "to": None}
            changes["priority_reason"] = {"from": ticket.priority_reason, "to": None}
    return changes


def _classification(ticket: Ticket, wanted: dict, catalog: dict | None, errors: dict) -> dict:
    """Check type, category and service together; a new category without a service drops
    the old service (a service belongs to one category)."""
    resolved: dict = {}
    category = wanted.get("category", ticket.category)
    service = wanted.get("service", ticket.service)
    if category != ticket.category and "service" not in wanted:
        service = resolved["service"] = None
    if catalog is not None:
        errors.update(domain.classification_errors(
            catalog, ticket_type=wanted.get("type", ticket.type), category=category,
            service=service))
        if service:
            resolved["service"] = domain.service_name(catalog, category, service)
    return resolved
