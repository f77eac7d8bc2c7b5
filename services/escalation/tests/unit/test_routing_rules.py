"""Who gets an escalated ticket, and who may act on it: the pure rules."""
from datetime import UTC, datetime, timedelta

from escalation.domain import (
    DEFAULT_GROUPS,
    Candidate,
    assignee_errors,
    least_loaded,
    may_move,
    may_resolve,
    message,
    queue_scope,
    route_errors,
    sla_recipients,
)

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
ROUTES = {g_cat: g["code"] for g in DEFAULT_GROUPS for g_cat in g["categories"]}
ACTIVE = {"egov": True, "webapi": True, "network": True, "old": False}


def test_default_routing_follows_the_sop_table():
    assert ROUTES == {"Aplikasi": "egov", "Data": "webapi", "Jaringan": "network",
                      "Hardware": "network"}
    members = {g["code"]: g["members"] for g in DEFAULT_GROUPS}
    assert members == {"egov": ["tech-egov-1", "tech-egov-2"], "webapi": ["tech-webapi-1"],
                       "network": ["tech-network-1", "tech-network-2"]}


def test_without_a_group_the_category_decides():
    assert route_errors(group_code=None, category="Hardware", groups=ACTIVE,
                        routes=ROUTES) == ("network", {})
    assert route_errors(group_code=None, category="Aplikasi", groups=ACTIVE,
                        routes=ROUTES) == ("egov", {})


def test_an_explicit_group_wins_over_the_category():
    assert route_errors(group_code="webapi", category="Jaringan", groups=ACTIVE,
                        routes=ROUTES) == ("webapi", {})


def test_unroutable_unknown_or_inactive_groups_are_explained_on_the_group_field():
    _, unrouted = route_errors(group_code=None, category="Lainnya", groups=ACTIVE, routes=ROUTES)
    assert "choose a group" in unrouted["group"][0]
    _, unknown = route_errors(group_code="printer", category=None, groups=ACTIVE, routes=ROUTES)
    assert "egov, network, old, webapi" in unknown["group"][0]
    _, inactive = route_errors(group_code="old", category=None, groups=ACTIVE, routes=ROUTES)
    assert "inactive" in inactive["group"][0]


def test_an_explicit_assignee_must_be_a_member():
    assert assignee_errors("tech-network-2", "network", ["tech-network-1", "tech-network-2"]) \
        == {}
    errors = assignee_errors("tech-egov-1", "network", ["tech-network-1", "tech-network-2"])
    assert errors["assignee"] == ["tech-egov-1 is not a member of group 'network' "
                                  "(members: tech-network-1, tech-network-2)."]


def test_least_loaded_member_gets_the_ticket():
    assert least_loaded([Candidate("a", 3, T0), Candidate("b", 1, T0 + timedelta(hours=1)),
                         Candidate("c", 2, None)]) == "b"


def test_equal_load_goes_round_robin_to_whoever_waited_longest():
    assert least_loaded([Candidate("a", 1, T0 + timedelta(minutes=5), 0),
                         Candidate("b", 1, T0, 1)]) == "b"
    assert least_loaded([Candidate("a", 0, T0, 0), Candidate("b", 0, None, 1)]) == "b"


def test_round_robin_alternates_over_a_sequence_of_assignments():
    last = {"a": None, "b": None, "c": None}
    picked = []
    for step in range(6):  # each ticket is solved before the next arrives: loads stay 0
        choice = least_loaded([Candidate(name, 0, last[name], i)
                               for i, name in enumerate(last)])
        picked.append(choice)
        last[choice] = T0 + timedelta(minutes=step)
    assert picked == ["a", "b", "c", "a", "b", "c"]


def test_a_group_without_members_has_nobody_to_pick():
    assert least_loaded([]) is None


def test_only_the_assignee_or_an_operator_may_resolve():
    assert may_resolve(role="technician", username="t1", assignee="t1") is None
    assert may_resolve(role="operator", username="operator1", assignee="t1") is None
    assert "assigned to t1" in may_resolve(role="technician", username="t2", assignee="t1")
    assert may_resolve(role="supervisor", username="s", assignee="t1") is not None
    assert "not escalated" in may_resolve(role="technician", username="t1", assignee=None)
    assert may_resolve(role="operator", username="operator1", assignee=None) is None


def test_operator_supervisor_and_the_assignee_may_reassign_or_return():
    assert may_move(role="supervisor", username="s", assignee="t1") is None
    assert may_move(role="operator", username="o", assignee="t1") is None
    assert may_move(role="technician", username="t1", assignee="t1") is None
    assert may_move(role="technician", username="t2", assignee="t1") is not None
    assert may_move(role="client", username="c", assignee="t1") is not None


def test_technicians_see_their_own_and_their_groups_queues_only():
    scope = dict(role="technician", username="t1", member_of={"network"})
    assert queue_scope(assignee=None, group=None, **scope) == ("t1", None, None)
    assert queue_scope(assignee="me", group=None, **scope) == ("t1", None, None)
    assert queue_scope(assignee=None, group="network", **scope) == (None, "network", None)
    assert queue_scope(assignee="t2", group=None, **scope)[2] is not None
    assert queue_scope(assignee=None, group="egov", **scope)[2] is not None
    assert queue_scope(role="operator", username="o", member_of=set(), assignee="t2",
                       group=None) == ("t2", None, None)
    assert queue_scope(role="operator", username="o", member_of=set(), assignee=None,
                       group=None) == (None, None, None)


def test_sla_warnings_reach_members_then_supervisors_each_once():
    assert sla_recipients(["t1", "t2"], ["supervisor1", "t2"]) == ["t1", "t2", "supervisor1"]


def test_messages_fill_missing_values_and_stay_short():
    text = message("sla_at_risk", number="INC-1", group="network", target="resolution",
                   due_at=None)
    assert "INC-1" in text and "batas waktu -" in text
    assert len(message("resolved", number="INC-1", by="t1", solution="x" * 2000)) == 500
