"""Which SLA events a change (or the passing of time) calls for, each emitted once.

`sent` is the per-clock record of the warnings and breaches already announced; it is stored with
the clock and committed in the same transaction as the outbox rows, so a restart, a second
monitor or a redelivered message never announces one twice, and a deadline that passed while no
worker ran is announced by the next one. A mark is dropped only when its threshold is no longer
reached (a priority lowered, the target undecided again and further away), so a later reaching
is announced again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sla.domain.snapshot import (
    AT_RISK,
    BREACHED,
    LEVELS,
    RESPONSE,
    TARGETS,
    Moment,
    Snapshot,
    alarm_key,
)

STARTED, UPDATED, RESPONDED = "sla.started", "sla.updated", "sla.responded"
AT_RISK_EVENT, BREACHED_EVENT, MET = "sla.at_risk", "sla.breached", "sla.met"


@dataclass(frozen=True)
class Announcement:
    type: str
    target: str | None
    due_at: Moment
    at: datetime


def announce(old: Snapshot | None, new: Snapshot, sent: frozenset[str],
             now: datetime) -> tuple[list[Announcement], frozenset[str]]:
    """Announcements for going from `old` to `new` (None: the clock just started) at `now`, and
    the new record of what was announced. With old == new only time can call for something."""
    said: list[Announcement] = []
    marks = set(sent)
    if old is None:
        said.append(Announcement(STARTED, None, None, new.started_at))
    for target in TARGETS:
        said += _decision(old, new, target, marks)
    said += _reached(new, marks, now)
    for target in TARGETS:
        for level in LEVELS:
            moment = new.moment(target, level)
            undecided = new.done_at(target) is None
            if undecided and (moment is None or moment > now):
                marks.discard(alarm_key(target, level))
    return said, frozenset(marks)


def _decision(old: Snapshot | None, new: Snapshot, target: str, marks: set) -> list:
    """A target just stopped (or a late fact changed whether it was met)."""
    done = new.done_at(target)
    if done is None:
        return []
    was_done = old is not None and old.done_at(target) is not None
    if was_done and old.met(target) == new.met(target):
        return []
    due = new.due_at(target)
    said = []
    if target == RESPONSE and not was_done:
        said.append(Announcement(RESPONDED, target, due, done))
    if new.met(target):
        said.append(Announcement(MET, target, due, done))
    elif alarm_key(target, BREACHED) not in marks:
        # Decided late: the breach is news, a warning would not be (nor after a reopen).
        marks.update({alarm_key(target, BREACHED), alarm_key(target, AT_RISK)})
        said.append(Announcement(BREACHED_EVENT, target, due, due or done))
    return said


def _reached(new: Snapshot, marks: set, now: datetime) -> list[Announcement]:
    """Warnings and breaches of undecided targets whose moment has come, oldest first."""
    reached = []
    for target in TARGETS:
        for level in LEVELS:
            moment, key = new.moment(target, level), alarm_key(target, level)
            if moment is not None and moment <= now and key not in marks:
                marks.add(key)
                kind = AT_RISK_EVENT if level == AT_RISK else BREACHED_EVENT
                reached.append(Announcement(kind, target, new.due_at(target), moment))
    return sorted(reached, key=lambda a: (a.at, a.type == BREACHED_EVENT))
