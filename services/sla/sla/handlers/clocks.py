"""The one way a clock is brought up to date: store its facts, rebuild it, say what changed
(the events for the caller to write to the outbox; the caller commits)."""
from __future__ import annotations

from datetime import datetime

from servicedesk_common.events import iso

from ..adapters import sent_of, snapshot_of, store_sent, store_snapshot
from ..domain.alarms import UPDATED, Announcement, announce
from ..domain.clock import Targets
from ..domain.replay import ASSIGN, PRIORITY, SERVICE, Fact, latest, replay, stored
from ..domain.snapshot import Snapshot
from ..models import ClockRow

Event = tuple[str, dict, str]  # (type, payload, aggregate_id), for OutboxWriter.add_many
PUBLIC_FIELDS = ("priority", "policy", "calendar", "state", "response_due_at",
                 "resolution_due_at", "responded_at", "response_met", "resolution_met", "group",
                 "assignee")


def public(row: ClockRow) -> dict:
    """What other services see of a clock (the ticket's `sla` block and more)."""
    data = {name: getattr(row, name) for name in PUBLIC_FIELDS}
    for name in ("response_due_at", "resolution_due_at", "responded_at"):
        data[name] = iso(data[name])
    return data


def settle(row: ClockRow, facts: list[Fact], *, uow, at: datetime,
           repolicy: bool = False) -> list[Event]:
    """Store the facts, rebuild the clock and return the events announcing what changed. A
    clock whose ticket.created has not arrived keeps its facts and waits. `repolicy` looks the
    policy up again even if the priority and service did not change."""
    row.facts = stored(facts)
    assignment = latest(facts, ASSIGN)
    before = public(row)
    if assignment is not None:
        row.group, row.assignee = assignment.group, assignment.assignee
    if row.started_at is None:
        return []
    old = snapshot_of(row)
    priority_fact, service_fact = latest(facts, PRIORITY), latest(facts, SERVICE)
    priority = None if priority_fact is None else priority_fact.value
    service = None if service_fact is None else service_fact.value
    if repolicy or row.policy is None or (priority, service) != (row.priority, row.service):
        policy = uow.policies.choose(priority=priority, service=service)
        row.policy, row.calendar = policy.name, policy.calendar
        row.response_seconds, row.resolution_seconds = (policy.response_seconds,
                                                        policy.resolution_seconds)
    row.priority, row.service = priority, service
    clock = replay(row.started_at, uow.calendars.get(row.calendar),
                   Targets(row.response_seconds, row.resolution_seconds), facts)
    return _conclude(row, old, Snapshot.of(clock), before, at=at)


def check(row: ClockRow, *, at: datetime) -> list[Event]:
    """The monitor's look at a clock whose next deadline came (time alone moved it): the events
    to write, in the caller's transaction, with the row's new record of what was announced."""
    snapshot = snapshot_of(row)
    return _conclude(row, snapshot, snapshot, None, at=at)


def _conclude(row: ClockRow, old: Snapshot | None, new: Snapshot, before: dict | None, *,
              at: datetime) -> list[Event]:
    """`before`: the public fields before the change; None when only the state can change."""
    state_before = row.state
    was_sent = sent_of(row)
    said, sent = announce(old, new, was_sent, at)
    if new is not old:  # the monitor's look: the snapshot stands, only time moved
        store_snapshot(row, new)
    if sent != was_sent:
        store_sent(row, sent)
    row.state = new.state(at).value
    row.next_check_at = new.next_check(sent, at)
    row.updated_at = at
    changed = row.state != state_before if before is None else public(row) != before
    if not said and changed:
        said = [Announcement(UPDATED, None, None, at)]
    return [(a.type, payload(row, a), row.number) for a in said]


def payload(row: ClockRow, announcement: Announcement) -> dict:
    return {"number": row.number, "target": announcement.target,
            "due_at": iso(announcement.due_at), "at": iso(announcement.at), **public(row)}
