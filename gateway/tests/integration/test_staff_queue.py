"""Semua Tiket, the operator's queue, in front of a fake intake: open tickets by default,
every column sorts through the API's `sort`, each person's filters come back on the next visit,
every category of the catalog can be filtered on, and rows stay one line per number."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

TICKET = {"number": "INC-2026-000042", "title": "Internet mati di ruang rapat lantai dua sejak "
          "pagi hari dan belum ada perbaikan sama sekali", "status": "new", "priority": 1,
          "type": "incident", "category": "Jaringan", "service": "Internet mati",
          "contact_name": "Rina", "agency": "Dinas Pendidikan", "guest_email": "r@example.com",
          "created_at": "2026-12-03T01:00:00Z", "sla": None, "assignee": None, "group": None}


@pytest.fixture
def queue(gateway, fake_service):
    fake_service.answers["GET /api/v1/tickets"] = lambda r: (200, {
        "items": [TICKET], "page": 1, "per_page": 25, "total": 1})
    desk = gateway()
    return desk


def log_in(desk, username: str):
    token = desk.csrf("/staf/masuk")
    response = desk.http.post("/staf/masuk", data={
        "username": username, "password": desk.password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def asked(fake_service) -> dict:
    return fake_service.calls("GET", "/api/v1/tickets")[-1]["args"]


def test_the_queue_shows_open_tickets_newest_first_by_default(queue, fake_service):
    log_in(queue, "operator1")
    page = queue.http.get("/staf/tiket").get_data(as_text=True)
    assert asked(fake_service) == {"status": "submitted,new,in_progress",
                                   "sort": "-created_at", "page": "1", "per_page": "25"}
    assert '<option value="open" selected>' in page
    everything = queue.http.get("/staf/tiket?status=all")
    assert everything.status_code == 200 and "status" not in asked(fake_service)


def test_a_column_header_sorts_through_the_api_and_twice_reverses(queue, fake_service):
    log_in(queue, "operator1")
    page = queue.http.get("/staf/tiket?status=open").get_data(as_text=True)
    assert 'href="/staf/tiket?status=open&amp;sort=priority"' in page
    page = queue.http.get("/staf/tiket?status=open&sort=priority").get_data(as_text=True)
    assert asked(fake_service)["sort"] == "priority"
    assert 'aria-sort="ascending"' in page
    assert 'href="/staf/tiket?status=open&amp;sort=-priority"' in page
    queue.http.get("/staf/tiket?sort=body")
    assert asked(fake_service)["sort"] == "-created_at"


def test_a_dense_row_with_requester_and_agency_and_a_short_title(queue, fake_service):
    log_in(queue, "operator1")
    page = queue.http.get("/staf/tiket?status=open").get_data(as_text=True)
    assert '<td data-label="Nomor" class="nowrap">' in page
    assert "Rina" in page and "Dinas Pendidikan" in page
    assert "belum ada perbaikan sama sekali</td>" not in page
    assert f'title="{TICKET["title"]}"' in page


def test_akses_and_lainnya_are_in_the_category_filter(queue, fake_service):
    fake_service.answers["GET /api/v1/catalog"] = lambda r: (200, {
        "types": [{"code": "access_request", "name": "Permintaan Akses",
                   "categories": ["Akses"]},
                  {"code": "other", "name": "Lainnya", "categories": ["Lainnya"]}],
        "categories": [{"name": "Jaringan", "details": []}]})
    log_in(queue, "operator1")
    page = queue.http.get("/staf/tiket?status=open").get_data(as_text=True)
    for name in ("Jaringan", "Akses", "Lainnya"):
        assert f"<option>{name}</option>" in page


def test_each_persons_filters_come_back_until_reset(queue, fake_service):
    log_in(queue, "operator1")
    queue.http.get("/staf/tiket?status=done&category=Jaringan&sort=priority&page=2")
    back = queue.http.get("/staf/tiket")
    assert back.status_code == 302
    assert parse_qs(urlparse(back.headers["Location"]).query) == {
        "status": ["done"], "category": ["Jaringan"], "sort": ["priority"]}
    log_in(queue, "operator2")  # another person on the same browser: their own queue
    assert queue.http.get("/staf/tiket").status_code == 200
    log_in(queue, "operator1")
    reset = queue.http.get("/staf/tiket?reset=1")
    assert reset.status_code == 302
    assert queue.http.get("/staf/tiket").status_code == 200
    assert asked(fake_service)["status"] == "submitted,new,in_progress"
