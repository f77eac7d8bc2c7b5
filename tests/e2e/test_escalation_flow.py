"""A network incident escalated to level 2 through the gateway, as the SOP's steps 11-14 go:
the operator records it and assigns it (first to the wrong group), the technician hands it to
the network group, a network technician finds it in his queue and writes the solution back,
and the operator sees the solution on the ticket and a notification."""
from __future__ import annotations

FORM = {"diagnosis": "Ping ke gateway kantor kelurahan gagal; kabel dan modem sudah dicek.",
        "reason": "Perlu akses ke perangkat jaringan inti."}
NETWORK = {"tech-network-1", "tech-network-2"}


def test_a_network_incident_is_escalated_moved_resolved_and_reported(stack, operator):
    recorded = operator.post("/api/v1/tickets", json={
        "title": "Internet mati di kantor kelurahan", "body": "Semua komputer tidak bisa akses.",
        "category": "Jaringan", "service": "Internet mati", "channel": "phone",
        "urgency": "high", "impact": "medium", "contact_name": "Pak Budi",
        "contact_phone": "0351 462 111"})
    assert recorded.status_code == 201, recorded.text
    number = recorded.json()["number"]

    # Step 11-12: assigned at once (escalation may not have heard of the ticket yet), and on
    # purpose to the wrong group.
    groups = {g["code"]: g for g in operator.get("/api/v1/groups").json()["items"]}
    assert groups["network"]["categories"] == ["Hardware", "Jaringan"]
    assigned = operator.post(f"/api/v1/tickets/{number}/assign", json={**FORM, "group": "egov"})
    assert assigned.status_code == 201, assigned.text
    first = assigned.json()
    assert first["group"] == "egov" and first["assignee"] in ("tech-egov-1", "tech-egov-2")
    again = operator.post(f"/api/v1/tickets/{number}/assign", json=FORM)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"

    # The egov technician finds it in his queue and hands it to the network group.
    egov = stack.client(first["assignee"])
    egov_queue = egov.get("/api/v1/escalations", params={"assignee": "me", "state": "open"})
    assert number in [item["number"] for item in egov_queue.json()["items"]]
    moved = egov.post(f"/api/v1/tickets/{number}/reassign",
                      json={"group": "network", "reason": "Gangguan di jaringan, bukan aplikasi."})
    assert moved.status_code == 201, moved.text
    second = moved.json()
    assert second["group"] == "network" and second["assignee"] in NETWORK
    assert second["previous_id"] == first["id"]

    # Step 13: the network technician's "Tiket Ditugaskan": number, title, priority, due time.
    technician = stack.client(second["assignee"])
    queue = technician.eventually(
        "/api/v1/escalations?assignee=me&state=open",
        lambda q: any(i["number"] == number and i["priority"] == 1 for i in q["items"]))
    [item] = [i for i in queue["items"] if i["number"] == number]
    assert item["title"] == "Internet mati di kantor kelurahan"
    assert item["diagnosis"] == FORM["diagnosis"] and item["state"] == "open"
    due = [i["due_at"] for i in queue["items"] if i["due_at"]]
    assert due == sorted(due)  # what is due first comes first
    assert any(n["kind"] == "assigned" and n["number"] == number
               for n in technician.get("/api/v1/notifications").json()["items"])

    # Only the assignee (or an operator) may write the solution back.
    colleague = stack.client((NETWORK - {second["assignee"]}).pop())
    refused = colleague.post(f"/api/v1/tickets/{number}/resolve", json={"solution": "x"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"

    # Step 14: the technician solves it.
    solution = "Port uplink di switch distribusi rusak; dipindah ke port 24, koneksi pulih."
    resolved = technician.post(f"/api/v1/tickets/{number}/resolve",
                               json={"solution": solution})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["level"] == 2
    empty = technician.get("/api/v1/escalations", params={"assignee": "me", "state": "open"})
    assert number not in [i["number"] for i in empty.json()["items"]]

    # The operator sees group, assignee, the escalations with their outcomes, the solution.
    # (both, since a read that overlaps the commit may see the replies a statement later)
    ticket = operator.eventually(f"/api/v1/tickets/{number}", lambda t: t["resolved_at"] and any(
        r["kind"] == "solution" for r in t["replies"]), timeout=15)
    assert (ticket["group"], ticket["assignee"]) == ("network", second["assignee"])
    assert ticket["resolved_at"] is not None
    [reply] = [r for r in ticket["replies"] if r["kind"] == "solution"]
    assert reply["body"] == solution and reply["internal"] is True
    assert reply["author"] == second["assignee"]
    escalations = {e["id"]: e for e in ticket["escalations"]}
    assert escalations[first["id"]]["state"] == "reassigned"
    assert escalations[first["id"]]["reason"] == FORM["reason"]  # the form, as written
    assert escalations[first["id"]]["outcome_reason"] == "Gangguan di jaringan, bukan aplikasi."
    assert escalations[second["id"]]["state"] == "resolved"
    assert escalations[second["id"]]["solution"] == solution
    assert escalations[second["id"]]["diagnosis"] == FORM["diagnosis"]

    # The operator is told, and can mark it read.
    unread = operator.get("/api/v1/notifications", params={"unread": 1}).json()
    [told] = [n for n in unread["items"] if n["number"] == number and n["kind"] == "resolved"]
    assert solution[:40] in told["message"]
    assert operator.post(f"/api/v1/notifications/{told['id']}/read").status_code == 200
    assert told["id"] not in [n["id"] for n in operator.get(
        "/api/v1/notifications", params={"unread": 1}).json()["items"]]

    # The move counts against escalation accuracy; the solution came from level 2.
    assert operator.get("/api/v1/escalations/kpi").status_code == 403
    kpi = stack.client("supervisor1").get("/api/v1/escalations/kpi").json()
    assert kpi["by_category"]["Jaringan"]["moved_group"]["count"] >= 1
    assert kpi["solved_at_level2"]["count"] >= 1
