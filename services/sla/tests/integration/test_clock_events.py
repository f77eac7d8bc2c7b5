"""Ticket events in, SLA events out, on the real bus: exact due times, duplicates and any order."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from servicedesk_common.bus import wait_until
from servicedesk_common.events import iso

WIB = ZoneInfo("Asia/Jakarta")
FRIDAY_1555 = datetime(2026, 1, 9, 15, 55, 30, tzinfo=WIB)


def moment(minutes: float) -> str:
    return iso(FRIDAY_1555 + timedelta(minutes=minutes))


def story(sla, number: str) -> list:
    """A priority 1 ticket reported Friday 15:55:30; verified Monday 08:03; done at 10:00."""
    return [
        sla.created(number, FRIDAY_1555),
        sla.event("ticket.prioritized", number, priority=1, urgency="high", impact="high",
                  service="Server down", at=moment(1)),
        sla.event("ticket.status_changed", number, **{"from": "submitted", "to": "new"},
                  at=iso(datetime(2026, 1, 12, 8, 3, tzinfo=WIB))),
        sla.event("ticket.status_changed", number, **{"from": "new", "to": "done"},
                  at=iso(datetime(2026, 1, 12, 10, 0, tzinfo=WIB))),
    ]


def snapshot(row) -> tuple:
    return (row.priority, row.policy, row.calendar, row.response_due_at, row.resolution_due_at,
            row.responded_at, row.resolved_at, row.response_met, row.resolution_met, row.state)


def test_due_times_are_exact_under_the_office_calendar_to_the_second(sla):
    sla.publish(*story(sla, "INC-2026-800001"))
    sla.wait_outbox("INC-2026-800001", "sla.met", count=2)
    row = sla.row("INC-2026-800001")
    assert row.response_due_at == datetime(2026, 1, 12, 8, 5, 30, tzinfo=WIB)
    assert row.resolution_due_at == datetime(2026, 1, 12, 15, 55, 30, tzinfo=WIB)
    assert (row.policy, row.calendar, row.state) == ("priority-1", "office", "met")
    assert row.response_met is True and row.resolution_met is True
    met = sla.outbox("INC-2026-800001", "sla.met")
    assert {m["target"] for m in met} == {"response", "resolution"}
    assert met[-1]["resolution_due_at"] == "2026-01-12T08:55:30+00:00"


def test_duplicated_and_reversed_events_give_the_clock_and_events_of_the_ordered_ones(sla):
    sla.publish(*story(sla, "INC-2026-800002"))
    reversed_story = list(reversed(story(sla, "INC-2026-800003")))
    sla.publish(*reversed_story, *reversed_story)  # every message twice, newest first
    for number in ("INC-2026-800002", "INC-2026-800003"):
        sla.wait_outbox(number, "sla.met", count=2)
    assert wait_until(lambda: len(sla.row("INC-2026-800003").facts) == 5, 5)
    ordered, shuffled = sla.row("INC-2026-800002"), sla.row("INC-2026-800003")
    assert snapshot(shuffled) == snapshot(ordered)
    types = sla.types("INC-2026-800003")
    assert types.count("sla.started") == 1
    assert types.count("sla.responded") == 1
    assert types.count("sla.met") == 2


def test_hold_pauses_and_resumes_with_an_update_each_time_and_a_reopen_resumes_resolution(sla):
    now = datetime.now(UTC).replace(microsecond=0)
    sla.override("Server down", response_minutes=30, resolution_minutes=120)
    number = "INC-2026-800004"
    sla.publish(sla.created(number, now - timedelta(minutes=20), status="new",
                            recorded_by_role="operator", channel="phone"))
    sla.wait_outbox(number, "sla.met")  # responded at creation: an operator recorded it
    sla.publish(sla.event("ticket.hold_started", number, reason="waiting_vendor",
                          at=iso(now - timedelta(minutes=10))))
    paused = sla.wait_outbox(number, "sla.updated")[-1]
    assert paused["state"] == "paused" and paused["resolution_due_at"] is None
    sla.publish(sla.event("ticket.replied", number, author_kind="client", internal=False,
                          at=iso(now - timedelta(minutes=6))))  # the client's reply lifts it
    resumed = sla.wait_outbox(number, "sla.updated", count=2)[-1]
    assert resumed["state"] == "ok"
    assert resumed["resolution_due_at"] == iso(now + timedelta(minutes=104))
    sla.publish(sla.event("ticket.status_changed", number, **{"from": "in_progress",
                                                              "to": "done"},
                          at=iso(now - timedelta(minutes=4))))
    assert sla.wait_outbox(number, "sla.met", count=2)[-1]["target"] == "resolution"
    sla.publish(sla.event("ticket.reopened", number, at=iso(now - timedelta(minutes=1))))
    reopened = sla.wait_outbox(number, "sla.updated", count=3)[-1]
    assert reopened["state"] == "ok" and reopened["resolution_met"] is None
    # the 3 minutes it was done are not charged either
    assert reopened["resolution_due_at"] == iso(now + timedelta(minutes=107))


def test_assignment_responds_and_names_the_group_in_later_warnings(sla):
    now = datetime.now(UTC)
    sla.override("Server down", response_minutes=0.1, resolution_minutes=0.2)  # 6 s, 12 s
    number = "INC-2026-800005"
    sla.publish(sla.created(number, now),
                sla.event("ticket.assigned", number, group="network",
                          assignee="tech-network-1", at=iso(now + timedelta(seconds=1))))
    responded = sla.wait_outbox(number, "sla.responded")[0]
    assert responded["responded_at"] == iso(now + timedelta(seconds=1))
    breached = sla.wait_outbox(number, "sla.breached", timeout=20)[0]
    assert breached["target"] == "resolution"
    assert (breached["group"], breached["assignee"]) == ("network", "tech-network-1")
    at_risk = sla.outbox(number, "sla.at_risk")
    assert [a["target"] for a in at_risk] == ["resolution"]
    assert at_risk[0]["at"] == iso(now + timedelta(seconds=9))


def test_events_of_a_ticket_whose_creation_has_not_arrived_wait_for_it(sla):
    number = "INC-2026-800006"
    sla.publish(sla.event("ticket.assigned", number, group="egov", assignee="tech-egov-1",
                          at=moment(2)))
    assert wait_until(lambda: sla.row(number) is not None, 5)
    assert sla.row(number).started_at is None and sla.types(number) == []
    sla.publish(sla.created(number, FRIDAY_1555))
    started = sla.wait_outbox(number, "sla.started")[0]
    assert started["responded_at"] == moment(2)
    assert started["group"] == "egov"


def test_a_ticket_moved_to_a_service_with_its_own_policy_is_retargeted_from_its_start(sla_idle):
    sla_idle.override("Server down", response_minutes=30, resolution_minutes=90)
    start = datetime.now(UTC).replace(microsecond=0)
    number = "INC-2026-800007"
    sla_idle.handle(sla_idle.created(number, start, service="SIM down"))
    assert sla_idle.row(number).policy == "priority-3"
    sla_idle.handle(sla_idle.event("ticket.recategorized", number, from_service="SIM down",
                                   to_service="Server down",
                                   at=iso(start + timedelta(minutes=1))))
    row = sla_idle.row(number)
    assert (row.policy, row.calendar) == ("priority-3/server-down", "24x7")
    assert row.response_due_at == start + timedelta(minutes=30)
    updated = sla_idle.outbox(number)[-1]
    assert updated["type"] == "sla.updated" and updated["policy"] == "priority-3/server-down"
