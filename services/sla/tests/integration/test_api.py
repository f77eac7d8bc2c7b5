"""Sla's API: policies and calendars an admin edits, the SLA of tickets staff read."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from servicedesk_common.events import iso
from sla.calendar import office_calendar

WIB = ZoneInfo("Asia/Jakarta")
FRIDAY_1555 = datetime(2026, 1, 9, 15, 55, 30, tzinfo=WIB)


def test_staff_read_policies_with_targets_in_minutes_and_their_calendar(sla_idle):
    response = sla_idle.api("GET", "/api/v1/sla/policies", role="technician")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 3 and body["page"] == 1
    assert [(p["priority"], p["response_minutes"], p["resolution_minutes"], p["calendar"])
            for p in body["items"]] == [(1, 10, 480, "office"), (2, 60, 1440, "office"),
                                        (3, 240, 2880, "office")]
    assert sla_idle.api("GET", "/api/v1/sla/policies", role="client").status_code == 403
    anonymous = sla_idle.api("GET", "/api/v1/sla/policies", role=None)
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["code"] == "unauthorized"


def test_only_an_admin_edits_a_policy_and_bad_targets_name_their_field(sla_idle):
    good = {"response_minutes": 15, "resolution_minutes": 600, "calendar": "24x7"}
    assert sla_idle.api("PUT", "/api/v1/sla/policies/1", json=good).status_code == 403
    refused = sla_idle.api("PUT", "/api/v1/sla/policies/1", role="admin", json={
        "response_minutes": 0, "resolution_minutes": "soon", "calendar": "mars"})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["details"]) == {"resolution_minutes", "calendar"}
    zero = sla_idle.api("PUT", "/api/v1/sla/policies/1", role="admin",
                        json={**good, "response_minutes": 0})
    assert zero.status_code == 422
    assert list(zero.get_json()["error"]["details"]) == ["response_minutes"]
    assert sla_idle.api("PUT", "/api/v1/sla/policies/4", role="admin",
                        json=good).status_code == 404
    malformed = sla_idle.api("PUT", "/api/v1/sla/policies/1", role="admin", data="{",
                             content_type="application/json")
    assert malformed.status_code == 400
    saved = sla_idle.api("PUT", "/api/v1/sla/policies/1", role="admin", json=good)
    assert saved.status_code == 200
    assert saved.get_json()["name"] == "priority-1"
    first = sla_idle.api("GET", "/api/v1/sla/policies").get_json()["items"][0]
    assert (first["response_minutes"], first["calendar"]) == (15, "24x7")


def test_a_service_override_applies_to_new_clocks_and_can_be_removed(sla_idle):
    override = sla_idle.override("Internet lambat", priority=3, response_minutes=20)
    assert (override["name"], override["service"]) == ("priority-3/internet-lambat",
                                                       "Internet lambat")
    listed = sla_idle.api("GET", "/api/v1/sla/policies").get_json()
    assert listed["total"] == 4 and listed["items"][3]["service_code"] == "internet-lambat"
    start = datetime.now(UTC).replace(microsecond=0)
    sla_idle.handle(sla_idle.created("INC-2026-810001", start, service="Internet lambat"))
    row = sla_idle.row("INC-2026-810001")
    assert (row.policy, row.calendar) == ("priority-3/internet-lambat", "24x7")
    assert row.response_due_at == start + timedelta(minutes=20)
    path = "/api/v1/sla/policies/3/services/internet-lambat"
    assert sla_idle.api("DELETE", path, role="admin").status_code == 204
    assert sla_idle.api("DELETE", path, role="admin").status_code == 404
    assert sla_idle.row("INC-2026-810001").policy == "priority-3/internet-lambat"  # kept


def test_a_closed_date_moves_open_clocks_due_times_and_opening_it_moves_them_back(sla_idle):
    start = datetime.now(UTC).replace(microsecond=0)
    sla_idle.handle(sla_idle.created("INC-2026-810002", start))  # priority 3: 48 working hours
    before = sla_idle.row("INC-2026-810002").resolution_due_at
    office = office_calendar()
    day = start.astimezone(WIB).date() + timedelta(days=1)
    while office.is_closed(day) or day.weekday() > 4:
        day += timedelta(days=1)
    added = sla_idle.api("POST", "/api/v1/sla/calendars/office/closed-dates", role="admin",
                         json={"date": day.isoformat(), "reason": "Cuti bersama"})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["clocks_updated"] == 1
    after = sla_idle.row("INC-2026-810002").resolution_due_at
    expected = office_calendar(extra_closed_dates=[day]).add_working_time(start, 48 * 3600)
    assert after == expected and after > before
    assert sla_idle.outbox("INC-2026-810002")[-1]["type"] == "sla.updated"
    again = sla_idle.api("POST", "/api/v1/sla/calendars/office/closed-dates", role="admin",
                         json={"date": day.isoformat()})
    assert again.status_code == 409
    calendar = sla_idle.api("GET", f"/api/v1/sla/calendars/office?year={day.year}").get_json()
    assert {"date": day.isoformat(), "reason": "Cuti bersama", "kind": "closed_date"} in \
        calendar["closed_days"]
    assert any(d["kind"] == "national_holiday" for d in calendar["closed_days"])
    path = f"/api/v1/sla/calendars/office/closed-dates/{day.isoformat()}"
    assert sla_idle.api("DELETE", path, role="operator").status_code == 403
    assert sla_idle.api("DELETE", path, role="admin").status_code == 204
    assert sla_idle.row("INC-2026-810002").resolution_due_at == before


def test_closed_dates_are_refused_where_they_make_no_sense(sla_idle):
    post = lambda name, body: sla_idle.api(  # noqa: E731
        "POST", f"/api/v1/sla/calendars/{name}/closed-dates", role="admin", json=body)
    assert post("24x7", {"date": "2026-12-24"}).status_code == 409
    assert post("moon", {"date": "2026-12-24"}).status_code == 404
    bad = post("office", {"date": "24/12/2026"})
    assert bad.status_code == 422 and "date" in bad.get_json()["error"]["details"]
    assert sla_idle.api("DELETE", "/api/v1/sla/calendars/office/closed-dates/someday",
                        role="admin").status_code == 422
    assert sla_idle.api("DELETE", "/api/v1/sla/calendars/office/closed-dates/2026-12-25",
                        role="admin").status_code == 404


def test_tickets_by_state_one_ticket_and_its_explanation(sla_idle):
    number = "INC-2026-810003"
    sla_idle.handle(sla_idle.created(number, FRIDAY_1555),
                    sla_idle.event("ticket.prioritized", number, priority=1,
                                   at=iso(FRIDAY_1555)))
    fresh = datetime.now(UTC)
    sla_idle.handle(sla_idle.created("INC-2026-810004", fresh))
    breached = sla_idle.api("GET", "/api/v1/sla/tickets?state=breached").get_json()
    assert [t["number"] for t in breached["items"]] == [number]
    assert breached["items"][0]["response_due_at"] == "2026-01-12T01:05:30+00:00"
    both = sla_idle.api("GET", "/api/v1/sla/tickets?state=breached,ok&per_page=1").get_json()
    assert both["total"] == 2 and len(both["items"]) == 1
    assert sla_idle.api("GET", "/api/v1/sla/tickets?state=late").status_code == 422
    assert sla_idle.api("GET", "/api/v1/sla/tickets?per_page=500").status_code == 422

    one = sla_idle.api("GET", f"/api/v1/tickets/{number}/sla").get_json()
    assert (one["state"], one["policy"], one["priority"]) == ("breached", "priority-1", 1)

    explain = sla_idle.api("GET", f"/api/v1/tickets/{number}/sla/explain").get_json()
    response = explain["response"]
    assert [(c["from"], c["to"], c["minutes"]) for c in response["counted"][:2]] == [
        ("2026-01-09T08:55:30+00:00", "2026-01-09T09:00:00+00:00", 4.5),
        ("2026-01-12T01:00:00+00:00", "2026-01-12T09:00:00+00:00", 480.0)]
    assert response["counted"][0]["local"] == "Fri 2026-01-09 15:55:30 - 16:00:00 WIB"
    assert response["due_at"] == "2026-01-12T01:05:30+00:00"
    assert (response["target_minutes"], response["state"]) == (10, "breached")
    assert explain["calendar"] == "office" and explain["timezone"] == "Asia/Jakarta"
    assert sla_idle.api("GET", f"/api/v1/tickets/{number}/sla/explain",
                        role="client").status_code == 403
    missing = sla_idle.api("GET", "/api/v1/tickets/INC-2026-999999/sla/explain")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_kpi_counts_met_and_breached_per_priority_for_a_period(sla_idle):
    late, on_time = "INC-2026-810005", "INC-2026-810006"
    for number, verified in ((late, datetime(2026, 1, 12, 9, 0, tzinfo=WIB)),
                             (on_time, datetime(2026, 1, 12, 8, 1, tzinfo=WIB))):
        sla_idle.handle(
            sla_idle.created(number, FRIDAY_1555),
            sla_idle.event("ticket.prioritized", number, priority=1, at=iso(FRIDAY_1555)),
            sla_idle.event("ticket.status_changed", number, **{"from": "submitted",
                                                               "to": "new"}, at=iso(verified)))
    kpi = sla_idle.api("GET", "/api/v1/sla/kpi?from=2026-01-09&to=2026-01-09").get_json()
    assert kpi["tickets"] == 2
    assert kpi["from"] == "2026-01-08T17:00:00+00:00"  # midnight in Jakarta
    first = kpi["priorities"][0]
    assert first["response"] == {"met": 1, "breached": 1, "pending": 0, "total": 2,
                                 "met_share": 0.5, "breached_share": 0.5}
    assert first["resolution"]["breached"] == 2  # open long past their 8 working hours
    empty = sla_idle.api("GET", "/api/v1/sla/kpi?from=2026-02-01&to=2026-02-28").get_json()
    assert empty["tickets"] == 0 and empty["all"]["response"]["met_share"] is None
    assert sla_idle.api("GET", "/api/v1/sla/kpi?from=2026-02-01").status_code == 422
    backwards = sla_idle.api("GET", "/api/v1/sla/kpi?from=2026-02-02&to=2026-02-01")
    assert backwards.status_code == 422 and "to" in backwards.get_json()["error"]["details"]
    naive = sla_idle.api("GET", "/api/v1/sla/kpi?from=2026-02-01T08:00:00&to=2026-02-02")
    assert naive.status_code == 422 and "from" in naive.get_json()["error"]["details"]
    assert date.fromisoformat(kpi["to"][:10]) == date(2026, 1, 9)


def test_a_target_too_large_for_any_clock_is_a_422_not_a_500(sla_idle):
    # Found by tests/e2e/test_openapi_fuzz.py: 1.8e308 minutes is infinity in seconds.
    huge = {"response_minutes": 2.2e-313, "resolution_minutes": 1.7976931348623155e+308,
            "calendar": "24x7"}
    for path in ("/api/v1/sla/policies/2", "/api/v1/sla/policies/2/services/escalation"):
        refused = sla_idle.api("PUT", path, role="admin", json=huge)
        assert refused.status_code == 422, refused.get_json()
        assert "resolution_minutes" in refused.get_json()["error"]["details"]
