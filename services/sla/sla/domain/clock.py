"""SLA rules: targets per priority and the per-ticket clock (DOMAIN.md, "SLA targets").

Everything is pure: moments are timezone-aware datetimes and `now` is always passed in.

State precedence of one target, first match wins:
  met / breached  the target is decided (responded / done at or before `now`): met when done by
                  the due time, breached when done after it
  breached        undecided and `now` is at or past the due time (100%)
  paused          undecided and on hold at `now` (resolution only)
  at_risk         undecided and `now` is at or past the warning time (75%)
  ok              otherwise
A ticket's state is the most severe of its two targets: breached > at_risk > paused > ok > met.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import IntEnum, StrEnum

from sla.calendar import BusinessCalendar, Span

HOUR = 3600
WORKING_DAY = 8 * HOUR
WARNING_SHARE = 0.75
HOLD_REASONS = frozenset({"waiting_client", "waiting_vendor"})
# The pause that stands for the time a ticket was done before it was reopened.
DONE_UNTIL_REOPENED = "done_until_reopened"

Moment = datetime | None


class Priority(IntEnum):
    HIGH = 1  # Tinggi
    MEDIUM = 2  # Menengah
    LOW = 3  # Rendah


class SlaState(StrEnum):
    OK = "ok"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"
    PAUSED = "paused"


SEVERITY = [SlaState.MET, SlaState.OK, SlaState.PAUSED, SlaState.AT_RISK, SlaState.BREACHED]


@dataclass(frozen=True)
class Targets:
    response_seconds: float
    resolution_seconds: float

    def __post_init__(self) -> None:
        if self.response_seconds <= 0 or self.resolution_seconds <= 0:
            raise ValueError(f"SLA targets must be positive, got {self}")


DEFAULT_POLICY = {
    Priority.HIGH: Targets(response_seconds=10 * 60, resolution_seconds=1 * WORKING_DAY),
    Priority.MEDIUM: Targets(response_seconds=1 * HOUR, resolution_seconds=3 * WORKING_DAY),
    Priority.LOW: Targets(response_seconds=4 * HOUR, resolution_seconds=6 * WORKING_DAY),
}


def targets_for(priority: int | None, policy=DEFAULT_POLICY) -> Targets:
    """The targets of a priority; a ticket not yet prioritised is measured as priority 3."""
    if priority is None:
        priority = Priority.LOW
    if priority not in policy:
        raise ValueError(f"priority must be one of {sorted(map(int, policy))}, got {priority!r}")
    return policy[priority]


@dataclass(frozen=True)
class Pause:
    """Resolution time not charged: a hold (end None while it lasts) or a done-to-reopen gap."""

    start: datetime
    end: datetime | None
    reason: str

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True)
class Deadlines:
    """Pending warning (75%) and breach (100%) moments; None once decided or while unknown."""

    response_warning_at: Moment
    response_breach_at: Moment
    resolution_warning_at: Moment
    resolution_breach_at: Moment

    def moments(self) -> list[datetime]:
        return [m for m in (getattr(self, f.name) for f in fields(self)) if m is not None]


@dataclass(frozen=True)
class TargetReport:
    """What `explain` says about one target."""

    target_seconds: float
    elapsed_seconds: float
    counted: list[Span]
    warning_at: Moment
    due_at: Moment
    done_at: Moment
    state: SlaState


@dataclass(frozen=True)
class _Track:
    """One target as the clock measures it: spans where it may run, and when it stopped."""

    target_seconds: float
    running: list[tuple[datetime, Moment]]
    done_at: Moment


@dataclass
class Clock:
    """The SLA clock of one ticket: response and resolution, on one business calendar."""

    started_at: datetime
    calendar: BusinessCalendar
    targets: Targets
    responded_at: Moment = None
    resolved_at: Moment = None
    pauses: list[Pause] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.started_at.utcoffset() is None:
            raise ValueError(f"started_at must be timezone-aware, got {self.started_at!r}")

    @classmethod
    def for_ticket(
        cls,
        started_at: datetime,
        *,
        calendar: BusinessCalendar,
        priority: int | None = None,
        policy=DEFAULT_POLICY,
    ) -> Clock:
        return cls(started_at, calendar, targets_for(priority, policy))

    # --- commands: each returns whether it changed the clock ---

    def respond(self, at: datetime) -> bool:
        """First staff response (verification, reply or assignment); later ones change nothing."""
        self._require_not_before_start(at)
        if self.responded_at is not None:
            return False
        self.responded_at = at
        return True

    def resolve(self, at: datetime) -> bool:
        """Status done: stops resolution, ends a hold, and counts as the response if none yet."""
        self._require_not_before_start(at)
        if self.resolved_at is not None:
            return False
        self.lift_hold(at)
        self.respond(at)
        self.resolved_at = at
        return True

    def reopen(self, at: datetime) -> bool:
        """done -> in_progress: resolution resumes; the time it was done is not charged."""
        if self.resolved_at is None:
            return False
        if at < self.resolved_at:
            raise ValueError(f"a reopen at {at} cannot come before the done at {self.resolved_at}")
        self.pauses.append(Pause(self.resolved_at, at, DONE_UNTIL_REOPENED))
        self.resolved_at = None
        return True

    def hold(self, at: datetime, *, reason: str) -> bool:
        """Pause resolution (waiting for the client or a vendor); no change if already on hold."""
        self._require_not_before_start(at)
        if reason not in HOLD_REASONS:
            raise ValueError(f"hold reason must be one of {sorted(HOLD_REASONS)}, got {reason!r}")
        if self.resolved_at is not None:
            raise ValueError("a done ticket cannot be put on hold; reopen it first")
        if self._open_hold() is not None:
            return False
        self.pauses.append(Pause(at, None, reason))
        return True

    def lift_hold(self, at: datetime) -> bool:
        """End the current hold (lifted, or the client replied)."""
        hold = self._open_hold()
        if hold is None:
            return False
        if at < hold.start:
            raise ValueError(f"a hold cannot end at {at}, before it started at {hold.start}")
        self.pauses[self.pauses.index(hold)] = replace(hold, end=at)
        return True

    def retarget(self, priority: int | None, *, policy=DEFAULT_POLICY) -> bool:
        """A priority change: both targets are measured again from the original start."""
        targets = targets_for(priority, policy)
        if targets == self.targets:
            return False
        self.targets = targets
        return True

    # --- queries ---

    def response_due_at(self) -> datetime:
        return _moment_charged(self, self._response(), 1.0)

    def resolution_due_at(self) -> Moment:
        """None while on hold with the target not yet used up before the hold began."""
        return _moment_charged(self, self._resolution(), 1.0)

    def response_warning_at(self) -> datetime:
        return _moment_charged(self, self._response(), WARNING_SHARE)

    def resolution_warning_at(self) -> Moment:
        return _moment_charged(self, self._resolution(), WARNING_SHARE)

    @property
    def response_met(self) -> bool | None:
        return _met(self, self._response())

    @property
    def resolution_met(self) -> bool | None:
        return _met(self, self._resolution())

    def response_state(self, now: datetime) -> SlaState:
        return _state(self, self._response(), now)

    def resolution_state(self, now: datetime) -> SlaState:
        return _state(self, self._resolution(), now)

    def state(self, now: datetime) -> SlaState:
        states = (self.response_state(now), self.resolution_state(now))
        return max(states, key=SEVERITY.index)

    def is_on_hold(self, now: datetime) -> bool:
        return any(pause.covers(now) for pause in self.pauses if pause.reason in HOLD_REASONS)

    def deadlines(self) -> Deadlines:
        response, resolution = self._response(), self._resolution()
        return Deadlines(
            response_warning_at=_pending(self, response, WARNING_SHARE),
            response_breach_at=_pending(self, response, 1.0),
            resolution_warning_at=_pending(self, resolution, WARNING_SHARE),
            resolution_breach_at=_pending(self, resolution, 1.0),
        )

    def next_deadline(self, now: datetime) -> Moment:
        """The earliest pending warning or breach after `now`: when to look at this clock again."""
        return min((m for m in self.deadlines().moments() if m > now), default=None)

    def explain(self, now: datetime) -> dict[str, TargetReport]:
        return {
            "response": _report(self, self._response(), now),
            "resolution": _report(self, self._resolution(), now),
        }

    # --- the two tracks ---

    def _response(self) -> _Track:
        return _Track(self.targets.response_seconds, [(self.started_at, None)], self.responded_at)

    def _resolution(self) -> _Track:
        running = _running_spans(self.started_at, self._pause_spans())
        return _Track(self.targets.resolution_seconds, running, self.resolved_at)

    def _pause_spans(self) -> list[tuple[datetime, Moment]]:
        """Pauses from the start on, sorted and merged; one still open ends at resolution."""
        spans = sorted(
            ((max(p.start, self.started_at), p.end if p.end is not None else self.resolved_at)
             for p in self.pauses),
            key=lambda span: span[0],
        )
        return _merged_pauses(spans)

    def _open_hold(self) -> Pause | None:
        return next((p for p in self.pauses if p.end is None), None)

    def _require_not_before_start(self, at: datetime) -> None:
        if at < self.started_at:
            raise ValueError(f"{at} is before the clock started at {self.started_at}")


def _running_spans(start: datetime, pauses: list[tuple[datetime, Moment]]):
    """[start, forever) minus the pauses, as (from, until) with until None for forever."""
    spans, cursor = [], start
    for pause_start, pause_end in pauses:
        if cursor < pause_start:
            spans.append((cursor, pause_start))
        if pause_end is None:
            return spans
        cursor = max(cursor, pause_end)
    spans.append((cursor, None))
    return spans


def _merged_pauses(spans: list[tuple[datetime, Moment]]) -> list[tuple[datetime, Moment]]:
    merged: list[tuple[datetime, Moment]] = []
    for start, end in spans:
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            last_start, last_end = merged[-1]
            merged[-1] = (last_start, None if None in (last_end, end) else max(last_end, end))
        else:
            merged.append((start, end))
    return merged


def _moment_charged(clock: Clock, track: _Track, share: float) -> Moment:
    """When `share` of the target has been charged; None if a pause without end comes first."""
    remaining = share * track.target_seconds
    for since, until in track.running:
        if until is None:
            return clock.calendar.add_working_time(since, remaining)
        available = clock.calendar.working_seconds_between(since, until)
        if remaining <= available:
            return clock.calendar.add_working_time(since, remaining)
        remaining -= available
    return None


def _counted(clock: Clock, track: _Track, until: datetime) -> list[Span]:
    """The working intervals charged to the target before `until`."""
    counted = []
    for since, span_end in track.running:
        end = until if span_end is None else min(span_end, until)
        counted.extend(clock.calendar.working_intervals(since, end))
    return counted


def _decided(track: _Track, now: datetime) -> bool:
    return track.done_at is not None and track.done_at <= now


def _met(clock: Clock, track: _Track) -> bool | None:
    if track.done_at is None:
        return None
    due = _moment_charged(clock, track, 1.0)
    return due is not None and track.done_at <= due


def _state(clock: Clock, track: _Track, now: datetime) -> SlaState:
    if _decided(track, now):
        return SlaState.MET if _met(clock, track) else SlaState.BREACHED
    due = _moment_charged(clock, track, 1.0)
    if due is not None and now >= due:
        return SlaState.BREACHED
    if now >= clock.started_at and not _running(track, now):
        return SlaState.PAUSED
    warning = _moment_charged(clock, track, WARNING_SHARE)
    if warning is not None and now >= warning:
        return SlaState.AT_RISK
    return SlaState.OK


def _running(track: _Track, now: datetime) -> bool:
    return any(since <= now and (until is None or now < until) for since, until in track.running)


def _pending(clock: Clock, track: _Track, share: float) -> Moment:
    return None if track.done_at is not None else _moment_charged(clock, track, share)


def _report(clock: Clock, track: _Track, now: datetime) -> TargetReport:
    until = track.done_at if _decided(track, now) else now
    counted = _counted(clock, track, until)
    return TargetReport(
        target_seconds=track.target_seconds,
        elapsed_seconds=sum((e - s).total_seconds() for s, e in counted),
        counted=counted,
        warning_at=_moment_charged(clock, track, WARNING_SHARE),
        due_at=_moment_charged(clock, track, 1.0),
        done_at=track.done_at,
        state=_state(clock, track, now),
    )
