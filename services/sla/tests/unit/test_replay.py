"""Facts -> clock: duplicates and any arrival order give the same clock."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import office_calendar
from sla.domain import Clock, SlaState, targets_for
from sla.domain.replay import (
    DONE,
    HOLD,
    PRIORITY,
    REOPEN,
    RESPOND,
    UNHOLD,
    Fact,
    added,
    latest,
    replay,
    stored,
)
from sla.domain.snapshot import Snapshot

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = office_calendar(years=[2026])
START = datetime(2026, 1, 12, 8, 0, tzinfo=WIB)  # a Monday
P1 = targets_for(1)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def clock_of(*facts: Fact, targets=P1) -> Clock:
    return replay(START, OFFICE, targets, list(facts))


facts = st.lists(
    st.builds(
        lambda minutes, kind, reason, tie: Fact(
            kind, at(minutes), tie, value=reason if kind == HOLD else None),
        st.integers(-30, 5 * 24 * 60),
        st.sampled_from([RESPOND, DONE, REOPEN, HOLD, UNHOLD]),
        st.sampled_from(["waiting_client", "waiting_vendor", "lunch"]),
        st.sampled_from(["a", "b", "c"]),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(story=facts, data=st.data())
def test_the_same_facts_in_any_arrival_order_give_the_same_clock(story, data):
    shuffled = data.draw(st.permutations(story))
    assert Snapshot.of(clock_of(*shuffled)) == Snapshot.of(clock_of(*story))
    assert clock_of(*shuffled).pauses == clock_of(*story).pauses


def test_replay_in_time_order_is_the_clock_driven_directly():
    direct = Clock(START, OFFICE, P1)
    direct.respond(at(5))
    direct.hold(at(60), reason="waiting_vendor")
    direct.lift_hold(at(120))
    direct.resolve(at(300))
    direct.reopen(at(400))
    arrived = [Fact(REOPEN, at(400)), Fact(UNHOLD, at(120)), Fact(DONE, at(300)),
               Fact(RESPOND, at(5)), Fact(HOLD, at(60), value="waiting_vendor")]
    assert Snapshot.of(clock_of(*arrived)) == Snapshot.of(direct)
    assert clock_of(*arrived).pauses == direct.pauses


def test_done_arriving_before_the_response_still_stops_response_at_the_response_moment():
    ticket = clock_of(Fact(DONE, at(30)), Fact(RESPOND, at(5)))
    assert ticket.responded_at == at(5)
    assert ticket.response_met is True
    assert ticket.resolved_at == at(30)


def test_a_moment_before_the_start_counts_as_the_start():
    ticket = clock_of(Fact(RESPOND, at(-3)))
    assert ticket.responded_at == START


def test_a_hold_with_an_unknown_reason_pauses_nothing():
    ticket = clock_of(Fact(HOLD, at(10), value="lunch"))
    assert not ticket.is_on_hold(at(11))
    assert ticket.resolution_due_at() == at(8 * 60)


def test_a_hold_on_a_done_ticket_is_ignored_but_done_reopen_hold_at_one_instant_pauses():
    ignored = clock_of(Fact(DONE, at(10)), Fact(HOLD, at(20), value="waiting_client"))
    assert ignored.pauses == [] and ignored.resolved_at == at(10)
    same_instant = clock_of(Fact(HOLD, at(10), value="waiting_client"), Fact(REOPEN, at(10)),
                            Fact(DONE, at(10)))
    assert same_instant.resolved_at is None
    assert same_instant.resolution_state(at(11)) == SlaState.PAUSED


def test_a_redelivered_fact_is_not_added_twice():
    fact = Fact(RESPOND, at(5), "message-1")
    assert added(added([], fact), fact) == [fact]
    assert len(added([fact], Fact(RESPOND, at(5), "message-2"))) == 2


def test_the_newest_priority_by_its_moment_wins_whatever_came_last():
    older, newer = Fact(PRIORITY, at(10), value=1), Fact(PRIORITY, at(20), value=3)
    assert latest([newer, older], PRIORITY).value == 3
    assert latest([older, newer], PRIORITY).value == 3
    assert latest([], PRIORITY) is None


def test_a_fact_survives_its_json_form():
    fact = Fact(HOLD, at(10).astimezone(UTC), "m-1", value="waiting_vendor")
    assert Fact.from_json(fact.as_json()) == fact
    assignment = Fact("assign", at(3).astimezone(UTC), "m-2", group="network", assignee="t1")
    assert Fact.from_json(assignment.as_json()) == assignment


def test_a_clock_keeps_its_facts_the_same_whatever_order_they_came_in():
    facts = [Fact(RESPOND, at(5), tie="b"), Fact(PRIORITY, at(1), tie="a", value=2),
             Fact(DONE, at(30), tie="c")]
    assert stored(facts) == stored(list(reversed(facts)))
    assert [f["kind"] for f in stored(facts)] == [PRIORITY, RESPOND, DONE]
