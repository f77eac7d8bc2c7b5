"""What a clock says, in a form that is stored per ticket and read without a calendar.

Due times do not move by time alone: only a new fact moves them. So the monitor need not rebuild
clocks: from a snapshot and `now` it knows the state, which warnings and breaches are reached and
when to look again. `Snapshot.state(now)` equals `Clock.state(now)` for any `now` at or after
the last fact (a property test holds the two together).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sla.domain.clock import HOLD_REASONS, SEVERITY, Clock, SlaState

Moment = datetime | None
RESPONSE, RESOLUTION = "response", "resolution"
TARGETS = (RESPONSE, RESOLUTION)
AT_RISK, BREACHED = "at_risk", "breached"
LEVELS = (AT_RISK, BREACHED)


@dataclass(frozen=True)
class Snapshot:
    started_at: datetime
    responded_at: Moment
    resolved_at: Moment
    hold_since: Moment  # start of the hold in force, None when not on hold
    response_warning_at: Moment
    response_due_at: Moment
    resolution_warning_at: Moment  # None while on hold before 75% was reached
    resolution_due_at: Moment  # None while on hold before 100% was reached
    response_met: bool | None
    resolution_met: bool | None

    @classmethod
    def of(cls, clock: Clock) -> Snapshot:
        hold = next((p for p in clock.pauses if p.end is None and p.reason in HOLD_REASONS),
                    None)
        return cls(
            started_at=clock.started_at, responded_at=clock.responded_at,
            resolved_at=clock.resolved_at,
            hold_since=None if hold is None else max(hold.start, clock.started_at),
            response_warning_at=clock.response_warning_at(),
            response_due_at=clock.response_due_at(),
            resolution_warning_at=clock.resolution_warning_at(),
            resolution_due_at=clock.resolution_due_at(),
            response_met=clock.response_met, resolution_met=clock.resolution_met)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def done_at(self, target: str) -> Moment:
        return self.responded_at if target == RESPONSE else self.resolved_at

    def met(self, target: str) -> bool | None:
        return self.response_met if target == RESPONSE else self.resolution_met

    def due_at(self, target: str) -> Moment:
        return self.response_due_at if target == RESPONSE else self.resolution_due_at

    def moment(self, target: str, level: str) -> Moment:
        """When the target reaches the level (75% or 100%); None once decided or not known."""
        if self.done_at(target) is not None:
            return None
        if level == AT_RISK:
            return self.response_warning_at if target == RESPONSE else self.resolution_warning_at
        return self.due_at(target)

    def target_state(self, target: str, now: datetime) -> SlaState:
        """The precedence of clock.py: decided, breached, paused, at risk, ok."""
        done = self.done_at(target)
        if done is not None and done <= now:
            return SlaState.MET if self.met(target) else SlaState.BREACHED
        due = self.due_at(target)
        if due is not None and now >= due:
            return SlaState.BREACHED
        if target == RESOLUTION and self.hold_since is not None and self.hold_since <= now:
            return SlaState.PAUSED
        warning = (self.response_warning_at if target == RESPONSE
                   else self.resolution_warning_at)
        if warning is not None and now >= warning:
            return SlaState.AT_RISK
        return SlaState.OK

    def state(self, now: datetime) -> SlaState:
        return max((self.target_state(t, now) for t in TARGETS), key=SEVERITY.index)

    def next_check(self, sent: frozenset[str], now: datetime | None = None) -> Moment:
        """When the monitor looks again: the earliest warning or breach not yet announced, or
        a response, done or hold still ahead of `now` (an event stamped by a clock a little
        ahead of ours), when the state changes with nobody else to tell."""
        pending = [self.moment(target, level) for target in TARGETS for level in LEVELS
                   if alarm_key(target, level) not in sent]
        if now is not None:
            pending += [m for m in (self.responded_at, self.resolved_at, self.hold_since)
                        if m is not None and m > now]
        return min((m for m in pending if m is not None), default=None)


def alarm_key(target: str, level: str) -> str:
    return f"{target}_{level}"


ALARM_KEYS = tuple(alarm_key(t, level) for t in TARGETS for level in LEVELS)
