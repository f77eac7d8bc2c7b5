"""Snapshots and announcements: state without a calendar, each warning and breach once."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import office_calendar
from sla.domain import Clock, targets_for
from sla.domain.alarms import announce
from sla.domain.replay import DONE, HOLD, REOPEN, RESPOND, UNHOLD, Fact, replay
from sla.domain.snapshot import Snapshot

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = office_calendar(years=[2026])
START = datetime(2026, 1, 12, 8, 0, tzinfo=WIB)  # a Monday; P1: response due 08:10
MINUTE = timedelta(minutes=1)


def at(minutes: float) -> datetime:
    return START + minutes * MINUTE


def snap(*facts: Fact, priority=1) -> Snapshot:
    return Snapshot.of(replay(START, OFFICE, targets_for(priority), list(facts)))


def kinds(said) -> list[tuple[str, str | None]]:
    return [(a.type, a.target) for a in said]


story = st.lists(
    st.tuples(st.integers(0, 3 * 24 * 60),
              st.sampled_from([RESPOND, DONE, REOPEN, HOLD, UNHOLD])),
    max_size=6)


@settings(max_examples=150, deadline=None)
@given(steps=story, later=st.integers(0, 10 * 24 * 60), priority=st.sampled_from([None, 1, 2]))
def test_a_snapshot_knows_the_state_the_clock_would_compute(steps, later, priority):
    facts = [Fact(kind, at(m), value="waiting_client") for m, kind in steps]
    clock = replay(START, OFFICE, targets_for(priority), facts)
    now = at(max([m for m, _ in steps], default=0) + later)
    snapshot = Snapshot.of(clock)
    assert snapshot.state(now) == clock.state(now)
    assert snapshot.target_state("response", now) == clock.response_state(now)
    assert snapshot.target_state("resolution", now) == clock.resolution_state(now)


def test_a_new_clock_is_announced_as_started():
    said, sent = announce(None, snap(), frozenset(), at(0))
    assert kinds(said) == [("sla.started", None)]
    assert sent == frozenset()


def test_warning_and_breach_are_each_announced_once_as_time_passes():
    clock = snap()
    sent, announced = frozenset(), []
    for minute in (0, 5, 7.5, 8, 9.99, 10, 11, 60):
        said, sent = announce(clock, clock, sent, at(minute))
        announced += [(minute, a.type, a.target) for a in said]
    assert announced == [(7.5, "sla.at_risk", "response"), (10, "sla.breached", "response")]
    assert clock.next_check(sent) == at(6 * 60)  # resolution warning: 75% of 8 working hours


def test_a_monitor_that_was_down_announces_warning_then_breach_with_their_own_moments():
    clock = snap()
    said, _ = announce(clock, clock, frozenset(), at(12))
    assert kinds(said) == [("sla.at_risk", "response"), ("sla.breached", "response")]
    assert [a.at for a in said] == [at(7.5), at(10)]
    assert said[1].due_at == at(10)


def test_a_late_response_already_announced_as_breached_is_not_breached_again():
    before = snap()
    _, sent = announce(before, before, frozenset(), at(11))
    said, _ = announce(before, snap(Fact(RESPOND, at(15))), sent, at(15))
    assert kinds(said) == [("sla.responded", "response")]


def test_a_late_response_nobody_announced_is_announced_as_breached():
    said, sent = announce(snap(), snap(Fact(RESPOND, at(15))), frozenset(), at(15))
    assert kinds(said) == [("sla.responded", "response"), ("sla.breached", "response")]
    assert "response_breached" in sent


def test_a_response_in_time_is_announced_as_responded_and_met():
    said, _ = announce(snap(), snap(Fact(RESPOND, at(4))), frozenset(), at(4))
    assert kinds(said) == [("sla.responded", "response"), ("sla.met", "response")]


def test_done_in_time_is_met_for_both_targets():
    said, _ = announce(snap(Fact(RESPOND, at(4))), snap(Fact(RESPOND, at(4)), Fact(DONE, at(90))),
                       frozenset(), at(90))
    assert kinds(said) == [("sla.met", "resolution")]


def test_a_lowered_priority_takes_back_the_warning_so_the_new_target_can_warn_again():
    urgent = snap(priority=1)
    _, sent = announce(urgent, urgent, frozenset(), at(8))
    assert "response_at_risk" in sent
    relaxed = snap(priority=3)  # response due after 4 working hours
    said, sent = announce(urgent, relaxed, sent, at(8))
    assert said == [] and "response_at_risk" not in sent
    said, sent = announce(relaxed, relaxed, sent, at(180))
    assert kinds(said) == [("sla.at_risk", "response")]


def test_a_reopened_ticket_breached_before_is_not_breached_again():
    done_late = snap(Fact(RESPOND, at(1)), Fact(DONE, at(9 * 60)))
    said, sent = announce(snap(Fact(RESPOND, at(1))), done_late, frozenset(), at(9 * 60))
    assert kinds(said) == [("sla.breached", "resolution")]
    reopened = snap(Fact(RESPOND, at(1)), Fact(DONE, at(9 * 60)), Fact(REOPEN, at(9 * 60 + 5)))
    said, _ = announce(done_late, reopened, sent, at(9 * 60 + 5))
    assert said == []


def test_on_hold_before_the_warning_there_is_nothing_to_check_until_the_hold_ends():
    held = snap(Fact(RESPOND, at(1)), Fact(HOLD, at(30), value="waiting_client"))
    assert held.resolution_due_at is None
    assert held.next_check(frozenset()) is None
    assert held.state(at(40)).value == "paused"


def test_the_snapshot_agrees_with_the_clock_on_the_domain_example():
    friday = datetime(2026, 1, 9, 15, 55, tzinfo=WIB)
    clock = Clock.for_ticket(friday, calendar=OFFICE, priority=1)
    snapshot = Snapshot.of(clock)
    assert snapshot.response_due_at == datetime(2026, 1, 12, 8, 5, tzinfo=WIB)
    assert snapshot.next_check(frozenset()) == clock.next_deadline(friday)


def test_a_response_stamped_ahead_of_our_clock_is_looked_at_again_when_it_comes():
    early = snap(Fact(RESPOND, at(3)))
    assert early.state(at(2.99)).value == "ok"
    assert early.next_check(frozenset(), at(2.99)) == at(3)
    assert early.state(at(3)).value == "ok"  # response met, resolution still running
    assert early.next_check(frozenset(), at(3)) == at(6 * 60)
