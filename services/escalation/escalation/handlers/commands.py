"""The escalation form and what follows it (SOP steps 11-14): assign, resolve, reassign and
return to level 1. Each runs in the caller's unit of work; the caller commits. Every refusal is
raised before anything is written, so a refused command leaves nothing behind."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from servicedesk_common.errors import Conflict, Forbidden, Invalid, NotFound
from servicedesk_common.events import iso
from servicedesk_common.identity import Identity

from .. import domain
from ..models import Escalation, TicketView
from .read_model import DONE, _newer, now


@dataclass
class Resolution:
    number: str
    escalation: Escalation | None
    solution: str
    kb_article: str | None
    by: str
    at: datetime


def _ticket(number: str, *, uow) -> TicketView:
    """The ticket, locked: commands on one ticket take turns."""
    ticket = uow.tickets.get(number, for_update=True)
    if ticket is None:
        raise NotFound(f"No ticket {number}.")
    if ticket.status == DONE:
        raise Conflict(f"Ticket {number} is closed (done); reopen it first.")
    return ticket


def _open_escalation(number: str, *, uow) -> Escalation:
    current = uow.escalations.open_for(number)
    if current is None:
        raise Conflict(f"Ticket {number} is not escalated; assign it to a group first.")
    return current


def _group(code: str | None, category: str | None, *, uow) -> str:
    """The group asked for, else the category's; locked, so that two least-loaded choices in
    the same group take turns and both see the other's assignment."""
    chosen, errors = domain.route_errors(group_code=code, category=category,
                                         groups=uow.groups.active_flags(),
                                         routes=uow.groups.routes())
    if errors:
        raise Invalid("The group cannot take this ticket.", details=errors)
    uow.groups.get(chosen, for_update=True)
    return chosen


def _assignee(code: str, wanted: str | None, *, uow, at: datetime,
              exclude: str | None = None) -> str:
    members = uow.groups.members(code)
    names = [member.username for member in members]
    if wanted is not None:
        errors = domain.assignee_errors(wanted, code, names)
        if errors:
            raise Invalid("The assignee is not a member of the group.", details=errors)
        chosen = wanted
    else:
        loads = uow.groups.open_loads(names)
        chosen = domain.least_loaded([
            domain.Candidate(m.username, loads[m.username], m.last_assigned_at, m.position)
            for m in members if m.username != exclude])
        if chosen is None:
            nobody = "nobody else" if exclude in names else "nobody"
            raise Invalid("The group has nobody to take the ticket.", details={"group": [
                f"Group {code!r} has {nobody} to take the ticket; add a member or choose "
                "another group."]})
    for member in members:
        if member.username == chosen:
            member.last_assigned_at = at
    return chosen


def _start(ticket: TicketView, *, group: str, assignee: str, diagnosis: str, reason: str,
           by: Identity, at: datetime, uow, previous: Escalation | None = None) -> Escalation:
    escalation = Escalation(
        number=ticket.number, group_code=group, assignee=assignee, diagnosis=diagnosis,
        reason=reason, category=ticket.category, priority=ticket.priority,
        assigned_by=by.username, assigned_by_role=by.role, assigned_at=at,
        state=domain.State.OPEN.value, previous_id=previous.id if previous else None,
        chain_id=previous.chain_id if previous else None)
    uow.escalations.add(escalation)
    uow.outbox.add("ticket.assigned", {
        "number": ticket.number, "escalation_id": escalation.id, "group": group,
        "assignee": assignee, "diagnosis": diagnosis, "reason": reason, "by": by.username,
        "by_role": by.role, "at": iso(at)}, aggregate_id=ticket.number)
    if assignee != by.username:
        uow.notifications.add(recipient=assignee, kind="assigned", number=ticket.number,
                              escalation_id=escalation.id, at=at, message=domain.message(
                                  "assigned", number=ticket.number, group=group,
                                  title=ticket.title))
    return escalation


