"""The queue's bulk form in front of a fake intake and escalation: bad input is told and sends
nothing; each ticket is its own call, and a refused one is reported without stopping the rest."""
from __future__ import annotations

import html

import pytest

ERROR = {"error": {"code": "conflict", "message": "already escalated", "details": {}}}


@pytest.fixture
def desk(gateway, fake_service):
    fake_service.answers["GET /api/v1/tickets"] = lambda r: (200, {
        "items": [], "page": 1, "per_page": 25, "total": 0})
    fake_service.answers["GET /api/v1/groups"] = lambda r: (200, {"items": []})
    return gateway()


def log_in(desk, username: str) -> str:
    token = desk.csrf("/staf/masuk")
    response = desk.http.post("/staf/masuk", data={
        "username": username, "password": desk.password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return desk.csrf("/staf/tiket")


def bulk(desk, token, **form) -> str:
    response = desk.http.post("/staf/tiket/massal", data={"csrf_token": token, **form},
                              follow_redirects=True)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_no_selection_no_action_or_no_reason_is_told_and_sends_nothing(desk, fake_service):
    token = log_in(desk, "operator1")
    assert "Pilih tiket lebih dulu" in bulk(desk, token, action="take")
    assert "Pilih tindakan massal" in bulk(desk, token, numbers="INC-2026-000001")
    assert "alasan mengubah prioritas" in bulk(desk, token, action="priority", priority="1",
                                               numbers="INC-2026-000001")
    sent = [c for c in fake_service.received if c["method"] != "GET"]
    assert sent == []


def test_each_ticket_is_assigned_and_a_refused_one_does_not_stop_the_others(desk,
                                                                            fake_service):
    def assign(request):
        if "000002" in request.path:
            return 409, ERROR
        return 201, {"id": None, "group": "network", "assignee": "tech-network-1"}
    for n in (1, 2, 3):
        fake_service.answers[f"POST /api/v1/tickets/INC-2026-00000{n}/assign"] = assign
    token = log_in(desk, "operator1")
    page = bulk(desk, token, action="assign", assign_to="network/tech-network-1",
                numbers=["INC-2026-000001", "INC-2026-000002", "INC-2026-000003"])
    assert "INC-2026-000002: ditolak." in page and "already escalated" in page
    assert "INC-2026-000001: Tugaskan berhasil." in page
    assert "INC-2026-000003: Tugaskan berhasil." in page
    sent = fake_service.calls("POST", "/api/v1/tickets/INC-2026-000003/assign")[0]["json"]
    assert sent["group"] == "network" and sent["assignee"] == "tech-network-1"
    assert sent["diagnosis"] and sent["reason"]
