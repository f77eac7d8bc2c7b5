from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import always_open, office_calendar
from sla.domain import (
    DEFAULT_POLICY,
    Clock,
    Pause,
    Priority,
    SlaState,
    Targets,
    targets_for,
)

WIB = ZoneInfo("Asia/Jakarta")
MINUTE = timedelta(minutes=1)
HOUR = 3600
OFFICE = office_calendar(years=[2026, 2027])


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def clock(start: datetime, priority: int | None = 1, calendar=OFFICE) -> Clock:
    return Clock.for_ticket(start, calendar=calendar, priority=priority)


MONDAY_0800 = wib(2026, 1, 12, 8, 0)


# --- targets (DOMAIN.md "SLA targets") ---


@pytest.mark.parametrize(
    ("priority", "response_minutes", "resolution_working_hours"),
    [(1, 10, 8), (2, 60, 24), (3, 240, 48)],
)
def test_priority_targets_follow_the_domain_table(
    priority, response_minutes, resolution_working_hours
):
    assert targets_for(priority) == Targets(response_minutes * 60, resolution_working_hours * HOUR)


def test_unprioritised_ticket_is_measured_against_priority_3_targets():
    assert targets_for(None) == DEFAULT_POLICY[Priority.LOW]


def test_unknown_priority_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match=r"\[1, 2, 3\]"):
        targets_for(4)


def test_targets_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        Targets(0, 60)


# --- due times ---


def test_friday_1555_priority_1_response_due_monday_0805():
    assert clock(wib(2026, 1, 9, 15, 55)).response_due_at() == wib(2026, 1, 12, 8, 5)


def test_priority_1_resolution_from_monday_0800_is_due_at_1600_same_day():
    assert clock(MONDAY_0800).resolution_due_at() == wib(2026, 1, 12, 16, 0)


def test_ticket_recorded_on_saturday_counts_from_monday_0800():
    ticket = clock(wib(2026, 1, 10, 9, 0), priority=2)
    assert ticket.response_due_at() == wib(2026, 1, 12, 9, 0)
    assert ticket.resolution_due_at() == wib(2026, 1, 14, 16, 0)


def test_priority_3_resolution_skips_independence_day():
    # Six working days from Wednesday 2026-08-12 08:00, with Monday 2026-08-17 closed.
    assert clock(wib(2026, 8, 12, 8, 0), priority=3).resolution_due_at() == wib(2026, 8, 20, 16, 0)


def test_24x7_calendar_counts_every_hour():
    start = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    ticket = clock(start, priority=2, calendar=always_open())
    assert ticket.resolution_due_at() == start + timedelta(hours=24)


# --- holds and reopen ---


def test_hold_pushes_resolution_due_by_the_working_time_on_hold():
    ticket = clock(MONDAY_0800)
    ticket.hold(wib(2026, 1, 12, 10, 0), reason="waiting_client")
    ticket.lift_hold(wib(2026, 1, 12, 12, 0))
    assert ticket.resolution_due_at() == wib(2026, 1, 13, 10, 0)


def test_hold_overnight_pushes_only_by_the_working_hours_it_covered():
    ticket = clock(MONDAY_0800)
    ticket.hold(wib(2026, 1, 12, 15, 0), reason="waiting_vendor")
    ticket.lift_hold(wib(2026, 1, 13, 9, 0))
    assert ticket.resolution_due_at() == wib(2026, 1, 13, 10, 0)


def test_hold_does_not_move_the_response_target():
    ticket = clock(MONDAY_0800)
    ticket.hold(wib(2026, 1, 12, 8, 2), reason="waiting_client")
    ticket.lift_hold(wib(2026, 1, 12, 9, 0))
    assert ticket.response_due_at() == wib(2026, 1, 12, 8, 10)


def test_resolution_due_is_unknown_while_on_hold():
    ticket = clock(MONDAY_0800)
    ticket.hold(wib(2026, 1, 12, 10, 0), reason="waiting_client")
    assert ticket.resolution_due_at() is None
    assert ticket.resolution_warning_at() is None


