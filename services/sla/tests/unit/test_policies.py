"""Policies, overrides and the KPI counts."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sla.calendar import always_open
from sla.domain.policies import (
    Policy,
    check_targets,
    choose,
    default_policies,
    kpi,
    service_code,
)
from sla.domain.replay import DONE, RESPOND, Fact, replay
from sla.domain.snapshot import Snapshot

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 3, 2, 9, 0, tzinfo=WIB)
DEFAULTS = default_policies()
OVERRIDE = Policy(1, 300, 3600, "24x7", service="server-down", service_name="Server down")


def test_default_policies_carry_the_domain_targets_on_the_office_calendar():
    assert [(p.name, p.response_seconds, p.resolution_seconds, p.calendar)
            for p in DEFAULTS.values()] == [
        ("priority-1", 600, 8 * 3600, "office"), ("priority-2", 3600, 24 * 3600, "office"),
        ("priority-3", 4 * 3600, 48 * 3600, "office")]


def test_a_service_override_applies_to_its_priority_only():
    assert choose(DEFAULTS, [OVERRIDE], priority=1, service="Server down") == OVERRIDE
    assert OVERRIDE.name == "priority-1/server-down"
    assert choose(DEFAULTS, [OVERRIDE], priority=2, service="Server down") == DEFAULTS[2]
    assert choose(DEFAULTS, [OVERRIDE], priority=1, service="SIM down") == DEFAULTS[1]


def test_an_unprioritised_ticket_gets_the_priority_3_policy():
    assert choose(DEFAULTS, [], priority=None, service=None) == DEFAULTS[3]


def test_service_names_and_codes_name_the_same_service():
    assert service_code("Internet lambat") == service_code(" internet-lambat ") == \
        "internet-lambat"
    assert service_code("  ") is None


def test_targets_are_checked_per_field():
    assert check_targets(600, 3600, "office") == {}
    assert set(check_targets(0, 3600, "mars")) == {"response_minutes", "calendar"}
    assert check_targets(7200, 3600, "24x7") == {"response_minutes": [
        "The response target cannot be longer than the resolution target."]}


def test_kpi_counts_met_breached_and_pending_per_priority_with_shares():
    calendar = always_open()
    policy = DEFAULTS[1]

    def clock(*facts):
        return Snapshot.of(replay(START, calendar, policy.targets, list(facts)))

    minutes = lambda m: START + timedelta(minutes=m)  # noqa: E731
    met = clock(Fact(RESPOND, minutes(5)), Fact(DONE, minutes(60)))
    late = clock(Fact(RESPOND, minutes(30)))
    open_ = clock()
    now = minutes(90)  # open_ is past its 10-minute response: breached, though not responded
    counts = kpi([(1, met), (1, late), (1, open_), (None, met)], now)
    first = counts["priorities"][0]
    assert first["priority"] == 1
    assert first["response"] == {"met": 1, "breached": 2, "pending": 0, "total": 3,
                                 "met_share": 0.3333, "breached_share": 0.6667}
    assert first["resolution"] == {"met": 1, "breached": 0, "pending": 2, "total": 3,
                                   "met_share": 1.0, "breached_share": 0.0}
    assert counts["priorities"][2]["response"]["met"] == 1  # unprioritised: priority 3
    assert counts["priorities"][1]["response"]["met_share"] is None
    assert counts["all"]["response"]["total"] == 4
