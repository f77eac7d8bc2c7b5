"""A closed ticket gets one survey; the link holder answers it once, within its time."""
from datetime import UTC, datetime, timedelta

from servicedesk_common.bus import wait_until

GOOD = [5, 4, 4, 5, 5, 4, 3, 4, 5, 4]


def test_closing_a_ticket_sends_a_survey_that_is_answered_once(surveys):
    surveys.created("INC-2026-700001", tracking_token="trk-secret")
    surveys.closed("INC-2026-700001")
    sent = surveys.wait_for_event("survey.sent", "INC-2026-700001")
    assert sent["url"].startswith("https://desk.example.go.id/survei/")
    assert sent["email"] == "warga@example.com"
    token = sent["url"].rsplit("/", 1)[1]
    assert len(token) >= 32

    page = surveys.http.get(f"/api/v1/surveys/{token}")
    assert page.status_code == 200
    view = page.json
    assert view["number"] == "INC-2026-700001" and view["state"] == "open"
    assert view["form"] == "FRM-004" and len(view["questions"]) == 10
    assert view["questions"][0] == {"number": 1, "text": "Apakah anda puas dengan metode "
                                                         "penyampaian masalah?"}
    assert [c["label"] for c in view["scale"]][0] == "Tidak Memuaskan"
    assert {g["label"] for g in view["user_groups"]} == {"Panitia", "Penyedia", "PPK",
                                                         "Auditor"}
    assert view["respondent"]["name"] == "Sari"

    bad = surveys.answer(token, [5, 4, 9, 5, 5, 4, 3, 4, 5, 4],
                         respondent={"name": "Sari", "email": "bukan"})
    assert bad.status_code == 422
    assert bad.json["error"]["code"] == "validation_failed"
    assert set(bad.json["error"]["details"]) == {"answers.3", "respondent.email"}
    assert surveys.http.get(f"/api/v1/surveys/{token}").json["state"] == "open"  # nothing kept

    done = surveys.answer(token, GOOD, suggestion="Petugas ramah.")
    assert done.status_code == 201, done.json
    assert done.json["score"] == 4.3 and done.json["follow_up"] is False
    again = surveys.answer(token, [1] * 10)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "survey_answered"
    assert surveys.http.get(f"/api/v1/surveys/{token}").json["state"] == "answered"

    submitted = surveys.wait_for_event("survey.submitted", "INC-2026-700001")
    assert submitted["score"] == 4.3 and submitted["follow_up"] is False
    stored = surveys.survey("INC-2026-700001")
    assert stored.answers == GOOD and stored.suggestion == "Petugas ramah."
    assert stored.respondent["agency"] == "Dinas Kesehatan"
    # without an SMTP server the mails wait, none lost
    kinds = [(m.kind, m.status) for m in surveys.mails("INC-2026-700001")]
    assert kinds == [("received", "pending"), ("closed", "pending")]


def test_unknown_expired_and_malformed_links_are_refused(surveys):
    assert surveys.http.get("/api/v1/surveys/not-a-real-token").status_code == 404
    assert surveys.answer("not-a-real-token", GOOD).status_code == 404
    surveys.closed("INC-2026-700002")
    token = surveys.token("INC-2026-700002")
    not_json = surveys.http.post(f"/api/v1/surveys/{token}", data="answers=5",
                                 content_type="application/json")
    assert not_json.status_code == 400
    no_answers = surveys.http.post(f"/api/v1/surveys/{token}", json={"respondent": {}})
    assert no_answers.status_code == 422 and "answers" in no_answers.json["error"]["details"]

    with surveys.harness.uow() as uow:  # two weeks later
        survey = uow.surveys.by_number("INC-2026-700002")
        survey.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        uow.commit()
    assert surveys.http.get(f"/api/v1/surveys/{token}").json["state"] == "expired"
    late = surveys.answer(token, GOOD)
    assert late.status_code == 410
    assert late.json["error"]["code"] == "survey_expired"