def test_warning_reached_before_the_hold_stays_known_while_on_hold():
    ticket = clock(MONDAY_0800)
    ticket.hold(wib(2026, 1, 12, 15, 0), reason="waiting_client")
    assert ticket.resolution_warning_at() == wib(2026, 1, 12, 14, 0)
    assert ticket.resolution_due_at() is None


def test_hold_started_after_the_breach_does_not_undo_it():
    ticket = clock(MONDAY_0800)
    ticket.hold(wib(2026, 1, 13, 9, 0), reason="waiting_client")
    assert ticket.resolution_due_at() == wib(2026, 1, 12, 16, 0)
    assert ticket.resolution_state(wib(2026, 1, 13, 10, 0)) == SlaState.BREACHED


def test_reopened_ticket_is_not_charged_for_the_time_it_was_done():
    ticket = clock(MONDAY_0800)
    ticket.resolve(wib(2026, 1, 12, 10, 0))
    ticket.reopen(wib(2026, 1, 12, 13, 0))
    assert ticket.resolved_at is None
    assert ticket.resolution_met is None
    assert ticket.resolution_due_at() == wib(2026, 1, 13, 11, 0)
    assert ticket.pauses == [Pause(wib(2026, 1, 12, 10, 0), wib(2026, 1, 12, 13, 0),
                                   "done_until_reopened")]


def test_reopen_and_hold_in_the_same_instant_as_the_done():
    ticket = clock(MONDAY_0800)
    ticket.resolve(wib(2026, 1, 12, 10, 0))
    ticket.reopen(wib(2026, 1, 12, 10, 0))
    ticket.hold(wib(2026, 1, 12, 10, 0), reason="waiting_vendor")
    assert ticket.resolution_due_at() is None
    ticket.lift_hold(wib(2026, 1, 12, 11, 0))
    assert ticket.resolution_due_at() == wib(2026, 1, 13, 9, 0)


def test_resolving_ends_the_hold():
    ticket = clock(MONDAY_0800)
    ticket.hold(wib(2026, 1, 12, 10, 0), reason="waiting_client")
    ticket.resolve(wib(2026, 1, 12, 11, 0))
    assert ticket.pauses[0].end == wib(2026, 1, 12, 11, 0)
    assert ticket.resolution_met is True


def test_second_hold_while_on_hold_changes_nothing():
    ticket = clock(MONDAY_0800)
    assert ticket.hold(wib(2026, 1, 12, 10, 0), reason="waiting_client")
    assert not ticket.hold(wib(2026, 1, 12, 11, 0), reason="waiting_vendor")
    assert len(ticket.pauses) == 1


def test_hold_with_unknown_reason_is_refused():
    with pytest.raises(ValueError, match="waiting_client"):
        clock(MONDAY_0800).hold(wib(2026, 1, 12, 10, 0), reason="lunch")


def test_done_ticket_cannot_be_put_on_hold():
    ticket = clock(MONDAY_0800)
    ticket.resolve(wib(2026, 1, 12, 10, 0))
    with pytest.raises(ValueError, match="reopen"):
        ticket.hold(wib(2026, 1, 12, 11, 0), reason="waiting_client")


def test_events_before_the_start_are_refused():
    with pytest.raises(ValueError, match="before the clock started"):
        clock(MONDAY_0800).respond(wib(2026, 1, 12, 7, 0))


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        Clock.for_ticket(datetime(2026, 1, 12, 8, 0), calendar=OFFICE)


# --- retarget ---


def test_priority_change_retargets_both_clocks_from_the_original_start():
    ticket = clock(MONDAY_0800, priority=None)
    assert ticket.retarget(1)
    assert ticket.response_due_at() == wib(2026, 1, 12, 8, 10)
    assert ticket.resolution_due_at() == wib(2026, 1, 12, 16, 0)


def test_retarget_to_the_same_targets_changes_nothing():
    assert not clock(MONDAY_0800, priority=2).retarget(2)


# --- states ---


def test_state_is_ok_before_75_percent_and_at_risk_from_it():
    ticket = clock(MONDAY_0800)
    assert ticket.state(wib(2026, 1, 12, 8, 7, 29)) == SlaState.OK
    assert ticket.state(wib(2026, 1, 12, 8, 7, 30)) == SlaState.AT_RISK


