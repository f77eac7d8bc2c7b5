"""The contract's "who" column as the gateway applies it before a call reaches a service: the
access of each declared route in servicedesk_common.routes."""
import pytest

from servicedesk_common.identity import ROLES, STAFF, Identity
from servicedesk_common.routes import CATALOGUE


def rule_for(method: str, path: str):
    route = CATALOGUE.find(method, path)
    return route.access if route else None


def refusal(rule, identity, *, has_token: bool):
    return rule.refusal(identity, has_token=has_token)


def who(role: str | None) -> Identity | None:
    return Identity(username=f"someone-{role}", role=role) if role else None


@pytest.mark.parametrize("method,path", [
    ("POST", "/api/v1/auth/login"), ("POST", "/api/v1/tickets"), ("GET", "/api/v1/catalog"),
    ("GET", "/api/v1/priority-matrix"), ("GET", "/api/v1/track/INC-2026-000001"),
    ("POST", "/api/v1/track/INC-2026-000001/replies"), ("GET", "/api/v1/surveys/abc"),
    ("POST", "/api/v1/surveys/abc"), ("GET", "/api/v1/kb/articles"),
])
def test_public_routes_let_anonymous_callers_through(method, path):
    assert refusal(rule_for(method, path), None, has_token=False) is None


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/auth/me"), ("GET", "/api/v1/tickets"),
    ("GET", "/api/v1/tickets/INC-2026-000001"), ("PATCH", "/api/v1/tickets/INC-2026-000001"),
    ("GET", "/api/v1/tickets/INC-2026-000001/history"), ("GET", "/api/v1/groups"),
    ("PUT", "/api/v1/priority-matrix"), ("GET", "/api/v1/users"),
    ("GET", "/api/v1/reports/kpi"),
])
def test_routes_for_users_refuse_anonymous_callers_with_401(method, path):
    assert refusal(rule_for(method, path), None, has_token=False) == 401


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_may_change_the_priority_matrix(role):
    expected = None if role == "admin" else 403
    assert refusal(rule_for("PUT", "/api/v1/priority-matrix"), who(role),
                   has_token=False) == expected


@pytest.mark.parametrize("role", ROLES)
def test_staff_only_routes_refuse_clients_and_admit_every_staff_role(role):
    rule = rule_for("GET", "/api/v1/tickets/INC-2026-000001/history")
    assert refusal(rule, who(role), has_token=False) == (None if role in STAFF else 403)


@pytest.mark.parametrize("role,expected", [("operator", None), ("supervisor", None),
                                           ("technician", 403), ("client", 403),
                                           ("knowledge_manager", 403), ("admin", 403)])
def test_patching_a_ticket_is_for_operators_and_supervisors(role, expected):
    assert refusal(rule_for("PATCH", "/api/v1/tickets/REQ-2026-000007"), who(role),
                   has_token=False) == expected


def test_a_guest_holding_a_tracking_token_may_upload_attachments_but_not_without_it():
    rule = rule_for("POST", "/api/v1/tickets/INC-2026-000001/attachments")
    assert refusal(rule, None, has_token=True) is None
    assert refusal(rule, None, has_token=False) == 401
    assert refusal(rule_for("GET", "/api/v1/tickets/INC-2026-000001"), None,
                   has_token=True) == 401


def test_owner_routes_admit_any_user_and_leave_the_owner_check_to_the_service():
    rule = rule_for("POST", "/api/v1/tickets/INC-2026-000001/replies")
    assert all(refusal(rule, who(role), has_token=False) is None for role in ROLES)


def test_surveys_list_and_a_survey_link_are_different_routes():
    assert refusal(rule_for("GET", "/api/v1/surveys"), who("client"), has_token=False) == 403
    assert refusal(rule_for("GET", "/api/v1/surveys/tok-123"), None, has_token=False) is None


def test_head_is_judged_like_get_and_a_trailing_slash_is_another_path():
    assert rule_for("HEAD", "/api/v1/groups") == rule_for("GET", "/api/v1/groups")
    assert rule_for("GET", "/api/v1/groups/") is None  # as the services' own apps: a 404


def test_routes_outside_the_table_have_no_rule_so_the_gateway_refuses_them():
    assert rule_for("GET", "/api/v1/internal/dump") is None
    assert rule_for("DELETE", "/api/v1/tickets/INC-2026-000001") is None


@pytest.mark.parametrize("path", ["/api/v1/tickets/kpi", "/api/v1/surveys/kpi",
                                  "/api/v1/surveys/summary"])
def test_a_fixed_segment_is_not_taken_for_a_ticket_number_or_a_survey_link(path):
    """The old regular expressions read /tickets/kpi as a ticket (any user) and /surveys/kpi
    as a survey link (anyone): the KPIs are for supervisors and admins."""
    assert refusal(rule_for("GET", path), who("client"), has_token=False) == 403
    assert refusal(rule_for("GET", path), None, has_token=False) == 401


def test_admin_writes_that_had_no_row_are_refused_to_other_roles_at_the_door():
    for method, path in [("POST", "/api/v1/groups"), ("PUT", "/api/v1/catalog/types/x"),
                         ("DELETE", "/api/v1/sla/calendars/kantor/closed-dates/2026-01-01"),
                         ("PUT", "/api/v1/surveys/question-sets/default")]:
        assert refusal(rule_for(method, path), who("operator"), has_token=False) == 403, path
        assert refusal(rule_for(method, path), who("admin"), has_token=False) is None, path


@pytest.mark.parametrize("role,expected", [(None, None), ("client", None), ("operator", None),
                                           ("supervisor", None), ("technician", 403),
                                           ("knowledge_manager", 403), ("admin", 403)])
def test_guests_clients_and_the_desk_report_tickets_other_roles_do_not(role, expected):
    assert refusal(rule_for("POST", "/api/v1/tickets"), who(role), has_token=False) == expected