def test_a_request_gets_the_request_form_and_a_low_score_opens_a_follow_up(surveys):
    surveys.closed("REQ-2026-700003", type="service_request", category="Aplikasi",
                   priority=1, assignee="tech-egov-1")
    token = surveys.token("REQ-2026-700003")
    view = surveys.http.get(f"/api/v1/surveys/{token}").json
    assert view["form"] == "FRM-005"
    assert "permintaan" in view["questions"][0]["text"]
    answered = surveys.answer(token, [2, 3, 2, 3, 2, 3, 2, 3, 2, 3])  # mean 2.5
    assert answered.json["follow_up"] is True
    assert surveys.wait_for_event("survey.submitted", "REQ-2026-700003")["follow_up"] is True

    listed = surveys.http.get("/api/v1/surveys?follow_up=open", headers=surveys.supervisor())
    assert listed.status_code == 200
    item = next(i for i in listed.json["items"] if i["number"] == "REQ-2026-700003")
    assert item["score"] == 2.5 and item["follow_up_open"] is True
    assert item["category"] == "Aplikasi" and item["assignee"] == "tech-egov-1"

    evaluation = surveys.http.patch(f"/api/v1/surveys/{item['id']}/evaluation", json={
        "severity": "major", "target_quarter": 2, "note": "Kunjungi klien.", "approved": True},
        headers=surveys.supervisor())
    assert evaluation.status_code == 200, evaluation.json
    assert evaluation.json["evaluation"]["severity"] == "major"
    assert evaluation.json["evaluation"]["by"] == "supervisor1"
    assert evaluation.json["follow_up_open"] is False
    still_open = surveys.http.get("/api/v1/surveys?follow_up=open",
                                  headers=surveys.supervisor()).json["items"]
    assert "REQ-2026-700003" not in [i["number"] for i in still_open]

    bad = surveys.http.patch(f"/api/v1/surveys/{item['id']}/evaluation", json={
        "severity": "huge", "target_quarter": 5}, headers=surveys.supervisor())
    assert bad.status_code == 422
    assert set(bad.json["error"]["details"]) == {"severity", "target_quarter"}


def test_only_the_supervisor_sees_and_evaluates_responses(surveys):
    surveys.closed("INC-2026-700004")
    surveys.token("INC-2026-700004")
    survey_id = surveys.survey("INC-2026-700004").id
    operator = surveys.harness.headers("operator1", "operator")
    assert surveys.http.get("/api/v1/surveys").status_code == 401
    assert surveys.http.get("/api/v1/surveys", headers=operator).status_code == 403
    assert surveys.http.get("/api/v1/surveys/summary", headers=operator).status_code == 403
    assert surveys.http.get("/api/v1/surveys/kpi", headers=operator).status_code == 403
    admin = surveys.harness.headers("admin", "admin")
    assert surveys.http.get("/api/v1/surveys/kpi", headers=admin).status_code == 200
    assert surveys.http.patch(f"/api/v1/surveys/{survey_id}/evaluation", json={
        "approved": True}, headers=operator).status_code == 403
    unanswered = surveys.http.patch(f"/api/v1/surveys/{survey_id}/evaluation", json={
        "approved": True}, headers=surveys.supervisor())
    assert unanswered.status_code == 409
    assert surveys.http.patch("/api/v1/surveys/999999/evaluation", json={"approved": True},
                              headers=surveys.supervisor()).status_code == 404


def test_a_duplicate_closure_sends_once_and_a_new_closure_renews_the_link(surveys):
    first = surveys.closed("INC-2026-700005")
    surveys.republish(first)  # at-least-once delivery: the same message again
    old_token = surveys.token("INC-2026-700005")
    wait_until(lambda: False, 1.0)  # give the duplicate time to be (not) handled
    assert len(surveys.events("survey.sent", "INC-2026-700005")) == 1
    assert len(surveys.mails("INC-2026-700005")) == 1

    surveys.closed("INC-2026-700005", at="2026-03-05T02:00:00+00:00")  # reopened, closed again
    new_token = surveys.token("INC-2026-700005", count=2)
    assert new_token != old_token
    assert surveys.http.get(f"/api/v1/surveys/{old_token}").status_code == 404
    assert surveys.answer(new_token, GOOD).status_code == 201
    assert len(surveys.mails("INC-2026-700005")) == 2

    surveys.closed("INC-2026-700005", at="2026-03-09T02:00:00+00:00")  # once answered: done
    wait_until(lambda: False, 1.0)
    assert len(surveys.events("survey.sent", "INC-2026-700005")) == 2
    assert surveys.survey("INC-2026-700005").answers == GOOD


