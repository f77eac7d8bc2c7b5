"""What sla does on each event (the caller commits).

An event never moves a clock by itself: it adds a fact (sla.domain.replay) and the clock is
rebuilt from all facts, so duplicates and any arrival order give the same clock. Moments are the
events' own (`at`, `created_at`, else the envelope's `occurred_at`), never the time of handling.
"""
from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import ValidationError, missing

from servicedesk_common.events import CATALOGUE_FIELDS, Envelope, UnreadableMessage
from servicedesk_common.identity import CLIENT, STAFF

from ..adapters import facts_of
from ..domain.replay import (
    ASSIGN,
    DONE,
    HOLD,
    PRIORITY,
    REOPEN,
    RESPOND,
    SERVICE,
    UNHOLD,
    Fact,
    added,
)
from .clocks import settle


def now() -> datetime:
    return datetime.now(UTC)


def read(event: Envelope, *names: str) -> dict:
    """The payload fields a handler uses, each read as the event catalogue declares it; the
    rest is not looked at (a ticket.created carries some twenty fields, sla needs five).
    A field of the wrong type or a missing required one makes the message unreadable."""
    spec, data = CATALOGUE_FIELDS[event.type], {}
    for name in names:
        try:
            value = spec[name].deserialize(event.payload.get(name, missing))
        except ValidationError as exc:
            raise UnreadableMessage(
                f"{event.type} payload invalid: {{{name!r}: {exc.messages}}}") from None
        if value is not missing:
            data[name] = value
    return data


def parse_moment(text: str | None, *, field: str = "at") -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise UnreadableMessage(f"{field} is not an ISO 8601 moment: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _moment(payload: dict, event: Envelope, field: str = "at") -> datetime:
    return (parse_moment(payload.get(field), field=field)
            or parse_moment(event.occurred_at, field="occurred_at"))


def _record(number: str, *facts: Fact, uow, started_at: datetime | None = None) -> None:
    row = uow.clocks.ensure(number)
    if started_at is not None:
        if row.started_at is not None:
            return  # this ticket's creation was taken already
        row.started_at = started_at
    known = facts_of(row)
    for fact in facts:
        known = added(known, fact)
    uow.outbox.add_many(settle(row, known, uow=uow, at=now()))


def on_ticket_created(event: Envelope, *, uow) -> None:
    """The clock starts when the ticket is recorded; one an operator records (status `new`) is
    responded at that moment. A priority given at recording counts from the start."""
    data = read(event, "number", "created_at", "priority", "service", "status", "recorded_by_role")
    start = _moment(data, event, "created_at")
    tie = event.message_id
    facts = []
    if data.get("priority") is not None:
        facts.append(Fact(PRIORITY, start, tie, value=data["priority"]))
    if data.get("service"):
        facts.append(Fact(SERVICE, start, tie, value=data["service"]))
    if data.get("status") == "new" or data.get("recorded_by_role") in STAFF:
        facts.append(Fact(RESPOND, start, tie))
    _record(data["number"], *facts, uow=uow, started_at=start)


def on_status_changed(event: Envelope, *, uow) -> None:
    """To `new`: verified (response). To `done`: resolution. done -> in_progress: reopen. Any
    other move is staff handling the ticket, hence a response too."""
    data = read(event, "number", "at", "from", "to")
    at, tie = _moment(data, event), event.message_id
    if data["to"] == "done":
        fact = Fact(DONE, at, tie)
    elif data.get("from") == "done":
        fact = Fact(REOPEN, at, tie)
    elif data["to"] in ("new", "in_progress"):
        fact = Fact(RESPOND, at, tie)
    else:
        return
    _record(data["number"], fact, uow=uow)


def on_ticket_replied(event: Envelope, *, uow) -> None:
    """A staff reply the client sees is a response; a client's reply lifts a hold."""
    data = read(event, "number", "at", "author_kind", "by_role", "internal")
    at, tie = _moment(data, event), event.message_id
    kind = data.get("author_kind") or ("staff" if data.get("by_role") in STAFF else "client")
    if kind == "staff" and not data.get("internal"):
        _record(data["number"], Fact(RESPOND, at, tie), uow=uow)
    elif kind in ("client", "guest") or data.get("by_role") == CLIENT:
        _record(data["number"], Fact(UNHOLD, at, tie), uow=uow)


def on_ticket_assigned(event: Envelope, *, uow) -> None:
    data = read(event, "number", "at", "group", "assignee")
    at, tie = _moment(data, event), event.message_id
    _record(data["number"], Fact(RESPOND, at, tie),
            Fact(ASSIGN, at, tie, group=data.get("group"), assignee=data.get("assignee")),
            uow=uow)


def on_escalation_reassigned(event: Envelope, *, uow) -> None:
    data = read(event, "number", "at", "to_group", "to_assignee")
    _record(data["number"], Fact(ASSIGN, _moment(data, event), event.message_id,
                                 group=data.get("to_group"), assignee=data.get("to_assignee")),
            uow=uow)


def on_ticket_prioritized(event: Envelope, *, uow) -> None:
    """A priority change re-targets both clocks from the original start (the newest priority
    by its moment wins, whatever order the events came in)."""
    data = read(event, "number", "at", "priority", "service")
    at, tie = _moment(data, event), event.message_id
    facts = [Fact(PRIORITY, at, tie, value=data.get("priority"))]
    if data.get("service"):
        facts.append(Fact(SERVICE, at, tie, value=data["service"]))
    _record(data["number"], *facts, uow=uow)


def on_ticket_recategorized(event: Envelope, *, uow) -> None:
    """A new service may have its own policy: re-targeted like a priority change."""
    data = read(event, "number", "at", "to_service")
    _record(data["number"], Fact(SERVICE, _moment(data, event), event.message_id,
                                 value=data.get("to_service")), uow=uow)


def on_hold_started(event: Envelope, *, uow) -> None:
    data = read(event, "number", "at", "reason")
    _record(data["number"], Fact(HOLD, _moment(data, event), event.message_id,
                                 value=data.get("reason")), uow=uow)


def on_hold_ended(event: Envelope, *, uow) -> None:
    data = read(event, "number", "at")
    _record(data["number"], Fact(UNHOLD, _moment(data, event), event.message_id), uow=uow)


def on_ticket_reopened(event: Envelope, *, uow) -> None:
    data = read(event, "number", "at")
    _record(data["number"], Fact(REOPEN, _moment(data, event), event.message_id), uow=uow)


def on_ticket_closed(event: Envelope, *, uow) -> None:
    data = read(event, "number", "at")
    _record(data["number"], Fact(DONE, _moment(data, event), event.message_id), uow=uow)


EVENT_HANDLERS = {
    "ticket.created": on_ticket_created,
    "ticket.status_changed": on_status_changed,
    "ticket.replied": on_ticket_replied,
    "ticket.assigned": on_ticket_assigned,
    "escalation.reassigned": on_escalation_reassigned,
    "ticket.prioritized": on_ticket_prioritized,
    "ticket.recategorized": on_ticket_recategorized,
    "ticket.hold_started": on_hold_started,
    "ticket.hold_ended": on_hold_ended,
    "ticket.reopened": on_ticket_reopened,
    "ticket.closed": on_ticket_closed,
}