def test_state_is_breached_at_100_percent():
    ticket = clock(MONDAY_0800)
    assert ticket.response_state(wib(2026, 1, 12, 8, 10)) == SlaState.BREACHED


def test_response_within_target_is_met_even_at_the_due_moment():
    ticket = clock(MONDAY_0800)
    ticket.respond(wib(2026, 1, 12, 8, 10))
    assert ticket.response_met is True
    assert ticket.response_state(wib(2026, 1, 12, 9, 0)) == SlaState.MET


def test_late_response_is_breached():
    ticket = clock(MONDAY_0800)
    ticket.respond(wib(2026, 1, 12, 8, 11))
    assert ticket.response_met is False


def test_first_response_wins():
    ticket = clock(MONDAY_0800)
    assert ticket.respond(wib(2026, 1, 12, 8, 5))
    assert not ticket.respond(wib(2026, 1, 12, 8, 30))
    assert ticket.responded_at == wib(2026, 1, 12, 8, 5)


def test_met_is_undecided_until_done():
    ticket = clock(MONDAY_0800)
    assert ticket.response_met is None and ticket.resolution_met is None


def test_resolving_without_a_response_counts_as_the_response():
    ticket = clock(MONDAY_0800)
    ticket.resolve(wib(2026, 1, 12, 8, 5))
    assert ticket.responded_at == wib(2026, 1, 12, 8, 5)
    assert ticket.state(wib(2026, 1, 12, 9, 0)) == SlaState.MET


def test_state_is_paused_while_on_hold():
    ticket = clock(MONDAY_0800)
    ticket.respond(wib(2026, 1, 12, 8, 1))
    ticket.hold(wib(2026, 1, 12, 14, 30), reason="waiting_client")
    assert ticket.is_on_hold(wib(2026, 1, 12, 15, 0))
    assert ticket.state(wib(2026, 1, 12, 15, 0)) == SlaState.PAUSED


def test_breached_beats_paused():
    ticket = clock(MONDAY_0800)
    ticket.respond(wib(2026, 1, 12, 8, 1))
    ticket.hold(wib(2026, 1, 13, 9, 0), reason="waiting_client")
    assert ticket.state(wib(2026, 1, 13, 10, 0)) == SlaState.BREACHED


def test_response_at_risk_beats_a_paused_resolution():
    ticket = clock(MONDAY_0800)
    ticket.hold(wib(2026, 1, 12, 8, 5), reason="waiting_client")
    assert ticket.resolution_state(wib(2026, 1, 12, 8, 8)) == SlaState.PAUSED
    assert ticket.state(wib(2026, 1, 12, 8, 8)) == SlaState.AT_RISK


def test_state_asked_for_a_moment_before_the_resolution_is_as_it_was_then():
    ticket = clock(MONDAY_0800)
    ticket.resolve(wib(2026, 1, 12, 9, 0))
    assert ticket.resolution_state(wib(2026, 1, 12, 8, 30)) == SlaState.OK
    assert ticket.resolution_state(wib(2026, 1, 12, 9, 0)) == SlaState.MET


def test_ticket_state_shows_the_more_severe_target():
    ticket = clock(MONDAY_0800)
    assert ticket.resolution_state(wib(2026, 1, 12, 8, 30)) == SlaState.OK
    assert ticket.state(wib(2026, 1, 12, 8, 30)) == SlaState.BREACHED


# --- deadlines and explain ---


def test_deadlines_give_warning_and_breach_moments_of_undecided_targets():
    ticket = clock(MONDAY_0800)
    ticket.respond(wib(2026, 1, 12, 8, 5))
    deadlines = ticket.deadlines()
    assert deadlines.response_warning_at is None and deadlines.response_breach_at is None
    assert deadlines.resolution_warning_at == wib(2026, 1, 12, 14, 0)
    assert deadlines.resolution_breach_at == wib(2026, 1, 12, 16, 0)


