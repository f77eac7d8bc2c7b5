"""Listing: every filter of the contract, pagination, newest first; a client sees their own."""
from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def tickets(desk):
    """Five tickets of different kinds; returns their numbers, oldest first."""
    made = [
        desk.create(title="Internet mati lantai 2"),
        desk.create(desk.client("client1"), guest_email=None, category="Hardware",
                    service="Server down", title="Server SIMPEG down"),
        desk.create(desk.operator, channel="phone", type="service_request", category="Data",
                    service="Data hilang", title="Pulihkan data"),
        desk.create(desk.operator, channel="walk_in", type="access_request", category=None,
                    service=None, title="Akses aplikasi"),
        desk.create(desk.client("client2"), guest_email=None, title="Wifi 50%_lambat"),
    ]
    numbers = [t["number"] for t in made]
    desk.patch(numbers[0], status="new")
    desk.patch(numbers[0], status="in_progress")
    desk.make_closable(numbers[2])
    desk.patch(numbers[2], status="done")
    with desk.harness.uow() as uow:
        first, second = uow.tickets.get(numbers[0]), uow.tickets.get(numbers[1])
        first.priority, first.assignee, first.group = 1, "tech-network-1", "network"
        first.sla_state = "breached"
        second.priority, second.assignee, second.group = 2, "operator1", "egov"
        second.sla_state = "at_risk"
        second.created_at = datetime.now(UTC) - timedelta(days=3)
        uow.commit()
    return numbers


def listed(desk, query="", headers=None) -> list[str]:
    response = desk.http.get(f"/api/v1/tickets{query}", headers=headers or desk.operator)
    assert response.status_code == 200, response.json
    return [t["number"] for t in response.json["items"]]


@pytest.mark.parametrize(("query", "expected"), [
    ("?status=in_progress", [0]), ("?status=done", [2]), ("?priority=1", [0]),
    ("?type=service_request", [2]), ("?type=access_request", [3]),
    ("?category=Hardware", [1]), ("?service=Server%20down", [1]),
    ("?assignee=tech-network-1", [0]), ("?assignee=me", [1]), ("?group=egov", [1]),
    ("?channel=phone", [2]), ("?channel=walk_in", [3]), ("?q=simpeg", [1]),
    ("?q=50%25_", [4]), ("?q=%25", [4]), ("?sla_state=breached", [0]),
    ("?sla_state=at_risk", [1]), ("?status=submitted&category=Jaringan", [4]),
])
def test_each_filter_finds_its_tickets(desk, tickets, query, expected):
    assert listed(desk, query) == [tickets[i] for i in expected]


def test_created_from_and_to_bound_the_creation_time(desk, tickets):
    day = (datetime.now(UTC) - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert tickets[1] not in listed(desk, f"?created_from={day}")
    assert listed(desk, f"?created_to={day}") == [tickets[1]]


def test_newest_first_and_pages(desk, tickets):
    everything = listed(desk)
    assert everything == [tickets[4], tickets[3], tickets[2], tickets[0], tickets[1]]
    page = desk.http.get("/api/v1/tickets?per_page=2&page=2", headers=desk.operator).json
    assert (page["page"], page["per_page"], page["total"]) == (2, 2, 5)
    assert [t["number"] for t in page["items"]] == everything[2:4]


def test_a_client_lists_only_their_own(desk, tickets):
    assert listed(desk, headers=desk.client("client1")) == [tickets[1]]
    assert listed(desk, "?category=Jaringan", headers=desk.client("client1")) == []
    assert desk.http.get("/api/v1/tickets").status_code == 401


def test_listed_tickets_have_the_full_shape(desk, tickets):
    item = desk.http.get("/api/v1/tickets?per_page=1", headers=desk.operator).json["items"][0]
    for field in ("number", "title", "body", "type", "category", "service", "channel",
                  "status", "urgency", "impact", "priority", "client", "guest_email", "agency",
                  "group", "assignee", "created_at", "updated_at", "resolved_at", "closed_at",
                  "replies", "attachments", "sla", "escalations", "survey"):
        assert field in item


@pytest.mark.parametrize(("query", "field"), [
    ("?status=open", "status"), ("?priority=4", "priority"), ("?priority=high", "priority"),
    ("?per_page=201", "per_page"), ("?page=0", "page"), ("?channel=fax", "channel"),
    ("?created_from=yesterday", "created_from"), ("?sla_state=late", "sla_state"),
    ("?created_from=2026-03-02T00:00:00Z&created_to=2026-03-01T00:00:00Z", "created_to"),
    ("?stauts=new", "stauts"),
])
def test_a_bad_filter_is_a_422_naming_it(desk, query, field):
    response = desk.http.get(f"/api/v1/tickets{query}", headers=desk.operator)
    assert response.status_code == 422
    assert field in response.json["error"]["details"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("priority", [0, 1, 2, 3, 4]), ("-priority", [4, 3, 2, 1, 0]),
    ("created_at", [1, 0, 2, 3, 4]), ("-created_at", [4, 3, 2, 0, 1]),
    ("title", [3, 0, 2, 1, 4]), ("-title", [4, 1, 2, 0, 3]),
    ("status", [2, 0, 3, 1, 4]), ("assignee", [1, 0, 2, 3, 4]),
])
def test_sort_orders_by_the_field_missing_values_last(desk, tickets, sort, expected):
    """Ties (no priority, no assignee) keep the order the tickets came in, the same way."""
    assert listed(desk, f"?sort={sort}") == [tickets[i] for i in expected]


def test_sort_by_number_and_by_sla_due(desk, tickets):
    numbers = listed(desk, "?sort=number")
    assert numbers == sorted(tickets) and listed(desk, "?sort=-number") == numbers[::-1]
    soon = datetime.now(UTC) + timedelta(hours=1)
    with desk.harness.uow() as uow:
        uow.tickets.get(tickets[3]).sla_due_at = soon
        uow.tickets.get(tickets[1]).sla_due_at = soon + timedelta(hours=5)
        uow.commit()
    assert listed(desk, "?sort=sla_due")[:2] == [tickets[3], tickets[1]]


def test_sort_pages_and_filters_together(desk, tickets):
    page = desk.http.get("/api/v1/tickets?sort=priority&per_page=1&page=2&status=submitted",
                         headers=desk.operator).json
    assert [t["number"] for t in page["items"]] == [tickets[4]]
    assert page["total"] == 2


def test_an_unknown_sort_is_a_422_naming_the_fields(desk, tickets):
    response = desk.http.get("/api/v1/tickets?sort=body", headers=desk.operator)
    assert response.status_code == 422
    assert "-sla_due" in response.json["error"]["details"]["sort"][0]


def test_several_statuses_at_once(desk, tickets):
    assert listed(desk, "?status=in_progress,done") == [tickets[2], tickets[0]]
    response = desk.http.get("/api/v1/tickets?status=new,open", headers=desk.operator)
    assert response.status_code == 422 and "status" in response.json["error"]["details"]


def test_search_looks_in_replies_but_a_client_not_in_internal_notes(desk, tickets):
    for body, internal in (("Kabel UTP diganti di rak B", False),
                           ("Catatan: vendor Telkom lambat", True)):
        assert desk.http.post(f"/api/v1/tickets/{tickets[1]}/replies", json={
            "body": body, "internal": internal}, headers=desk.operator).status_code == 201
    assert listed(desk, "?q=utp") == [tickets[1]]
    assert listed(desk, "?q=telkom") == [tickets[1]]
    assert listed(desk, "?q=utp", headers=desk.client("client1")) == [tickets[1]]
    assert listed(desk, "?q=telkom", headers=desk.client("client1")) == []