def test_scores_per_question_category_priority_technician_and_period(surveys):
    plan = {"INC-2026-700010": ("Jaringan", 2, "tech-network-1", [5] * 10),
            "INC-2026-700011": ("Jaringan", 2, "tech-network-2", [3] * 10),
            "INC-2026-700012": ("Aplikasi", 1, "tech-egov-1", [1] * 5 + [3] * 5)}
    for number, (category, priority, assignee, _) in plan.items():
        surveys.closed(number, category=category, priority=priority, assignee=assignee)
    surveys.closed("INC-2026-700013")  # sent, never answered
    for number, (*_, answers) in plan.items():
        assert surveys.answer(surveys.token(number), answers).status_code == 201
    surveys.token("INC-2026-700013")

    today = datetime.now(UTC).date().isoformat()
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    result = surveys.http.get(f"/api/v1/surveys/summary?from=2020-01-01&to={tomorrow}",
                              headers=surveys.supervisor())
    assert result.status_code == 200, result.json
    summary = result.json
    assert summary["count"] == 3 and summary["mean"] == round((5 + 3 + 2) / 3, 2)
    assert summary["per_question"][0]["mean"] == 3.0
    assert summary["per_question"][9]["mean"] == round(11 / 3, 2)
    assert {c["category"]: c["mean"] for c in summary["per_category"]} == {
        "Aplikasi": 2.0, "Jaringan": 4.0}
    assert {p["priority"]: p["count"] for p in summary["per_priority"]} == {1: 1, 2: 2}
    assert {t["technician"]: t["mean"] for t in summary["per_technician"]} == {
        "tech-egov-1": 2.0, "tech-network-1": 5.0, "tech-network-2": 3.0}
    assert sum(p["count"] for p in summary["per_period"]) == 3
    assert summary["follow_ups"] == 1

    kpi = surveys.http.get(f"/api/v1/surveys/kpi?from=2020-01-01&to={tomorrow}",
                           headers=surveys.supervisor()).json
    assert kpi["answered"] == 3 and kpi["sent"] == 4
    assert kpi["mean_score"] == round((5 + 3 + 2) / 3, 2) and kpi["follow_ups"] == 1
    empty = surveys.http.get("/api/v1/surveys/kpi?from=2020-01-01&to=2020-12-31",
                             headers=surveys.supervisor()).json
    assert empty["answered"] == 0 and empty["mean_score"] is None
    listed = surveys.http.get(f"/api/v1/surveys?from={today}&to={tomorrow}&per_page=2",
                              headers=surveys.supervisor()).json
    assert listed["total"] == 3 and len(listed["items"]) == 2
    everything = surveys.http.get("/api/v1/surveys?state=all",
                                  headers=surveys.supervisor()).json
    assert everything["total"] == 4

    for query, field in (("from=yesterday", "from"), ("from=2026-02-01&to=2026-01-01", "to")):
        refused = surveys.http.get(f"/api/v1/surveys/summary?{query}",
                                   headers=surveys.supervisor())
        assert refused.status_code == 422 and field in refused.json["error"]["details"]


