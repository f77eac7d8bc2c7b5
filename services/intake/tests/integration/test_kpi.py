"""Intake's part of the KPI report: recording through the application, time to initial
diagnosis, resolution per priority, closure; the period as dates or moments."""
from datetime import date, timedelta


def kpi(desk, query: str, role: str = "supervisor"):
    return desk.http.get(f"/api/v1/tickets/kpi{query}",
                         headers=desk.harness.headers(f"{role}1", role))


def test_web_share_and_done_count_for_today(desk):
    web = desk.create(title="Internet mati lantai 2")
    desk.create(desk.operator, channel="phone", title="Komputer hang di loket")
    desk.patch(web["number"], status="new")
    desk.patch(web["number"], status="in_progress")
    desk.make_closable(web["number"])
    desk.patch(web["number"], status="done")
    today = date.today().isoformat()
    report = kpi(desk, f"?from={today}&to={today}")
    assert report.status_code == 200, report.json
    body = report.json
    assert body["recording"]["total"] == 2 and body["recording"]["web"] == 1
    assert body["closure"]["done"] == 1


def test_a_period_that_ends_before_it_starts_names_the_to_field(desk):
    today = date.today()
    response = kpi(desk, f"?from={today}&to={today - timedelta(days=1)}")
    assert response.status_code == 422
    assert "to" in response.json["error"]["details"]
    malformed = kpi(desk, "?from=yesterday&to=2026-01-01")
    assert malformed.status_code == 422 and "from" in malformed.json["error"]["details"]


def test_only_supervisors_and_admins_read_the_kpis(desk):
    today = date.today().isoformat()
    assert kpi(desk, f"?from={today}&to={today}", role="operator").status_code == 403
