"""Escalation KPIs over chains of escalation records."""
from datetime import date, datetime

from escalation.kpi import Link, escalation_kpi, period_bounds


def link(chain, id_, number, group, state, category="Jaringan", priority=1, by_role=None):
    return Link(chain_id=chain, id=id_, number=number, group=group, state=state,
                category=category, priority=priority, resolved_by_role=by_role)


LINKS = [
    # right group, solved by the technician
    link(1, 1, "INC-1", "network", "resolved", by_role="technician"),
    # wrong group first, moved to network, solved there
    link(2, 2, "INC-2", "egov", "reassigned", category="Aplikasi", priority=2),
    link(2, 5, "INC-2", "network", "resolved", category="Aplikasi", priority=2,
         by_role="technician"),
    # returned to level 1
    link(3, 3, "INC-3", "network", "returned"),
    # still open
    link(4, 4, "INC-4", "webapi", "open", category="Data", priority=None),
    # solved, but the operator wrote the solution
    link(6, 6, "INC-5", "network", "resolved", by_role="operator"),
]


def test_totals_count_each_chain_once():
    kpi = escalation_kpi(LINKS)
    assert kpi["total"] == 5
    assert kpi["open"] == 1
    assert kpi["resolved"] == 3


def test_only_escalations_that_never_moved_count_as_completed_by_the_first_group():
    kpi = escalation_kpi(LINKS)
    assert kpi["completed_first_group"] == {"count": 2, "share": 0.4}
    assert kpi["moved_group"]["count"] == 1
    assert kpi["reassigned"]["count"] == 1
    assert kpi["returned_to_level1"] == {"count": 1, "share": 0.2}


def test_solved_at_level2_counts_tickets_whose_solution_came_from_a_technician():
    assert escalation_kpi(LINKS)["solved_at_level2"]["count"] == 2


def test_breakdowns_use_the_category_and_priority_the_escalation_started_with():
    kpi = escalation_kpi(LINKS)
    assert kpi["by_category"]["Aplikasi"]["moved_group"]["count"] == 1
    assert kpi["by_category"]["Jaringan"]["total"] == 3
    assert kpi["by_priority"]["1"]["completed_first_group"]["count"] == 2
    assert kpi["by_priority"]["none"]["open"] == 1


def test_no_escalations_gives_no_shares_rather_than_an_error():
    kpi = escalation_kpi([])
    assert kpi["total"] == 0 and kpi["completed_first_group"] == {"count": 0, "share": None}


def test_a_bare_to_date_includes_that_whole_office_day():
    start, end = period_bounds(date(2026, 11, 1), date(2026, 11, 30))
    assert start.isoformat() == "2026-10-31T17:00:00+00:00"  # midnight in Madiun (WIB)
    assert end.isoformat() == "2026-11-30T17:00:00+00:00"
    naive_start, _ = period_bounds(datetime(2026, 11, 1, 9, 0), None)
    assert naive_start.utcoffset().total_seconds() == 0
