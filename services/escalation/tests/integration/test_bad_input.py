"""Bad input is a 4xx in the contract's error shape, never a 500, and writes nothing."""


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json["error"]
    assert set(body) == {"code", "message", "details"}
    return body


def test_malformed_bodies_are_refused_in_the_error_shape(desk):
    number = desk.ticket("Jaringan")
    url = f"/api/v1/tickets/{number}/assign"
    headers = desk.headers("operator1")
    error_of(desk.http.post(url, data="{not json", content_type="application/json",
                            headers=headers), 400)
    error_of(desk.http.post(url, json=["a"], headers=headers), 422)
    typed = error_of(desk.http.post(url, json={"diagnosis": 5, "reason": None},
                                    headers=headers), 422)
    assert set(typed["details"]) == {"diagnosis", "reason"}
    too_long = error_of(desk.assign(number, group="x" * 41, assignee="a b"), 422)
    assert set(too_long["details"]) == {"group", "assignee"}
    unknown = error_of(desk.assign(number, priority=1), 422)
    assert "priority" in unknown["details"]
    assert desk.events("ticket.assigned") == []


def test_ids_and_numbers_out_of_range_name_nothing(desk):
    error_of(desk.post("/api/v1/notifications/99999999999999/read"), 404)
    error_of(desk.get("/api/v1/escalations/99999999999999"), 404)
    error_of(desk.assign("INC-" + "9" * 300), 404)
    error_of(desk.get("/api/v1/tickets/INC-2026-123456/escalations"), 404)
    error_of(desk.get("/api/v1/escalations", per_page=500), 422)
    error_of(desk.get("/api/v1/notifications", unread="maybe"), 422)
