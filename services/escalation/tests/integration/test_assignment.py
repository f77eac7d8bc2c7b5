"""POST /tickets/{number}/assign: routing by category, explicit group and assignee, the
least-loaded member with round-robin ties, permissions, and refusals that write nothing."""
import threading
import time


def test_without_a_group_the_ticket_goes_to_its_categorys_group(desk):
    for category, group in (("Jaringan", "network"), ("Hardware", "network"),
                            ("Aplikasi", "egov"), ("Data", "webapi")):
        number = desk.ticket(category)
        response = desk.assign(number)
        assert response.status_code == 201, response.json
        assert response.json["group"] == group
        assert response.json["state"] == "open"


def test_assignment_announces_the_form_and_tells_the_technician(desk):
    number = desk.ticket("Jaringan", title="Switch lantai 2 mati")
    escalation = desk.assign(number, assignee="tech-network-2").json
    assert escalation["assignee"] == "tech-network-2"
    assert escalation["title"] == "Switch lantai 2 mati"
    assert escalation["priority"] == 2
    [event] = desk.events("ticket.assigned", number)
    assert event == {
        "number": number, "escalation_id": escalation["id"], "group": "network",
        "assignee": "tech-network-2", "diagnosis": "Sudah cek kabel dan restart router; "
        "tetap mati.", "reason": "Perlu akses ke switch inti.", "by": "operator1",
        "by_role": "operator", "at": event["at"]}
    [told] = desk.notifications("tech-network-2")
    assert told["kind"] == "assigned" and told["number"] == number
    assert "Switch lantai 2 mati" in told["message"]


def test_an_explicit_group_overrides_the_category(desk):
    number = desk.ticket("Jaringan")
    assert desk.assign(number, group="webapi").json["assignee"] == "tech-webapi-1"


def test_an_assignee_outside_the_group_is_refused_and_nothing_is_written(desk):
    number = desk.ticket("Jaringan")
    response = desk.assign(number, assignee="tech-egov-1")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_failed"
    assert "not a member of group 'network'" in response.json["error"]["details"]["assignee"][0]
    assert desk.events("ticket.assigned", number) == []
    assert desk.get(f"/api/v1/tickets/{number}/escalations").json["total"] == 0
    assert desk.notifications("tech-egov-1") == []


def test_least_loaded_member_is_chosen_and_ties_go_round_robin(desk):
    first = desk.assign(desk.ticket("Aplikasi")).json["assignee"]
    second = desk.assign(desk.ticket("Aplikasi")).json["assignee"]
    assert {first, second} == {"tech-egov-1", "tech-egov-2"}  # one each: 1-1
    # tech-egov-1 gets one more by hand: 2-1, so the least-loaded one is tech-egov-2
    desk.assign(desk.ticket("Aplikasi"), assignee="tech-egov-1")
    assert desk.assign(desk.ticket("Aplikasi")).json["assignee"] == "tech-egov-2"  # 2-2
    # equal again: whoever was given a ticket longest ago (tech-egov-1, by hand) goes next
    assert desk.assign(desk.ticket("Aplikasi")).json["assignee"] == "tech-egov-1"
    groups = {g["code"]: g for g in desk.get("/api/v1/groups").json["items"]}
    assert {m["username"]: m["open_escalations"] for m in groups["egov"]["members"]} == {
        "tech-egov-1": 3, "tech-egov-2": 2}


def test_resolved_escalations_no_longer_count_as_load(desk):
    busy = desk.ticket("Jaringan")
    desk.assign(busy, assignee="tech-network-1")
    desk.assign(desk.ticket("Jaringan"), assignee="tech-network-1")
    assert desk.assign(desk.ticket("Jaringan")).json["assignee"] == "tech-network-2"  # 2-1
    desk.post(f"/api/v1/tickets/{busy}/resolve", {"solution": "Port switch diganti."},
              user="tech-network-1")
    # 1-1 now; tech-network-1 waited longest since his last new ticket
    assert desk.assign(desk.ticket("Jaringan")).json["assignee"] == "tech-network-1"


def test_a_ticket_escalated_already_is_refused_with_a_conflict(desk):
    number = desk.ticket("Jaringan")
    desk.assign(number)
    again = desk.assign(number)
    assert again.status_code == 409
    assert "reassign it instead" in again.json["error"]["message"]
    assert len(desk.events("ticket.assigned", number)) == 1


def test_a_closed_ticket_cannot_be_escalated(desk):
    number = desk.ticket("Jaringan")
    desk.deliver("ticket.closed", number, by="operator1")
    response = desk.assign(number)
    assert response.status_code == 409
    assert "reopen it first" in response.json["error"]["message"]


def test_only_operators_and_supervisors_assign(desk):
    number = desk.ticket("Jaringan")
    for user in ("tech-network-1", "km1", "client1", "admin"):
        response = desk.assign(number, user=user)
        assert response.status_code == 403, user
        assert response.json["error"]["code"] == "forbidden"
    anonymous = desk.http.post(f"/api/v1/tickets/{number}/assign",
                               json={"diagnosis": "x", "reason": "y"})
    assert anonymous.status_code == 401
    assert desk.assign(number, user="supervisor1").status_code == 201


def test_the_form_needs_a_diagnosis_and_a_reason(desk):
    number = desk.ticket("Jaringan")
    response = desk.post(f"/api/v1/tickets/{number}/assign", {"diagnosis": "   "})
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert set(details) == {"diagnosis", "reason"}
    assert all(isinstance(messages, list) for messages in details.values())
    assert desk.events("ticket.assigned", number) == []


def test_unknown_groups_and_unroutable_categories_are_explained(desk):
    unknown = desk.assign(desk.ticket("Jaringan"), group="printer")
    assert unknown.status_code == 422
    assert "egov, network, webapi" in unknown.json["error"]["details"]["group"][0]
    unrouted = desk.assign(desk.ticket("Lainnya"))
    assert unrouted.status_code == 422
    assert "choose a group" in unrouted.json["error"]["details"]["group"][0]


def test_an_unknown_ticket_is_404_after_a_short_wait(desk):
    started = time.monotonic()
    response = desk.assign("INC-2026-999999")
    assert response.status_code == 404
    assert time.monotonic() - started >= 0.3  # SERVICEDESK_ESCALATION_TICKET_WAIT
    assert "try again in a moment" in response.json["error"]["message"]


def test_a_ticket_whose_events_arrive_during_the_wait_is_assigned(desk, monkeypatch):
    monkeypatch.setenv("SERVICEDESK_ESCALATION_TICKET_WAIT", "3")
    number = "INC-2026-977777"
    late = threading.Timer(0.5, lambda: desk.ticket("Hardware", number=number))
    late.start()
    try:
        response = desk.assign(number)
    finally:
        late.join()
    assert response.status_code == 201, response.json
    assert response.json["group"] == "network"
