"""When an escalated ticket's SLA is at risk or breached, the group's members and the
supervisors are told, once per event, from the SLA service's events."""
from datetime import UTC, datetime, timedelta

from servicedesk_common.events import iso

DUE = iso(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
NETWORK = ("tech-network-1", "tech-network-2")


def kinds(desk, user):
    return [n["kind"] for n in desk.notifications(user)]


def alert(desk, number, event_type="sla.at_risk", **fields):
    return desk.deliver(event_type, number, target="resolution", due_at=DUE,
                        state=event_type.split(".")[1], group="network", **fields)


def test_members_and_supervisors_hear_of_an_escalated_ticket_at_risk_then_breached(desk):
    number = desk.ticket("Jaringan")
    desk.assign(number, assignee="tech-network-1")
    alert(desk, number)
    for user in (*NETWORK, "supervisor1"):
        told = [n for n in desk.notifications(user) if n["kind"] == "sla_at_risk"]
        assert len(told) == 1, user
        assert number in told[0]["message"] and "hampir terlampaui" in told[0]["message"]
    alert(desk, number, "sla.breached")
    assert kinds(desk, "supervisor1") == ["sla_breached", "sla_at_risk"]
    assert kinds(desk, "tech-network-2") == ["sla_breached", "sla_at_risk"]
    assert desk.notifications("tech-egov-1") == [] and desk.notifications("operator1") == []
    [item] = desk.get("/api/v1/escalations", user="tech-network-1").json["items"]
    assert item["sla_state"] == "breached"


def test_each_event_is_told_once_even_when_delivered_or_sent_again(desk):
    number = desk.ticket("Jaringan")
    desk.assign(number, assignee="tech-network-1")
    first = alert(desk, number)
    desk.deliver("sla.at_risk", number, envelope=first)  # the same message redelivered
    alert(desk, number)  # the same warning produced twice (new message id)
    assert kinds(desk, "tech-network-2") == ["sla_at_risk"]
    assert kinds(desk, "supervisor1") == ["sla_at_risk"]


def test_a_warning_older_than_the_breach_tells_nobody(desk):
    number = desk.ticket("Jaringan")
    desk.assign(number, assignee="tech-network-1")
    now = datetime.now(UTC) + timedelta(seconds=1)
    alert(desk, number, "sla.breached", occurred_at=now)
    alert(desk, number, "sla.at_risk", occurred_at=now - timedelta(minutes=10))
    assert kinds(desk, "supervisor1") == ["sla_breached"]


def test_tickets_not_escalated_tell_no_technician_and_a_breach_the_supervisors(desk):
    number = desk.ticket("Jaringan")
    alert(desk, number, "sla.breached")
    resolved = desk.ticket("Jaringan")
    desk.assign(resolved, assignee="tech-network-2")
    desk.post(f"/api/v1/tickets/{resolved}/resolve", {"solution": "Beres."},
              user="tech-network-2")
    alert(desk, resolved, "sla.breached")
    # level 1 handles them (test_staff_told.py): a breach tells the supervisors as well
    assert kinds(desk, "supervisor1") == ["sla_breached", "sla_breached"]
    assert kinds(desk, "tech-network-1") == []
    assert "sla_breached" not in kinds(desk, "tech-network-2")


def test_the_supervisors_are_a_setting(desk, monkeypatch):
    monkeypatch.setenv("SERVICEDESK_SUPERVISORS", "kasi-1, kasi-2")
    number = desk.ticket("Data")
    desk.assign(number)
    alert(desk, number, "sla.breached")
    assert kinds(desk, "kasi-2") == ["sla_breached"]
    assert kinds(desk, "tech-webapi-1") == ["sla_breached", "assigned"]
    assert desk.notifications("supervisor1") == []


def test_the_warning_follows_the_group_the_ticket_was_moved_to(desk):
    number = desk.ticket("Aplikasi")
    desk.assign(number, assignee="tech-egov-1")
    desk.post(f"/api/v1/tickets/{number}/reassign", {"group": "network", "reason": "Jaringan."})
    alert(desk, number)
    assert kinds(desk, "tech-egov-2") == []
    assert all("sla_at_risk" in kinds(desk, user) for user in NETWORK)
