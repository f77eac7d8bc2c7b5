"""Canned replies: the supervisor keeps them (create, change, remove), the staff read them
filled in with a ticket's fields; typos in a placeholder, a title used twice and other roles'
writes are refused in the contract's error shape."""

TEMPLATE = {"title": "Sedang diperiksa",
            "body": "Yth. {contact_name}, tiket {number} ({title}) sedang kami periksa."}


def test_the_supervisor_keeps_templates_and_the_staff_get_them_filled_for_a_ticket(desk):
    made = desk.http.post("/api/v1/canned-replies", headers=desk.supervisor, json=TEMPLATE)
    assert made.status_code == 201, made.json
    assert made.json["updated_by"] == "supervisor1"
    number = desk.create(desk.operator, channel="phone", guest_email="rina@example.com",
                         contact_name="Bu Rina", title="Printer macet")["number"]
    listed = desk.http.get(f"/api/v1/canned-replies?ticket={number}",
                           headers=desk.headers("tech-network-1", "technician"))
    assert listed.status_code == 200, listed.json
    [reply] = listed.json
    assert reply["filled"] == f"Yth. Bu Rina, tiket {number} (Printer macet) sedang kami periksa."

    changed = desk.http.put(f"/api/v1/canned-replies/{reply['id']}", headers=desk.supervisor,
                            json={"title": "Diperiksa", "body": "Tiket {number}: {agency}."})
    assert changed.status_code == 200, changed.json
    [reply] = desk.http.get(f"/api/v1/canned-replies?ticket={number}",
                            headers=desk.operator).json
    assert (reply["title"], reply["filled"]) == ("Diperiksa", f"Tiket {number}: -.")
    gone = desk.http.delete(f"/api/v1/canned-replies/{reply['id']}", headers=desk.supervisor)
    assert gone.status_code == 204
    assert desk.http.get("/api/v1/canned-replies", headers=desk.operator).json == []


def test_a_misspelt_field_a_title_used_twice_and_blank_text_are_refused(desk):
    typo = desk.http.post("/api/v1/canned-replies", headers=desk.supervisor,
                          json={"title": "Salah", "body": "Tiket {nomor} diterima."})
    assert typo.status_code == 422
    assert "{nomor}" in typo.json["error"]["details"]["body"][0]
    assert desk.http.post("/api/v1/canned-replies", headers=desk.supervisor,
                          json=TEMPLATE).status_code == 201
    twice = desk.http.post("/api/v1/canned-replies", headers=desk.supervisor, json=TEMPLATE)
    assert twice.status_code == 409 and twice.json["error"]["code"] == "conflict"
    blank = desk.http.post("/api/v1/canned-replies", headers=desk.supervisor,
                           json={"title": " ", "body": "x"})
    assert blank.status_code == 422 and "title" in blank.json["error"]["details"]
    missing = desk.http.put("/api/v1/canned-replies/999999", headers=desk.supervisor,
                            json=TEMPLATE)
    assert missing.status_code == 404


def test_only_the_supervisor_writes_and_clients_read_nothing(desk):
    refused = desk.http.post("/api/v1/canned-replies", headers=desk.operator, json=TEMPLATE)
    assert refused.status_code == 403
    assert desk.http.get("/api/v1/canned-replies",
                         headers=desk.client("client1")).status_code == 403
    assert desk.http.get("/api/v1/canned-replies", headers=desk.operator).json == []