def _end(escalation: Escalation, state: domain.State, *, by: Identity, at: datetime,
         reason: str | None, uow) -> None:
    escalation.state = state.value
    escalation.ended_at, escalation.ended_by, escalation.ended_by_role = at, by.username, by.role
    escalation.end_reason = reason
    uow.session.flush()  # no longer open before the next one of this ticket opens


def _concerned(current: Escalation, *, uow) -> list[str]:
    """Who hears how an escalation ended: the operator who escalated the ticket (even when a
    technician moved it since), whoever assigned it last if an operator or supervisor did,
    and the assignee."""
    origin = uow.escalations.get(current.chain_id) or current
    recipients = [origin.assigned_by]
    if current.assigned_by_role in domain.ASSIGNERS:
        recipients.append(current.assigned_by)
    return [*recipients, current.assignee]


def _tell(recipients, *, kind: str, escalation: Escalation, by: Identity, at: datetime, uow,
          **fields) -> None:
    """Everyone concerned except whoever did it, each once."""
    for recipient in dict.fromkeys(r for r in recipients if r and r != by.username):
        uow.notifications.add(recipient=recipient, kind=kind, number=escalation.number,
                              escalation_id=escalation.id, at=at, message=domain.message(
                                  kind, number=escalation.number, by=by.username, **fields))


def assign(number: str, form: dict, *, by: Identity, uow) -> Escalation:
    """FRM-006: to the group asked for or the category's; to the member asked for or the
    least-loaded one."""
    ticket = _ticket(number, uow=uow)
    current = uow.escalations.open_for(number)
    if current is not None:
        raise Conflict(f"Ticket {number} is already escalated to {current.group_code} "
                       f"({current.assignee}); reassign it instead.")
    moment = now()
    group = _group(form.get("group"), ticket.category, uow=uow)
    assignee = _assignee(group, form.get("assignee"), uow=uow, at=moment)
    return _start(ticket, group=group, assignee=assignee, diagnosis=form["diagnosis"],
                  reason=form["reason"], by=by, at=moment, uow=uow)


def take(number: str, data: dict, *, by: Identity, uow) -> Escalation:
    """"Ambil": the caller becomes the assignee: a new escalation to his group, or, already
    escalated within his group, a reassignment to himself."""
    ticket = _ticket(number, uow=uow)
    current = uow.escalations.open_for(number)
    if current is not None and current.assignee == by.username:
        raise Conflict(f"Ticket {number} is already yours.")
    code, refusal = domain.take_group(
        current_group=current.group_code if current else None,
        category_group=uow.groups.routes().get(ticket.category),
        my_groups=uow.groups.groups_of(by.username))
    if refusal:
        raise Conflict(refusal)
    reason = data.get("reason") or f"Diambil sendiri oleh {by.username}."
    if current is not None:
        return _reassign(ticket, current, {"group": code, "assignee": by.username,
                                           "reason": reason}, by=by, uow=uow)
    moment = now()
    group = _group(code, ticket.category, uow=uow)
    assignee = _assignee(group, by.username, uow=uow, at=moment)
    return _start(ticket, group=group, assignee=assignee,
                  diagnosis=data.get("diagnosis") or "Diambil untuk ditangani sendiri.",
                  reason=reason, by=by, at=moment, uow=uow)


