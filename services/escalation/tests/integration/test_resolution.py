"""POST /tickets/{number}/resolve: only the assignee (or an operator) may; the solution goes
back as an event, the escalation is complete, and the operator is told."""


def escalated(desk, category="Jaringan", assignee="tech-network-1", user="operator1"):
    number = desk.ticket(category)
    escalation = desk.assign(number, assignee=assignee, user=user).json
    return number, escalation


def test_the_assignee_resolves_and_the_operator_is_told(desk):
    number, escalation = escalated(desk)
    response = desk.post(f"/api/v1/tickets/{number}/resolve",
                         {"solution": "Port 12 switch inti diganti.", "kb_article": 17},
                         user="tech-network-1")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["level"] == 2 and body["resolved_by"] == "tech-network-1"
    assert body["escalation"]["state"] == "resolved"
    assert body["escalation"]["solution"] == "Port 12 switch inti diganti."

    [event] = desk.events("escalation.resolved", number)
    assert event["escalation_id"] == escalation["id"]
    assert (event["group"], event["assignee"], event["by"]) == (
        "network", "tech-network-1", "tech-network-1")
    assert (event["solution"], event["kb_article"]) == ("Port 12 switch inti diganti.", "17")

    unread = desk.get("/api/v1/notifications", user="operator1", unread=1).json
    assert unread["unread"] == 1
    [told] = unread["items"]
    assert told["kind"] == "resolved" and told["number"] == number
    assert "Port 12 switch inti diganti." in told["message"] and told["read"] is False

    read = desk.post(f"/api/v1/notifications/{told['id']}/read", user="operator1")
    assert read.status_code == 200 and read.json["read_at"] is not None
    assert desk.notifications("operator1", unread=1) == []
    assert len(desk.notifications("operator1")) == 1

    queue = desk.get("/api/v1/escalations", user="tech-network-1", assignee="me",
                     state="open").json
    assert queue["total"] == 0


def test_another_technician_may_not_resolve_someone_elses_escalation(desk):
    number, _ = escalated(desk)
    for user in ("tech-network-2", "tech-egov-1"):
        response = desk.post(f"/api/v1/tickets/{number}/resolve", {"solution": "x"}, user=user)
        assert response.status_code == 403
        assert "assigned to tech-network-1" in response.json["error"]["message"]
    for user in ("supervisor1", "km1", "client1"):
        assert desk.post(f"/api/v1/tickets/{number}/resolve", {"solution": "x"},
                         user=user).status_code == 403
    assert desk.events("escalation.resolved", number) == []


def test_an_operator_may_resolve_an_escalated_ticket_and_the_technician_is_told(desk):
    number, escalation = escalated(desk, user="supervisor1")
    response = desk.post(f"/api/v1/tickets/{number}/resolve",
                         {"solution": "Ternyata kabel dicabut pengguna."}, user="operator2")
    assert response.status_code == 200
    [event] = desk.events("escalation.resolved", number)
    assert event["escalation_id"] == escalation["id"] and event["by"] == "operator2"
    assert [n["kind"] for n in desk.notifications("tech-network-1")] == ["resolved", "assigned"]
    assert [n["kind"] for n in desk.notifications("supervisor1")] == ["resolved"]
    assert desk.notifications("operator2") == []


def test_an_operator_solves_at_level_1_without_an_escalation(desk):
    number = desk.ticket("Jaringan")
    response = desk.post(f"/api/v1/tickets/{number}/resolve",
                         {"solution": "Restart modem menyelesaikan masalah."})
    assert response.status_code == 200
    assert response.json["level"] == 1 and response.json["escalation"] is None
    [event] = desk.events("escalation.resolved", number)
    assert event["escalation_id"] is None and event["group"] is None
    assert event["by"] == "operator1"


def test_a_technician_cannot_resolve_a_ticket_that_is_not_escalated(desk):
    number = desk.ticket("Jaringan")
    response = desk.post(f"/api/v1/tickets/{number}/resolve", {"solution": "x"},
                         user="tech-network-1")
    assert response.status_code == 403
    assert desk.events("escalation.resolved", number) == []


def test_resolving_twice_is_a_conflict_until_the_ticket_is_reopened(desk):
    number, _ = escalated(desk)
    assert desk.post(f"/api/v1/tickets/{number}/resolve", {"solution": "Pertama."},
                     user="tech-network-1").status_code == 200
    again = desk.post(f"/api/v1/tickets/{number}/resolve", {"solution": "Kedua."})
    assert again.status_code == 409
    assert "reopen it" in again.json["error"]["message"]
    desk.deliver("ticket.reopened", number, reason="Masih mati", by="operator1")
    assert desk.post(f"/api/v1/tickets/{number}/resolve",
                     {"solution": "Kedua."}).status_code == 200
    assert [e["solution"] for e in desk.events("escalation.resolved", number)] == [
        "Pertama.", "Kedua."]


def test_a_solution_is_required_and_a_bad_one_writes_nothing(desk):
    number, _ = escalated(desk)
    response = desk.post(f"/api/v1/tickets/{number}/resolve", {"solution": ""},
                         user="tech-network-1")
    assert response.status_code == 422
    assert "solution" in response.json["error"]["details"]
    assert desk.events("escalation.resolved", number) == []
    assert desk.get(f"/api/v1/tickets/{number}/escalations").json["items"][0]["state"] == "open"


def test_nobody_marks_someone_elses_notification_read(desk):
    number, _ = escalated(desk)
    [told] = desk.notifications("tech-network-1")
    response = desk.post(f"/api/v1/notifications/{told['id']}/read", user="tech-network-2")
    assert response.status_code == 404
    assert desk.notifications("tech-network-1", unread=1)[0]["id"] == told["id"]
    marked = desk.post("/api/v1/notifications/read-all", user="tech-network-1")
    assert marked.json == {"marked": 1}
    assert desk.notifications("tech-network-1", unread=1) == []


def test_the_operator_who_escalated_hears_of_the_solution_after_a_technician_moved_it(desk):
    number = desk.ticket("Aplikasi")
    desk.assign(number, assignee="tech-egov-1", user="operator2")
    moved = desk.post(f"/api/v1/tickets/{number}/reassign",
                      {"group": "network", "reason": "Jaringan."}, user="tech-egov-1").json
    desk.post(f"/api/v1/tickets/{number}/resolve", {"solution": "Beres."},
              user=moved["assignee"])
    assert [n["kind"] for n in desk.notifications("operator2")] == ["resolved"]
    assert [n["kind"] for n in desk.notifications("tech-egov-1")] == ["assigned"]