def test_next_deadline_is_the_earliest_pending_moment_after_now():
    ticket = clock(MONDAY_0800)
    assert ticket.next_deadline(MONDAY_0800) == wib(2026, 1, 12, 8, 7, 30)
    assert ticket.next_deadline(wib(2026, 1, 12, 8, 7, 30)) == wib(2026, 1, 12, 8, 10)
    assert ticket.next_deadline(wib(2026, 1, 12, 16, 0)) is None


def test_explain_lists_counted_working_intervals_without_the_hold():
    ticket = clock(wib(2026, 1, 9, 15, 0))
    ticket.respond(wib(2026, 1, 9, 15, 5))
    ticket.hold(wib(2026, 1, 12, 9, 0), reason="waiting_client")
    ticket.lift_hold(wib(2026, 1, 12, 10, 0))
    report = ticket.explain(wib(2026, 1, 12, 11, 0))
    resolution = report["resolution"]
    assert resolution.counted == [
        (wib(2026, 1, 9, 15, 0), wib(2026, 1, 9, 16, 0)),
        (wib(2026, 1, 12, 8, 0), wib(2026, 1, 12, 9, 0)),
        (wib(2026, 1, 12, 10, 0), wib(2026, 1, 12, 11, 0)),
    ]
    assert resolution.elapsed_seconds == 3 * HOUR
    assert resolution.due_at == wib(2026, 1, 12, 16, 0)
    assert report["response"].counted == [(wib(2026, 1, 9, 15, 0), wib(2026, 1, 9, 15, 5))]
    assert report["response"].state == SlaState.MET


# --- reference: minute-by-minute charging of a randomly held and reopened ticket ---

ID_HOLIDAYS = set(holidays.country_holidays("ID", years=range(2025, 2030)))


def is_working_minute(moment: datetime) -> bool:
    local = moment.astimezone(WIB)
    return local.weekday() < 5 and local.date() not in ID_HOLIDAYS and 8 <= local.hour < 16


@dataclass
class Story:
    """What happened to a ticket, as the reference sees it."""

    start: datetime
    stopped: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    responded_at: datetime | None = None
    resolved_at: datetime | None = None


def stopped_at(story: Story, moment: datetime) -> bool:
    return any(a <= moment and (b is None or moment < b) for a, b in story.stopped)


def reference_moment(story: Story, minutes: float, pausable: bool) -> datetime | None:
    """When `minutes` of charged working time are reached; None if stopped for good first."""
    moment, charged = story.start, 0
    open_stop = next((a for a, b in story.stopped if b is None), None) if pausable else None
    while charged < minutes:
        if open_stop is not None and moment >= open_stop:
            return None
        if is_working_minute(moment) and not (pausable and stopped_at(story, moment)):
            charged += 1
            if charged >= minutes:
                return moment + MINUTE * (1 - (charged - minutes))
        moment += MINUTE
    return moment


def reference_charged(story: Story, until: datetime, pausable: bool) -> int:
    count, moment = 0, story.start
    while moment < until:
        count += is_working_minute(moment) and not (pausable and stopped_at(story, moment))
        moment += MINUTE
    return count


def reference_state(story, now, target_minutes, done_at, pausable) -> SlaState:
    due = reference_moment(story, target_minutes, pausable)
    if done_at is not None and done_at <= now:
        return SlaState.MET if due is not None and done_at <= due else SlaState.BREACHED
    if due is not None and now >= due:
        return SlaState.BREACHED
    if pausable and stopped_at(story, now):
        return SlaState.PAUSED
    if reference_charged(story, now, pausable) >= 0.75 * target_minutes:
        return SlaState.AT_RISK
    return SlaState.OK


def play(steps, start, priority) -> tuple[Clock, Story, datetime]:
    """Drive a clock and the reference story with the same steps, in time order."""
    ticket, story = clock(start, priority), Story(start)
    moment, done_at = start, None
    for gap, choice in steps:
        moment += gap * MINUTE
        if choice == 0 and story.responded_at is None:
            ticket.respond(moment)
            story.responded_at = moment
        elif ticket.resolved_at is not None:
            ticket.reopen(moment)
            story.stopped.append((done_at, moment))
            done_at = story.resolved_at = None
        elif story.stopped and story.stopped[-1][1] is None:
            story.stopped[-1] = (story.stopped[-1][0], moment)
            if choice == 1:
                ticket.lift_hold(moment)
            else:
                ticket.resolve(moment)
                done_at = story.resolved_at = moment
        elif choice == 1:
            ticket.hold(moment, reason="waiting_client")
            story.stopped.append((moment, None))
        else:
            ticket.resolve(moment)
            done_at = story.resolved_at = moment
        if done_at is not None and story.responded_at is None:
            story.responded_at = done_at
    return ticket, story, moment