def resolve(number: str, data: dict, *, by: Identity, uow) -> Resolution:
    """The solution back to the ticket: by the assignee (level 2) or by an operator (level 1,
    with or without an escalation)."""
    ticket = _ticket(number, uow=uow)
    current = uow.escalations.open_for(number)
    if current is None and ticket.resolved_at is not None:
        raise Conflict(f"Ticket {number} was already resolved by {ticket.resolved_by}; "
                       "reopen it to resolve it again.")
    refusal = domain.may_resolve(role=by.role, username=by.username,
                                 assignee=current.assignee if current else None)
    if refusal:
        raise Forbidden(refusal)
    moment = now()
    if current is not None:
        _end(current, domain.State.RESOLVED, by=by, at=moment, reason=None, uow=uow)
        current.solution, current.kb_article = data["solution"], data.get("kb_article")
        _tell(_concerned(current, uow=uow), kind="resolved", escalation=current,
              by=by, at=moment, uow=uow, solution=data["solution"])
    ticket.resolved_at, ticket.resolved_by = moment, by.username
    _newer(ticket, "resolution", iso(moment))
    uow.outbox.add("escalation.resolved", {
        "number": number, "escalation_id": current.id if current else None,
        "group": current.group_code if current else None,
        "assignee": current.assignee if current else None, "solution": data["solution"],
        "kb_article": data.get("kb_article"), "by": by.username, "by_role": by.role,
        "at": iso(moment)}, aggregate_id=number)
    return Resolution(number, current, data["solution"], data.get("kb_article"), by.username,
                      moment)


def reassign(number: str, data: dict, *, by: Identity, uow) -> Escalation:
    """To another group (or another member of the same group): the open escalation ends as
    reassigned, a new one of the same chain starts with the diagnosis so far."""
    ticket = _ticket(number, uow=uow)
    current = _open_escalation(number, uow=uow)
    refusal = domain.may_move(role=by.role, username=by.username, assignee=current.assignee)
    if refusal:
        raise Forbidden(refusal)
    return _reassign(ticket, current, data, by=by, uow=uow)


def _reassign(ticket: TicketView, current: Escalation, data: dict, *, by: Identity,
              uow) -> Escalation:
    number = ticket.number
    group = _group(data.get("group") or current.group_code, ticket.category, uow=uow)
    if group == current.group_code and data.get("assignee") == current.assignee:
        raise Invalid(f"{current.assignee} already has this ticket; choose someone else or "
                      "another group.", field="assignee")
    moment = now()
    assignee = _assignee(group, data.get("assignee"), uow=uow, at=moment,
                         exclude=current.assignee if group == current.group_code else None)
    _end(current, domain.State.REASSIGNED, by=by, at=moment, reason=data["reason"], uow=uow)
    uow.outbox.add("escalation.reassigned", {
        "number": number, "escalation_id": current.id, "from_group": current.group_code,
        "to_group": group, "from_assignee": current.assignee, "to_assignee": assignee,
        "reason": data["reason"], "kind": "reassigned", "by": by.username, "by_role": by.role,
        "at": iso(moment)}, aggregate_id=number)
    _tell([current.assignee], kind="reassigned_away", escalation=current,
          by=by, at=moment, uow=uow, group=group, reason=data["reason"])
    return _start(ticket, group=group, assignee=assignee,
                  diagnosis=data.get("diagnosis") or current.diagnosis, reason=data["reason"],
                  by=by, at=moment, uow=uow, previous=current)


def return_to_level1(number: str, data: dict, *, by: Identity, uow) -> Escalation:
    """Back to the operators with a reason; the ticket has no group or assignee any more."""
    _ticket(number, uow=uow)
    current = _open_escalation(number, uow=uow)
    refusal = domain.may_move(role=by.role, username=by.username, assignee=current.assignee)
    if refusal:
        raise Forbidden(refusal)
    moment = now()
    _end(current, domain.State.RETURNED, by=by, at=moment, reason=data["reason"], uow=uow)
    uow.outbox.add("escalation.reassigned", {
        "number": number, "escalation_id": current.id, "from_group": current.group_code,
        "to_group": None, "from_assignee": current.assignee, "to_assignee": None,
        "reason": data["reason"], "kind": "returned", "by": by.username, "by_role": by.role,
        "at": iso(moment)}, aggregate_id=number)
    _tell(_concerned(current, uow=uow), kind="returned", escalation=current, by=by,
          at=moment, uow=uow, reason=data["reason"])
    return current
