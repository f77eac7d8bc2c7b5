"""POST /tickets/{number}/take ("Ambil"): the caller becomes the assignee, in the ticket's
group (or the category's) when he is a member of it; refusals write nothing."""


def take(desk, number, user):
    return desk.post(f"/api/v1/tickets/{number}/take", {}, user=user)


def test_a_technician_takes_an_unescalated_ticket_into_his_group(desk):
    number = desk.ticket("Jaringan")
    response = take(desk, number, "tech-network-2")
    assert response.status_code == 201, response.json
    assert (response.json["group"], response.json["assignee"]) == ("network", "tech-network-2")
    [event] = desk.events("ticket.assigned", number)
    assert event["assignee"] == "tech-network-2" and event["by"] == "tech-network-2"
    queue = desk.get("/api/v1/escalations", user="tech-network-2", assignee="me",
                     state="open").json["items"]
    assert [e["number"] for e in queue] == [number]


def test_a_technician_takes_a_colleagues_ticket_in_his_own_group(desk):
    number = desk.ticket("Aplikasi")
    desk.assign(number, assignee="tech-egov-1")
    response = take(desk, number, "tech-egov-2")
    assert response.status_code == 201, response.json
    assert response.json["assignee"] == "tech-egov-2"
    [moved] = desk.events("escalation.reassigned", number)
    assert (moved["from_assignee"], moved["to_assignee"]) == ("tech-egov-1", "tech-egov-2")


def test_outside_the_tickets_group_taking_is_refused_and_nothing_is_written(desk):
    number = desk.ticket("Aplikasi")
    desk.assign(number, assignee="tech-egov-1")
    refused = take(desk, number, "tech-network-1")
    assert refused.status_code == 409
    assert "not a member of it" in refused.json["error"]["message"]
    assert desk.events("escalation.reassigned", number) == []


def test_a_member_of_one_group_takes_a_ticket_of_another_category(desk):
    number = desk.ticket("Aplikasi")
    response = take(desk, number, "tech-webapi-1")
    assert response.status_code == 201, response.json
    assert response.json["group"] == "webapi"


def test_an_operator_in_no_group_is_told_to_assign_and_taking_twice_is_a_conflict(desk):
    number = desk.ticket("Jaringan")
    refused = take(desk, number, "operator1")
    assert refused.status_code == 409
    assert "not a member of any level-2 group" in refused.json["error"]["message"]
    assert desk.events("ticket.assigned", number) == []
    assert take(desk, number, "tech-network-1").status_code == 201
    again = take(desk, number, "tech-network-1")
    assert again.status_code == 409 and "already yours" in again.json["error"]["message"]


def test_an_unknown_ticket_is_a_404_and_a_client_may_not_take(desk):
    assert take(desk, "INC-2026-999999", "tech-network-1").status_code == 404
    assert take(desk, desk.ticket(), "client1").status_code == 403
