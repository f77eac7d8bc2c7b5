"""SLA clocks through the gateway, as staff see them: an admin gives one service short 24x7
targets; a guest's ticket nobody verifies goes at risk and breached on its own (in the ticket,
its list filter, its history, the SLA list and the explanation); an operator's ticket is
responded at recording, paused while on hold and met when closed; the KPI counts both."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SERVICE = "RAM kotor"  # this flow's own override (priority 3 only), removed at the end
POLICY = f"/api/v1/sla/policies/3/services/{SERVICE}"
SHORT = {"response_minutes": 0.2, "resolution_minutes": 1.5, "calendar": "24x7"}  # 12 s, 90 s


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def sla_of(client, number: str, predicate, timeout: float = 15.0) -> dict:
    ticket = client.eventually(f"/api/v1/tickets/{number}",
                               lambda t: bool(t.get("sla")) and predicate(t["sla"]), timeout)
    return ticket


def test_sla_clocks_warn_breach_pause_and_meet_through_the_gateway(stack, operator, anonymous):
    admin = stack.client("admin")
    policies = operator.get("/api/v1/sla/policies")
    assert policies.status_code == 200
    assert [(p["priority"], p["response_minutes"], p["resolution_minutes"], p["calendar"])
            for p in policies.json()["items"][:3]] == [
        (1, 10, 480, "office"), (2, 60, 1440, "office"), (3, 240, 2880, "office")]
    assert operator.put(POLICY, json=SHORT).status_code == 403
    assert anonymous.get("/api/v1/sla/policies").status_code == 401
    refused = admin.put(POLICY, json={**SHORT, "calendar": "lunar"})
    assert refused.status_code == 422 and "calendar" in refused.json()["error"]["details"]
    saved = admin.put(POLICY, json=SHORT)
    assert saved.status_code == 200, saved.text
    assert saved.json()["name"] == "priority-3/ram-kotor"
    try:
        _guest_ticket_nobody_verifies_is_breached(operator, anonymous)
        _operator_ticket_is_paused_on_hold_and_met_when_closed(operator)
    finally:
        assert admin.delete(POLICY).status_code == 204


def _guest_ticket_nobody_verifies_is_breached(operator, anonymous):
    created = anonymous.post("/api/v1/tickets", json={
        "title": "Komputer sering mati sendiri", "body": "RAM perlu dibersihkan.",
        "category": "Hardware", "service": SERVICE, "guest_email": "warga.sla@example.com"})
    assert created.status_code == 201, created.text
    number, created_at = created.json()["number"], moment(created.json()["created_at"])

    ticket = sla_of(operator, number, lambda s: s["policy"] == "priority-3/ram-kotor")
    sla = ticket["sla"]
    assert sla["calendar"] == "24x7" and sla["responded_at"] is None
    assert moment(sla["response_due_at"]) == created_at + timedelta(seconds=12)
    assert moment(sla["resolution_due_at"]) == created_at + timedelta(seconds=90)

    breached = operator.eventually(
        f"/api/v1/tickets?sla_state=breached&q={number}",
        lambda page: [t["number"] for t in page["items"]] == [number], timeout=25)
    assert breached["items"][0]["sla"]["state"] == "breached"
    history = operator.get(f"/api/v1/tickets/{number}/history").json()
    said = [(h["what"], h["to"]) for h in history if h["source"] == "sla"]
    assert ("sla_at_risk", "response") in said and ("sla_breached", "response") in said
    assert said.count(("sla_breached", "response")) == 1

    listed = operator.get("/api/v1/sla/tickets", params={"state": "breached", "per_page": 200})
    assert listed.status_code == 200
    assert number in [t["number"] for t in listed.json()["items"]]
    assert operator.get("/api/v1/sla/tickets?state=late").status_code == 422

    explain = operator.get(f"/api/v1/tickets/{number}/sla/explain")
    assert explain.status_code == 200, explain.text
    response = explain.json()["response"]
    assert response["target_minutes"] == 0.2 and response["state"] == "breached"
    assert moment(response["counted"][0]["from"]) == created_at
    assert response["elapsed_minutes"] > 0.2 and response["remaining_minutes"] == 0
    assert anonymous.get(f"/api/v1/tickets/{number}/sla/explain").status_code == 401


def _operator_ticket_is_paused_on_hold_and_met_when_closed(operator):
    recorded = operator.post("/api/v1/tickets", json={
        "title": "Laptop staf lambat", "body": "Perlu pembersihan RAM.", "channel": "phone",
        "category": "Hardware", "service": SERVICE, "contact_name": "Bu Sari",
        "contact_phone": "0351 462 222"})
    assert recorded.status_code == 201, recorded.text
    number, created_at = recorded.json()["number"], moment(recorded.json()["created_at"])
    sla = sla_of(operator, number, lambda s: s["response_met"] is True)["sla"]
    assert moment(sla["responded_at"]) == created_at  # an operator recorded it: responded

    assert operator.patch(f"/api/v1/tickets/{number}",
                          json={"status": "in_progress"}).status_code == 200
    held = operator.post(f"/api/v1/tickets/{number}/hold",
                         json={"reason": "waiting_vendor", "note": "Menunggu RAM baru."})
    assert held.status_code == 200, held.text
    sla = sla_of(operator, number, lambda s: s["state"] == "paused")["sla"]
    assert sla["resolution_due_at"] is None  # unknown while the clock stands still
    assert operator.delete(f"/api/v1/tickets/{number}/hold").status_code == 200
    sla = sla_of(operator, number, lambda s: s["state"] in ("ok", "at_risk")
                 and s["resolution_due_at"] is not None)["sla"]
    assert moment(sla["resolution_due_at"]) > created_at + timedelta(seconds=90)  # paused time

    assert operator.patch(f"/api/v1/tickets/{number}", json={  # priority 3 as before
        "urgency": "low", "impact": "low"}).status_code == 200
    closed = operator.post(f"/api/v1/tickets/{number}/close",
                           json={"resolution": "RAM dibersihkan."})
    assert closed.status_code == 200, closed.text
    sla = sla_of(operator, number, lambda s: s["state"] == "met")["sla"]
    assert sla["resolution_met"] is True

    today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    kpi = operator.get("/api/v1/sla/kpi", params={"from": today, "to": today})
    assert kpi.status_code == 200, kpi.text
    low = kpi.json()["priorities"][2]
    assert low["priority"] == 3
    assert low["response"]["met"] >= 1 and low["response"]["breached"] >= 1
    assert low["resolution"]["met"] >= 1
    assert operator.get("/api/v1/sla/kpi", params={"from": today}).status_code == 422
