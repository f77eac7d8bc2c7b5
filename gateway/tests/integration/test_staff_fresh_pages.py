"""Read-your-writes and step 16 on the ticket page, in front of a fake intake that shows an
action's effect only after a few reads (as when triage or escalation applies it): the page
the user lands on waits for it, within SERVICEDESK_CONSOLE_WAIT_SECONDS, else says it is on
its way; a refused close says what is missing."""
from __future__ import annotations

import pytest

NUMBER = "INC-2026-000042"
TICKET = {"number": NUMBER, "title": "Internet mati", "body": "Sejak pagi.", "status": "new",
          "type": "incident", "category": "Jaringan", "service": "Internet mati",
          "urgency": None, "impact": None, "priority": None, "assignee": None, "group": None,
          "replies": [], "attachments": [], "escalations": [], "sla": None,
          "created_at": "2026-12-03T01:00:00Z", "updated_at": "2026-12-03T01:00:00Z"}
PATH = f"/api/v1/tickets/{NUMBER}"


@pytest.fixture
def desk(gateway, fake_service):
    def build(*, reads_until_prioritised: int, wait: float = 5.0):
        reads = {"count": 0, "patched": None}

        def read(_request):
            if reads["patched"] is None:
                return 200, TICKET
            reads["count"] += 1  # reads since the change
            seen = {**TICKET, **reads["patched"]}
            if reads["count"] > reads_until_prioritised:
                seen["priority"] = 1
            return 200, seen

        def patch(request):
            reads["patched"] = request.get_json()
            return 200, {**TICKET, **reads["patched"]}

        fake_service.answers[f"GET {PATH}"] = read
        fake_service.answers[f"PATCH {PATH}"] = patch
        fake_service.answers["GET /api/v1/priority-matrix"] = lambda r: (200, {
            "high": {"high": 1, "medium": 1, "low": 2}})
        app = gateway(SERVICEDESK_CONSOLE_WAIT_SECONDS=wait)
        token = app.csrf("/staf/masuk")
        assert app.http.post("/staf/masuk", data={
            "username": "operator1", "password": app.password,
            "csrf_token": token}).status_code == 302
        app.reads = reads
        return app
    return build


def prioritise(app):
    token = app.csrf(f"/staf/tiket/{NUMBER}/edit")
    return app.http.post(f"/staf/tiket/{NUMBER}/edit", data={
        "csrf_token": token, "urgency": "high", "impact": "high", "status": "new"})


def test_after_prioritising_the_redirect_waits_until_the_priority_shows(desk):
    app = desk(reads_until_prioritised=4)
    response = prioritise(app)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staf/tiket/{NUMBER}")
    waited = app.reads["count"]
    assert waited >= 5  # it read on until triage's priority was there
    page = app.http.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tiket diperbarui." in page and "belum tampil" not in page


def test_when_the_change_does_not_show_in_time_the_page_says_it_is_on_its_way(desk):
    app = desk(reads_until_prioritised=10 ** 6, wait=0.3)
    response = prioritise(app)
    assert response.status_code == 302
    page = app.http.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tiket diperbarui." in page
    assert "belum tampil di semua bagian tiket" in page
    assert response.headers["Location"].endswith(f"/staf/tiket/{NUMBER}?menunggu=1")
    assert f'<meta http-equiv="refresh" content="3;url=/staf/tiket/{NUMBER}">' in page


def test_a_refused_close_names_what_is_missing(desk, fake_service):
    app = desk(reads_until_prioritised=0)
    fake_service.answers[f"POST {PATH}/close"] = lambda r: (422, {"error": {
        "code": "validation_failed", "message": "missing: service, urgency, resolution.",
        "details": {"service": ["Choose the service of category 'Jaringan' before closing."],
                    "urgency": ["Set the urgency before closing."],
                    "resolution": ["Write the resolution the client is told."]}}})
    token = app.csrf(f"/staf/tiket/{NUMBER}")
    refused = app.http.post(f"/staf/tiket/{NUMBER}/tutup", data={"csrf_token": token})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "belum diisi: Layanan, Urgensi." in page
    assert "Tulis catatan penyelesaian untuk klien." in page
    assert f'href="/staf/tiket/{NUMBER}/edit"' in page


def test_a_ticket_recorded_and_assigned_at_once_lands_showing_its_assignee(desk, fake_service):
    app = desk(reads_until_prioritised=0)
    reads = {"count": 0}

    def read(_request):
        reads["count"] += 1
        assigned = reads["count"] > 3
        return 200, {**TICKET, "assignee": "tech-network-1" if assigned else None,
                     "escalations": [{"id": 7, "state": "open"}] if assigned else []}

    fake_service.answers[f"GET {PATH}"] = read
    fake_service.answers["POST /api/v1/tickets"] = lambda r: (201, {**TICKET})
    fake_service.answers[f"POST {PATH}/assign"] = lambda r: (201, {
        "id": 7, "group": "network", "assignee": "tech-network-1"})
    token = app.csrf("/staf/tiket/baru")
    response = app.http.post("/staf/tiket/baru", data={
        "csrf_token": token, "kategori": "incident|Jaringan", "title": "Internet mati",
        "body": "Sejak pagi.", "channel": "phone", "guest_email": "w@example.com",
        "assign_to": "network/tech-network-1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert reads["count"] == 4
    page = app.http.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Tiket {NUMBER} dibuat." in page and "belum tampil" not in page