def test_an_admin_changes_a_question_set_for_surveys_sent_afterwards(surveys):
    surveys.closed("REQ-2026-700020", type="access_request")
    before = surveys.token("REQ-2026-700020")
    admin = surveys.harness.headers("admin", "admin")
    sets = surveys.http.get("/api/v1/surveys/question-sets",
                            headers=surveys.harness.headers("operator1", "operator"))
    assert [s["code"] for s in sets.json] == ["FRM-004", "FRM-005"]
    changed = [f"Pertanyaan baru nomor {n}?" for n in range(1, 11)]
    put = surveys.http.put("/api/v1/surveys/question-sets/FRM-005", json={"questions": changed},
                           headers=admin)
    assert put.status_code == 200 and put.json["questions"] == changed
    assert surveys.http.put("/api/v1/surveys/question-sets/FRM-005",
                            json={"questions": changed[:9]}, headers=admin).status_code == 422
    assert surveys.http.put("/api/v1/surveys/question-sets/FRM-009", json={
        "questions": changed}, headers=admin).status_code == 404
    assert surveys.http.put("/api/v1/surveys/question-sets/FRM-005", json={
        "questions": changed}, headers=surveys.supervisor()).status_code == 403

    surveys.closed("REQ-2026-700021", type="service_request")
    after = surveys.token("REQ-2026-700021")
    asked_before = surveys.http.get(f"/api/v1/surveys/{before}").json["questions"]
    asked_after = surveys.http.get(f"/api/v1/surveys/{after}").json["questions"]
    assert "permintaan" in asked_before[0]["text"]  # a sent survey keeps its questions
    assert asked_after[0]["text"] == "Pertanyaan baru nomor 1?"


def test_an_evaluation_needs_something_to_set(surveys):
    surveys.closed("INC-2026-700030")
    assert surveys.answer(surveys.token("INC-2026-700030"), GOOD).status_code == 201
    survey_id = surveys.survey("INC-2026-700030").id
    empty = surveys.http.patch(f"/api/v1/surveys/{survey_id}/evaluation", json={},
                               headers=surveys.supervisor())
    assert empty.status_code == 422
    first = surveys.http.patch(f"/api/v1/surveys/{survey_id}/evaluation",
                               json={"severity": "non_major"}, headers=surveys.supervisor())
    then = surveys.http.patch(f"/api/v1/surveys/{survey_id}/evaluation",
                              json={"approved": False, "target_quarter": 4},
                              headers=surveys.supervisor())
    assert first.status_code == then.status_code == 200
    assert then.json["evaluation"]["severity"] == "non_major"  # kept from the first call
    assert then.json["evaluation"]["approved"] is False
    assert then.json["evaluation"]["target_quarter"] == 4


def test_the_admin_edits_the_user_groups_the_form_offers_and_accepts(surveys):
    admin = surveys.harness.headers("admin", "admin")
    path = "/api/v1/surveys/user-groups"
    assert [g["value"] for g in surveys.http.get(path, headers=surveys.supervisor()).json] == [
        "panitia", "penyedia", "ppk", "auditor"]
    groups = [{"value": "asn", "label": "ASN"}, {"value": "non-asn", "label": "Non-ASN"},
              {"value": "warga", "label": "Masyarakat"}]
    assert surveys.http.put(path, headers=surveys.supervisor(),
                            json={"groups": groups}).status_code == 403
    bad = surveys.http.put(path, headers=admin, json={"groups": [
        {"value": "asn", "label": "ASN"}, {"value": "ASN", "label": "lagi"},
        {"value": "x y", "label": ""}]})
    assert bad.status_code == 422
    assert set(bad.json["error"]["details"]) == {"groups.1.value", "groups.2.value",
                                                 "groups.2.label"}
    changed = surveys.http.put(path, headers=admin, json={"groups": groups})
    assert changed.status_code == 200 and changed.json == groups

    surveys.closed("INC-2026-700090")
    token = surveys.token("INC-2026-700090")
    assert surveys.http.get(f"/api/v1/surveys/{token}").json["user_groups"] == groups
    old_group = surveys.answer(token, GOOD, respondent={"name": "Sari", "user_group": "ppk"})
    assert old_group.status_code == 422
    assert set(old_group.json["error"]["details"]) == {"respondent.user_group"}
    done = surveys.answer(token, GOOD, respondent={"name": "Sari", "user_group": "WARGA"})
    assert done.status_code == 201, done.json
    assert surveys.survey("INC-2026-700090").respondent["user_group"] == "warga"
