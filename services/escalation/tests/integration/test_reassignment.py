"""Reassign to another group and return to level 1: both recorded with a reason, both
announced, and both count against escalation accuracy in the KPIs."""


def escalated(desk, category="Aplikasi", assignee="tech-egov-1"):
    number = desk.ticket(category)
    return number, desk.assign(number, assignee=assignee).json


def test_reassigning_to_another_group_ends_one_escalation_and_opens_the_next(desk):
    number, first = escalated(desk)
    response = desk.post(f"/api/v1/tickets/{number}/reassign",
                         {"group": "network", "reason": "Masalahnya di jaringan, bukan aplikasi."},
                         user="tech-egov-1")
    assert response.status_code == 201, response.json
    second = response.json
    assert (second["group"], second["state"], second["previous_id"]) == (
        "network", "open", first["id"])
    assert second["assignee"] in ("tech-network-1", "tech-network-2")
    assert second["diagnosis"] == first["diagnosis"]  # the diagnosis so far travels along

    history = desk.get(f"/api/v1/tickets/{number}/escalations").json["items"]
    assert [(e["group"], e["state"]) for e in history] == [("egov", "reassigned"),
                                                           ("network", "open")]
    assert history[0]["end_reason"] == "Masalahnya di jaringan, bukan aplikasi."
    assert history[0]["ended_by"] == "tech-egov-1"

    [moved] = desk.events("escalation.reassigned", number)
    assert moved == {
        "number": number, "escalation_id": first["id"], "from_group": "egov",
        "to_group": "network", "from_assignee": "tech-egov-1",
        "to_assignee": second["assignee"], "reason": "Masalahnya di jaringan, bukan aplikasi.",
        "kind": "reassigned", "by": "tech-egov-1", "by_role": "technician", "at": moved["at"]}
    assigned = desk.events("ticket.assigned", number)
    assert [e["escalation_id"] for e in assigned] == [first["id"], second["id"]]
    assert [n["kind"] for n in desk.notifications(second["assignee"])] == ["assigned"]
    assert desk.get("/api/v1/escalations", user="tech-egov-1", state="open").json["total"] == 0


def test_reassigning_within_the_group_picks_someone_else(desk):
    number, _ = escalated(desk)
    response = desk.post(f"/api/v1/tickets/{number}/reassign", {"reason": "Cuti."},
                         user="supervisor1")
    assert response.status_code == 201
    assert (response.json["group"], response.json["assignee"]) == ("egov", "tech-egov-2")
    [told] = desk.notifications("tech-egov-1", unread=1)[:1]
    assert told["kind"] == "reassigned_away"


def test_reassigning_to_the_same_person_or_an_empty_group_is_refused(desk):
    number, _ = escalated(desk, "Data", "tech-webapi-1")
    same = desk.post(f"/api/v1/tickets/{number}/reassign",
                     {"assignee": "tech-webapi-1", "reason": "x"})
    assert same.status_code == 422 and "assignee" in same.json["error"]["details"]
    alone = desk.post(f"/api/v1/tickets/{number}/reassign", {"reason": "x"})
    assert alone.status_code == 422
    assert "nobody else" in alone.json["error"]["details"]["group"][0]
    assert desk.events("escalation.reassigned", number) == []


def test_return_to_level_1_is_recorded_and_the_operator_told(desk):
    number, first = escalated(desk)
    response = desk.post(f"/api/v1/tickets/{number}/return",
                         {"reason": "Butuh data dari klien dulu."}, user="tech-egov-1")
    assert response.status_code == 200
    assert (response.json["state"], response.json["end_reason"]) == (
        "returned", "Butuh data dari klien dulu.")
    [event] = desk.events("escalation.reassigned", number)
    assert (event["kind"], event["escalation_id"], event["to_group"], event["to_assignee"]) == (
        "returned", first["id"], None, None)
    [told] = desk.notifications("operator1")
    assert told["kind"] == "returned" and "Butuh data dari klien dulu." in told["message"]
    # back at level 1, it can be escalated afresh
    assert desk.assign(number).status_code == 201


def test_only_the_assignee_operators_and_supervisors_move_an_escalation(desk):
    number, _ = escalated(desk)
    for path, body in (("reassign", {"group": "network", "reason": "x"}),
                       ("return", {"reason": "x"})):
        response = desk.post(f"/api/v1/tickets/{number}/{path}", body, user="tech-egov-2")
        assert response.status_code == 403, path
        assert desk.post(f"/api/v1/tickets/{number}/{path}", body, user="km1").status_code == 403
    assert desk.events("escalation.reassigned", number) == []


def test_moving_a_ticket_that_is_not_escalated_is_a_conflict(desk):
    number = desk.ticket("Jaringan")
    for path in ("reassign", "return"):
        response = desk.post(f"/api/v1/tickets/{number}/{path}", {"reason": "x"})
        assert response.status_code == 409
        assert "assign it to a group first" in response.json["error"]["message"]
    missing_reason = desk.post(f"/api/v1/tickets/{number}/return", {})
    assert missing_reason.status_code == 422


def test_kpis_count_moved_and_returned_escalations_against_accuracy(desk):
    right, _ = escalated(desk, "Jaringan", "tech-network-1")
    desk.post(f"/api/v1/tickets/{right}/resolve", {"solution": "Beres."}, user="tech-network-1")
    moved, _ = escalated(desk, "Aplikasi", "tech-egov-1")
    second = desk.post(f"/api/v1/tickets/{moved}/reassign",
                       {"group": "network", "assignee": "tech-network-2", "reason": "Salah grup."})
    desk.post(f"/api/v1/tickets/{moved}/resolve", {"solution": "Beres juga."},
              user=second.json["assignee"])
    returned, _ = escalated(desk, "Data", "tech-webapi-1")
    desk.post(f"/api/v1/tickets/{returned}/return", {"reason": "Bukan untuk level 2."})

    assert desk.get("/api/v1/escalations/kpi", user="operator1").status_code == 403
    response = desk.get("/api/v1/escalations/kpi", user="supervisor1")
    assert response.status_code == 200, response.json
    kpi = response.json
    assert kpi["total"] == 3
    assert kpi["completed_first_group"] == {"count": 1, "share": round(1 / 3, 4)}
    assert kpi["moved_group"]["count"] == 1 and kpi["reassigned"]["count"] == 1
    assert kpi["returned_to_level1"]["count"] == 1
    assert kpi["solved_at_level2"]["count"] == 2
    assert kpi["by_category"]["Aplikasi"]["moved_group"]["count"] == 1
    assert kpi["by_priority"]["2"]["total"] == 3

    future = desk.get("/api/v1/escalations/kpi", user="admin", **{"from": "2999-01-01"}).json
    assert future["total"] == 0 and future["from"].startswith("2998-12-31T17:00:00")
    bad = desk.get("/api/v1/escalations/kpi", user="admin", **{"from": "yesterday"})
    assert bad.status_code == 422 and "from" in bad.json["error"]["details"]
