"""The technician's queue ("Tiket Ditugaskan"): number, title, priority and SLA due time of
each open escalation, what is due first on top; a technician sees only his own and his
groups'. Its data comes from other services' events, in any order."""
from datetime import UTC, datetime, timedelta

from servicedesk_common.events import iso

NOW = datetime.now(UTC).replace(microsecond=0)


def due(desk, number, minutes, *, occurred_at=None):
    desk.deliver("sla.updated", number, occurred_at=occurred_at, state="ok",
                 response_due_at=iso(NOW - timedelta(hours=1)),
                 resolution_due_at=iso(NOW + timedelta(minutes=minutes)))


def test_queue_lists_what_is_due_first_with_what_a_technician_needs(desk):
    late = desk.ticket("Jaringan", title="WAN kantor camat mati", priority=3)
    urgent = desk.ticket("Jaringan", title="Server SIM down", priority=1)
    undated = desk.ticket("Jaringan", title="Kabel rusak", priority=1)
    other = desk.ticket("Jaringan", title="Laptop hang")
    due(desk, late, 240)
    due(desk, urgent, 30)
    due(desk, other, 10)
    for number in (late, urgent, undated):
        desk.assign(number, assignee="tech-network-1")
    desk.assign(other, assignee="tech-network-2")

    response = desk.get("/api/v1/escalations", user="tech-network-1", assignee="me",
                        state="open")
    assert response.status_code == 200
    queue = response.json
    assert queue["total"] == 3 and queue["page"] == 1
    assert [item["number"] for item in queue["items"]] == [urgent, late, undated]
    first = queue["items"][0]
    assert (first["title"], first["priority"], first["group"]) == ("Server SIM down", 1,
                                                                   "network")
    assert datetime.fromisoformat(first["due_at"]) == NOW + timedelta(minutes=30)
    assert queue["items"][2]["due_at"] is None

    group = desk.get("/api/v1/escalations", user="tech-network-2", group="network").json
    assert [item["number"] for item in group["items"]] == [other, urgent, late, undated]
    everyone = desk.get("/api/v1/escalations", user="operator1", assignee="tech-network-2").json
    assert [item["number"] for item in everyone["items"]] == [other]


def test_a_technician_may_not_look_into_other_queues(desk):
    own_default = desk.get("/api/v1/escalations", user="tech-egov-1")
    assert own_default.status_code == 200 and own_default.json["total"] == 0
    assert desk.get("/api/v1/escalations", user="tech-egov-1",
                    assignee="tech-network-1").status_code == 403
    assert desk.get("/api/v1/escalations", user="tech-egov-1",
                    group="network").status_code == 403
    assert desk.get("/api/v1/escalations", user="client1").status_code == 403
    assert desk.get("/api/v1/escalations", state="lost").status_code == 422


def test_the_queue_follows_priority_and_category_changes(desk):
    number = desk.ticket("Jaringan", priority=3)
    desk.assign(number, assignee="tech-network-1")
    desk.deliver("ticket.prioritized", number, priority=1, category="Hardware")
    [item] = desk.get("/api/v1/escalations", user="tech-network-1").json["items"]
    assert (item["priority"], item["category"]) == (1, "Hardware")


def test_older_events_do_not_undo_newer_ones(desk):
    number = desk.ticket("Jaringan", priority=2)
    desk.assign(number, assignee="tech-network-1")
    newest = datetime.now(UTC) + timedelta(seconds=1)
    due(desk, number, 60, occurred_at=newest)
    due(desk, number, 999, occurred_at=newest - timedelta(milliseconds=500))  # late, older
    desk.deliver("ticket.prioritized", number, priority=1, occurred_at=newest)
    desk.deliver("ticket.prioritized", number, priority=3,
                 occurred_at=newest - timedelta(milliseconds=500))
    [item] = desk.get("/api/v1/escalations", user="tech-network-1").json["items"]
    assert item["priority"] == 1
    assert datetime.fromisoformat(item["due_at"]) == NOW + timedelta(minutes=60)


def test_events_for_a_ticket_before_its_creation_are_kept(desk):
    number = "INC-2026-955555"
    desk.deliver("ticket.prioritized", number, priority=1, category="Data",
                 occurred_at=NOW)
    desk.deliver("ticket.created", number, title="Data pending", category="Data", priority=None,
                 status="new", occurred_at=NOW - timedelta(seconds=2))
    escalation = desk.assign(number).json
    assert (escalation["group"], escalation["priority"], escalation["title"]) == (
        "webapi", 1, "Data pending")


def test_closing_the_ticket_ends_its_open_escalation(desk):
    number = desk.ticket("Jaringan")
    desk.assign(number, assignee="tech-network-2")
    desk.deliver("ticket.closed", number, by="operator1", by_role="operator",
                 at=iso(datetime.now(UTC)))
    assert desk.get("/api/v1/escalations", user="tech-network-2", state="open").json[
        "total"] == 0
    [ended] = desk.get(f"/api/v1/tickets/{number}/escalations").json["items"]
    assert (ended["state"], ended["ticket_status"], ended["end_reason"]) == (
        "closed", "done", "ticket closed")
    assert desk.notifications("tech-network-2")[0]["kind"] == "ticket_closed"


def test_a_late_close_of_an_earlier_life_leaves_a_new_escalation_alone(desk):
    number, moment = "INC-2026-966666", datetime.now(UTC)
    desk.deliver("ticket.created", number, title="Internet lambat", category="Jaringan",
                 status="new", occurred_at=moment - timedelta(hours=2))
    closed = moment - timedelta(hours=1)
    desk.deliver("ticket.reopened", number, occurred_at=moment - timedelta(minutes=30))
    desk.assign(number, assignee="tech-network-1")
    desk.deliver("ticket.closed", number, by="operator1", at=iso(closed), occurred_at=closed)
    [item] = desk.get("/api/v1/escalations", user="tech-network-1", state="open").json["items"]
    assert item["number"] == number and item["ticket_status"] == "in_progress"


def test_a_renamed_ticket_shows_its_new_title_in_the_queue(desk):
    number = desk.ticket("Jaringan", title="Internet lambat")
    desk.assign(number, assignee="tech-network-1")
    desk.deliver("ticket.updated", number, by="operator1",
                 changes={"title": {"from": "Internet lambat", "to": "Internet mati total"},
                          "urgency": {"from": None, "to": "high"}})
    desk.deliver("ticket.updated", number, changes={"body": {"from": "a", "to": "b"}})
    [item] = desk.get("/api/v1/escalations", user="tech-network-1").json["items"]
    assert item["title"] == "Internet mati total"
