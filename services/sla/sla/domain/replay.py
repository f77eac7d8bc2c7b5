"""Facts -> clock: what a ticket's events told, replayed in time order.

Events arrive at least once and in any order, so a handler never applies an event to the clock
directly. It records the fact (what happened, and when it happened according to the event) and
the clock is rebuilt from all facts sorted by that moment. The same facts in any arrival order
give the same clock; a fact that makes no sense at its place in time (a hold on a done ticket, a
second response) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sla.calendar import BusinessCalendar
from sla.domain.clock import HOLD_REASONS, Clock, Targets

RESPOND, DONE, REOPEN, HOLD, UNHOLD = "respond", "done", "reopen", "hold", "unhold"
PRIORITY, SERVICE, ASSIGN = "priority", "service", "assign"
CLOCK_KINDS = (RESPOND, DONE, REOPEN, HOLD, UNHOLD)
KINDS = CLOCK_KINDS + (PRIORITY, SERVICE, ASSIGN)
# Facts of the same instant: a response and a lifted hold come before the done, the done before
# a reopen, and a new hold last (so "reopened and put on hold at once" works).
_RANK = {RESPOND: 0, UNHOLD: 1, DONE: 2, REOPEN: 3, HOLD: 4, PRIORITY: 5, SERVICE: 5, ASSIGN: 5}


@dataclass(frozen=True)
class Fact:
    """One thing that happened to a ticket. `tie` (the message id) and then the values break
    ties between facts of the same kind and instant: the replay order is total whatever the
    arrival order."""

    kind: str
    at: datetime
    tie: str = ""
    value: str | int | None = None  # hold reason, priority, service name
    group: str | None = None
    assignee: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fact kind {self.kind!r}; one of {', '.join(KINDS)}")
        if self.at.utcoffset() is None:
            raise ValueError(f"a fact's moment must be timezone-aware, got {self.at!r}")

    def sort_key(self) -> tuple:
        return (self.at, _RANK[self.kind], self.tie, str(self.value), self.group or "",
                self.assignee or "")

    def as_json(self) -> dict:
        data = {"kind": self.kind, "at": self.at.astimezone(UTC).isoformat(), "tie": self.tie}
        for name in ("value", "group", "assignee"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Fact:
        return cls(kind=data["kind"], at=datetime.fromisoformat(data["at"]),
                   tie=data.get("tie", ""), value=data.get("value"), group=data.get("group"),
                   assignee=data.get("assignee"))


def stored(facts: list[Fact]) -> list[dict]:
    """The facts as a clock keeps them: in time order, the same record whatever order the
    events telling them arrived in."""
    return [fact.as_json() for fact in sorted(facts, key=Fact.sort_key)]


def replay(started_at: datetime, calendar: BusinessCalendar, targets: Targets,
           facts: list[Fact]) -> Clock:
    """The clock these facts make, whatever order they were recorded in. A moment before the
    start (clocks of different machines) counts as the start."""
    clock = Clock(started_at, calendar, targets)
    for fact in sorted((f for f in facts if f.kind in CLOCK_KINDS), key=Fact.sort_key):
        _apply(clock, fact.kind, max(fact.at, started_at), fact.value)
    return clock


def _apply(clock: Clock, kind: str, at: datetime, value) -> None:
    if kind == RESPOND:
        clock.respond(at)
    elif kind == DONE:
        clock.resolve(at)
    elif kind == REOPEN:
        clock.reopen(at)
    elif kind == HOLD:
        if value in HOLD_REASONS and clock.resolved_at is None:
            clock.hold(at, reason=value)
    elif kind == UNHOLD:
        clock.lift_hold(at)


def latest(facts: list[Fact], kind: str) -> Fact | None:
    """The newest fact of a kind (by its moment, not by when it arrived)."""
    return max((f for f in facts if f.kind == kind), key=Fact.sort_key, default=None)


def added(facts: list[Fact], fact: Fact) -> list[Fact]:
    """The facts with one more; the same fact again (a redelivery) is not added twice."""
    return facts if fact in facts else [*facts, fact]
