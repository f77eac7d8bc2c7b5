"""Tickets through the gateway as people use them: a guest reports, an operator verifies,
recategorises and prioritises (triage answers with the matrix), replies, holds, closes; the
guest follows it all by token; the admin edits the catalog and the matrix."""
from __future__ import annotations

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_guest_ticket_verified_categorised_and_prioritised_shows_all_of_it(stack, anonymous,
                                                                           operator):
    created = anonymous.post("/api/v1/tickets", json={
        "title": "Internet kantor kelurahan mati", "body": "Semua komputer tidak bisa online.",
        "category": "Jaringan", "service": "internet-mati", "guest_email": "lurah@example.com",
        "contact_name": "Pak Lurah", "agency": "Kelurahan Taman"})
    assert created.status_code == 201, created.text
    ticket = created.json()
    number, token = ticket["number"], ticket["tracking_token"]
    assert number.startswith("INC-") and ticket["status"] == "submitted"
    assert ticket["service"] == "Internet mati"
    track = f"/api/v1/track/{number}?token={token}"

    photo = anonymous.post(f"/api/v1/tickets/{number}/attachments?token={token}",
                           files=[("file", ("modem.png", PNG, "image/png"))])
    assert photo.status_code == 201, photo.text
    download = anonymous.get(f"/api/v1/tickets/{number}/attachments/{photo.json()[0]['id']}",
                             params={"token": token})
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["Content-Type"] == "image/png"
    assert "modem.png" in download.headers["Content-Disposition"]
    disguised = anonymous.post(f"/api/v1/tickets/{number}/attachments?token={token}",
                               files=[("file", ("modem.png", b"MZ\x90\x00" * 16))])
    assert disguised.status_code == 415
    assert set(disguised.json()["error"]) == {"code", "message", "details"}

    forbidden = operator.patch(f"/api/v1/tickets/{number}", json={"status": "in_progress"})
    assert forbidden.status_code == 409
    assert forbidden.json()["error"]["details"]["allowed"] == ["done", "new"]
    invalid = operator.patch(f"/api/v1/tickets/{number}", json={
        "category": "Hardware", "service": "Internet mati"})
    assert invalid.status_code == 422 and "service" in invalid.json()["error"]["details"]

    verified = operator.patch(f"/api/v1/tickets/{number}", json={
        "status": "new", "category": "Hardware", "service": "WAN mati", "urgency": "high",
        "impact": "medium"})
    assert verified.status_code == 200, verified.text
    assert operator.post(f"/api/v1/tickets/{number}/replies", json={
        "body": "Pelapor pernah salah kategori", "internal": True}).status_code == 201
    assert operator.post(f"/api/v1/tickets/{number}/replies", json={
        "body": "Teknisi kami sedang memeriksa jalur WAN."}).status_code == 201

    seen = operator.eventually(f"/api/v1/tickets/{number}", lambda t: t["priority"] == 1
                               and (t["classification"] or {}).get("recategorisations") == 1,
                               timeout=15)
    assert (seen["status"], seen["category"], seen["service"]) == ("new", "Hardware",
                                                                   "WAN mati")
    assert (seen["urgency"], seen["impact"], seen["channel"]) == ("high", "medium", "web")
    assert (seen["guest_email"], seen["agency"]) == ("lurah@example.com", "Kelurahan Taman")
    assert seen["classification"]["category_valid"] is True
    assert [a["filename"] for a in seen["attachments"]] == ["modem.png"]
    assert [r["internal"] for r in seen["replies"]] == [True, False]
    for field in ("sla", "escalations", "survey", "group", "assignee", "resolved_at",
                  "closed_at", "created_at", "updated_at"):
        assert field in seen
    history = operator.get(f"/api/v1/tickets/{number}/history").json()
    changes = {(h["what"], h["from"], h["to"], h["source"]) for h in history}
    assert ("status", "submitted", "new", "intake") in changes
    assert ("category", "Jaringan", "Hardware", "intake") in changes
    assert ("priority", None, "1", "triage") in changes
    assert all(h["by"] for h in history if h["what"] in ("status", "category", "priority"))

    public = anonymous.get(track).json()
    assert (public["status"], public["priority"], public["category"]) == ("new", 1, "Hardware")
    assert [r["body"] for r in public["replies"]] == ["Teknisi kami sedang memeriksa jalur WAN."]
    assert "Pelapor pernah" not in str(public)
    assert anonymous.get(f"/api/v1/track/{number}?token=wrong").status_code == 404
    assert anonymous.get(f"/api/v1/tickets/{number}").status_code == 401

    assert operator.patch(f"/api/v1/tickets/{number}",
                          json={"status": "in_progress"}).status_code == 200
    held = operator.post(f"/api/v1/tickets/{number}/hold", json={
        "reason": "waiting_client", "note": "Minta foto lampu modem"})
    assert held.status_code == 200 and held.json()["on_hold"] == "waiting_client"
    assert held.json()["status"] == "in_progress"
    answered = anonymous.post(f"/api/v1/track/{number}/replies?token={token}",
                              json={"body": "Lampunya merah berkedip."})
    assert answered.status_code == 201
    assert operator.get(f"/api/v1/tickets/{number}").json()["on_hold"] is None

    listed = operator.get("/api/v1/tickets", params={"q": number, "status": "in_progress",
                                                      "category": "Hardware", "priority": 1})
    assert [t["number"] for t in listed.json()["items"]] == [number]

    closed = operator.post(f"/api/v1/tickets/{number}/close",
                           json={"resolution": "Router WAN diganti, koneksi normal."})
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    final = anonymous.get(track).json()
    assert final["status"] == "done"
    assert final["resolution"] == "Router WAN diganti, koneksi normal."
    reopened = operator.post(f"/api/v1/tickets/{number}/reopen", json={"reason": "Mati lagi"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"


def test_an_operator_records_a_phone_call_and_clients_see_only_their_own(stack, operator):
    client = stack.client("client1")
    recorded = operator.post("/api/v1/tickets", json={
        "title": "Aplikasi SIMPEG tidak bisa login", "body": "Dilaporkan lewat telepon.",
        "type": "service_request", "category": "Aplikasi", "service": "Aplikasi down",
        "client": "client1", "channel": "phone", "urgency": "low", "impact": "low",
        "priority": 2, "priority_reason": "Menjelang batas laporan kepegawaian"})
    assert recorded.status_code == 201, recorded.text
    number = recorded.json()["number"]
    assert number.startswith("REQ-") and recorded.json()["status"] == "new"
    mine = client.eventually(f"/api/v1/tickets/{number}", lambda t: t["priority"] == 2)
    assert mine["priority_reason"] is None  # the desk's reason is not the client's to read
    history = operator.get(f"/api/v1/tickets/{number}/history").json()
    assert history[0]["what"] == "created" and history[0]["by"] == "operator1"
    assert client.get(f"/api/v1/tickets/{number}/history").status_code == 403
    assert number in [t["number"] for t in client.get("/api/v1/tickets").json()["items"]]
    other = stack.client()
    other_ticket = other.post("/api/v1/tickets", json={
        "title": "Bukan milik client1", "body": "x", "category": "Data",
        "guest_email": "lain@example.com"}).json()["number"]
    assert client.get(f"/api/v1/tickets/{other_ticket}").status_code == 404
    bad = operator.post("/api/v1/tickets", json={"title": "x", "body": "", "category": "Nope",
                                                 "channel": "pigeon", "colour": "red"})
    assert bad.status_code == 422
    assert {"title", "body", "channel", "colour"} <= set(bad.json()["error"]["details"])


def test_the_admin_edits_the_catalog_and_the_matrix_through_the_gateway(stack, anonymous):
    admin, operator = stack.client("admin"), stack.client("operator1")
    catalog = anonymous.get("/api/v1/catalog").json()
    assert [c["name"] for c in catalog["categories"]] == ["Aplikasi", "Jaringan", "Hardware",
                                                          "Data"]
    assert {t["code"] for t in catalog["types"]} == {"incident", "service_request",
                                                     "access_request", "other"}
    added = admin.post("/api/v1/catalog/services", json={
        "category": "Aplikasi", "detail": "Email", "name": "Email dinas penuh"})
    assert added.status_code == 201, added.text
    assert operator.post("/api/v1/catalog/services", json={
        "category": "Aplikasi", "detail": "Email", "name": "Lain"}).status_code == 403
    aplikasi = next(c for c in anonymous.get("/api/v1/catalog").json()["categories"]
                    if c["name"] == "Aplikasi")
    assert {"code": "email-dinas-penuh", "name": "Email dinas penuh"} in [
        s for d in aplikasi["details"] for s in d["services"]]

    matrix = anonymous.get("/api/v1/priority-matrix").json()
    assert matrix["high"] == {"high": 1, "medium": 1, "low": 2}
    broken = admin.put("/api/v1/priority-matrix", json={**matrix, "low": {
        "high": 2, "medium": 3, "low": 9}})
    assert broken.status_code == 422 and "low.low" in broken.json()["error"]["details"]
    assert operator.put("/api/v1/priority-matrix", json=matrix).status_code == 403
    flat = {u: {i: 2 for i in ("high", "medium", "low")} for u in ("high", "medium", "low")}
    try:
        assert admin.put("/api/v1/priority-matrix", json=flat).status_code == 200
        number = operator.post("/api/v1/tickets", json={
            "title": "Email dinas penuh", "body": "Kotak masuk penuh.", "category": "Aplikasi",
            "service": "email-dinas-penuh", "client": "client1", "channel": "email",
            "urgency": "high", "impact": "high"}).json()["number"]
        operator.eventually(f"/api/v1/tickets/{number}", lambda t: t["priority"] == 2)
    finally:
        assert admin.put("/api/v1/priority-matrix", json=matrix).status_code == 200
