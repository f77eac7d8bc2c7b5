"""PATCH: verify, recategorise, prioritise (with an override and its reason), edit; each
change in the history and told to triage with ticket.updated."""
import pytest


def test_an_operator_recategorises_and_triage_is_told_what_changed(desk):
    number = desk.create()["number"]
    response = desk.patch(number, status="new", category="Hardware", service="wan-mati")
    assert response.status_code == 200
    ticket = response.json
    assert (ticket["status"], ticket["category"], ticket["service"]) == (
        "new", "Hardware", "WAN mati")
    updated, = desk.events("ticket.updated", number)
    assert updated["changes"] == {"category": {"from": "Jaringan", "to": "Hardware"},
                                  "service": {"from": "Internet mati", "to": "WAN mati"}}
    assert updated["by"] == "operator1" and updated["category"] == "Hardware"
    history = {(h["what"], h["from"], h["to"], h["by"]) for h in desk.history(number)}
    assert ("category", "Jaringan", "Hardware", "operator1") in history
    assert ("service", "Internet mati", "WAN mati", "operator1") in history


def test_a_new_category_without_a_service_drops_the_old_service(desk):
    number = desk.create()["number"]
    ticket = desk.patch(number, category="Data").json
    assert (ticket["category"], ticket["service"]) == ("Data", None)


def test_urgency_and_impact_are_recorded_and_sent_to_triage(desk):
    number = desk.create()["number"]
    ticket = desk.patch(number, urgency="high", impact="low").json
    assert (ticket["urgency"], ticket["impact"]) == ("high", "low")
    assert ticket["priority"] is None  # triage's answer comes through the read model
    updated, = desk.events("ticket.updated", number)
    assert updated["changes"] == {"urgency": {"from": None, "to": "high"},
                                  "impact": {"from": None, "to": "low"}}


def test_an_override_needs_a_reason_and_is_recorded(desk):
    number = desk.create()["number"]
    refused = desk.patch(number, priority=1)
    assert refused.status_code == 422
    assert "priority_reason" in refused.json["error"]["details"]
    ticket = desk.patch(number, priority=1, priority_reason="Layanan kantor walikota").json
    assert ticket["priority"] == 1 and ticket["priority_reason"] == "Layanan kantor walikota"
    assert desk.events("ticket.updated", number)[-1]["changes"]["priority"] == {
        "from": None, "to": 1}
    assert ("priority_reason", "Layanan kantor walikota") in {
        (h["what"], h["to"]) for h in desk.history(number)}
    given_back = desk.patch(number, priority=None).json
    assert given_back["priority_reason"] is None
    assert desk.events("ticket.updated", number)[-1]["changes"]["priority"] == {
        "from": 1, "to": None}


def test_nothing_changed_tells_nobody(desk):
    number = desk.create()["number"]
    assert desk.patch(number, category="Jaringan", title="Internet mati di ruang rapat"
                      ).status_code == 200
    assert desk.events("ticket.updated", number) == []


@pytest.mark.parametrize(("body", "field"), [
    ({}, "_schema"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"body": "   "}, "body"),
    ({"type": "problem"}, "type"),
    ({"type": "access_request"}, "category"),  # Jaringan is not an access category
    ({"category": "Printer"}, "category"),
    ({"category": None}, "category"),
    ({"service": "Server down"}, "service"),
    ({"urgency": "urgent"}, "urgency"),
    ({"impact": 3}, "impact"),
    ({"priority": 0, "priority_reason": "x"}, "priority"),
    ({"priority": True, "priority_reason": "x"}, "priority"),
    ({"priority_reason": "x"}, "priority"),
    ({"status": "closed"}, "status"),
    ({"number": "INC-1"}, "number"),
    ({"assignee": "tech-egov-1"}, "assignee"),
])
def test_a_bad_change_is_a_422_naming_the_field_and_changes_nothing(desk, body, field):
    number = desk.create()["number"]
    before = desk.counts()
    response = desk.http.patch(f"/api/v1/tickets/{number}", json=body, headers=desk.operator)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["details"]
    assert desk.counts() == before
    assert desk.get(number)["category"] == "Jaringan"


@pytest.mark.parametrize("role", ["technician", "knowledge_manager", "admin", "client"])
def test_only_the_desk_changes_tickets(desk, role):
    number = desk.create()["number"]
    response = desk.patch(number, desk.headers("client1", role), title="Diganti")
    assert response.status_code == 403


def test_unknown_tickets_and_strangers_get_404_and_anonymous_401(desk):
    number = desk.create(desk.client("client1"), guest_email=None)["number"]
    assert desk.http.get("/api/v1/tickets/INC-2026-999999",
                         headers=desk.operator).status_code == 404
    assert desk.http.get("/api/v1/tickets/nonsense", headers=desk.operator).status_code == 404
    assert desk.http.get(f"/api/v1/tickets/{number}",
                         headers=desk.client("client2")).status_code == 404
    assert desk.http.get(f"/api/v1/tickets/{number}").status_code == 401
    assert desk.http.get(f"/api/v1/tickets/{number}",
                         headers=desk.client("client1")).status_code == 200