def minute_moments(first: datetime, last: datetime):
    span = int((last - first) / MINUTE)
    return st.integers(0, span).map(lambda n: (first + n * MINUTE).astimezone(UTC))


stories = st.tuples(
    st.lists(st.tuples(st.integers(0, 3 * 24 * 60), st.integers(0, 2)), max_size=6),
    minute_moments(wib(2026, 1, 1), wib(2027, 11, 30)),
    st.sampled_from([None, 1, 2, 3]),
)


@settings(max_examples=80, deadline=None)
@given(story=stories)
def test_resolution_due_with_holds_and_reopen_matches_reference(story):
    steps, start, priority = story
    ticket, reference, _ = play(steps, start, priority)
    target_minutes = targets_for(priority).resolution_seconds / 60
    assert ticket.resolution_due_at() == reference_moment(reference, target_minutes, True)
    warning = reference_moment(reference, 0.75 * target_minutes, True)
    assert ticket.resolution_warning_at() == warning


@settings(max_examples=80, deadline=None)
@given(story=stories, now_minutes=st.integers(0, 14 * 24 * 60))
def test_states_with_holds_and_reopen_match_reference(story, now_minutes):
    steps, start, priority = story
    ticket, reference, _ = play(steps, start, priority)
    targets = targets_for(priority)
    now = start + now_minutes * MINUTE
    response = reference_state(reference, now, targets.response_seconds / 60,
                               reference.responded_at, pausable=False)
    resolution = reference_state(reference, now, targets.resolution_seconds / 60,
                                 reference.resolved_at, pausable=True)
    assert ticket.response_state(now) == response
    assert ticket.resolution_state(now) == resolution
    assert ticket.explain(now)["resolution"].elapsed_seconds == 60 * reference_charged(
        reference, min(now, reference.resolved_at or now), True
    )


@settings(max_examples=60, deadline=None)
@given(story=stories, new_priority=st.sampled_from([None, 1, 2, 3]))
def test_retarget_equals_a_clock_that_had_the_new_priority_from_the_start(story, new_priority):
    steps, start, priority = story
    retargeted, _, _ = play(steps, start, priority)
    retargeted.retarget(new_priority)
    fresh, _, _ = play(steps, start, new_priority)
    assert retargeted.response_due_at() == fresh.response_due_at()
    assert retargeted.resolution_due_at() == fresh.resolution_due_at()
    assert retargeted.deadlines() == fresh.deadlines()


@settings(max_examples=60, deadline=None)
@given(story=stories, later_minutes=st.integers(0, 14 * 24 * 60))
def test_state_changes_by_time_alone_only_at_the_next_deadline(story, later_minutes):
    steps, start, priority = story
    ticket, _, last_event = play(steps, start, priority)
    now = last_event + later_minutes * MINUTE
    upcoming = ticket.next_deadline(now)
    if upcoming is None:
        assert ticket.state(now + timedelta(days=60)) == ticket.state(now)
        return
    assert upcoming > now
    assert upcoming in ticket.deadlines().moments()
    assert ticket.state(upcoming - timedelta(microseconds=1)) == ticket.state(now)
    assert ticket.state(now + (upcoming - now) / 2) == ticket.state(now)


def test_reference_is_sharp_enough_to_see_the_domain_examples():
    story = Story(wib(2026, 1, 9, 15, 55))
    assert reference_moment(story, 10, False) == wib(2026, 1, 12, 8, 5)
    assert not is_working_minute(wib(2026, 8, 17, 9, 0))
    assert date(2026, 8, 17) in ID_HOLIDAYS
