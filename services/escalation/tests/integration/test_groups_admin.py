"""Level-2 groups: seeded from the SOP, readable by staff, edited by the admin (groups,
members, category routing), and the edits change where tickets go."""


def groups(desk, user="operator1"):
    return {g["code"]: g for g in desk.get("/api/v1/groups", user=user).json["items"]}


def test_the_three_sop_groups_are_there_with_categories_and_demo_technicians(desk):
    seeded = groups(desk, user="tech-egov-1")
    assert sorted(seeded) == ["egov", "network", "webapi"]
    assert seeded["network"]["categories"] == ["Hardware", "Jaringan"]
    assert seeded["egov"]["categories"] == ["Aplikasi"]
    assert seeded["webapi"]["categories"] == ["Data"]
    assert [m["username"] for m in seeded["network"]["members"]] == ["tech-network-1",
                                                                     "tech-network-2"]
    assert seeded["network"]["active"] is True
    assert desk.get("/api/v1/groups", user="client1").status_code == 403


def test_admin_creates_a_group_that_takes_a_category_from_another(desk):
    created = desk.post("/api/v1/groups", {
        "code": "hardware", "name": "Perangkat Keras", "members": ["tech-hw-1"],
        "categories": ["Hardware"]}, user="admin")
    assert created.status_code == 201, created.json
    assert created.json["categories"] == ["Hardware"]
    assert created.json["members"] == [{"username": "tech-hw-1", "open_escalations": 0}]
    assert groups(desk)["network"]["categories"] == ["Jaringan"]
    escalation = desk.assign(desk.ticket("Hardware")).json
    assert (escalation["group"], escalation["assignee"]) == ("hardware", "tech-hw-1")


def test_admin_manages_members_and_new_members_take_tickets(desk):
    added = desk.post("/api/v1/groups/webapi/members", {"username": "tech-webapi-2"},
                      user="admin")
    assert added.status_code == 201
    desk.assign(desk.ticket("Data"), assignee="tech-webapi-1")
    assert desk.assign(desk.ticket("Data")).json["assignee"] == "tech-webapi-2"
    again = desk.post("/api/v1/groups/webapi/members", {"username": "tech-webapi-2"},
                      user="admin")
    assert again.status_code == 409
    removed = desk.http.delete("/api/v1/groups/webapi/members/tech-webapi-1",
                               headers=desk.headers("admin"))
    assert removed.status_code == 200
    assert [m["username"] for m in removed.json["members"]] == ["tech-webapi-2"]
    refused = desk.assign(desk.ticket("Data"), assignee="tech-webapi-1")
    assert refused.status_code == 422
    gone = desk.http.delete("/api/v1/groups/webapi/members/nobody",
                            headers=desk.headers("admin"))
    assert gone.status_code == 404


def test_admin_routes_categories_and_deactivates_groups(desk):
    routed = desk.http.put("/api/v1/groups/egov/categories",
                           json={"categories": ["Aplikasi", "Lainnya"]},
                           headers=desk.headers("admin"))
    assert routed.status_code == 200 and routed.json["categories"] == ["Aplikasi", "Lainnya"]
    assert desk.assign(desk.ticket("Lainnya")).json["group"] == "egov"
    patched = desk.http.patch("/api/v1/groups/egov", json={"active": False, "name": "E-Gov"},
                              headers=desk.headers("admin"))
    assert patched.status_code == 200 and patched.json["active"] is False
    inactive = desk.assign(desk.ticket("Aplikasi"))
    assert inactive.status_code == 422
    assert "inactive" in inactive.json["error"]["details"]["group"][0]


def test_only_the_admin_edits_groups_and_bad_input_is_422(desk):
    for user in ("operator1", "supervisor1", "tech-egov-1"):
        assert desk.post("/api/v1/groups", {"code": "x1", "name": "X"},
                         user=user).status_code == 403
    bad = desk.post("/api/v1/groups", {"code": "Bad Code!", "name": "", "members": ["a b"]},
                    user="admin")
    assert bad.status_code == 422
    assert {"code", "name", "members"} <= set(bad.json["error"]["details"])
    duplicate = desk.post("/api/v1/groups", {"code": "egov", "name": "Lagi"}, user="admin")
    assert duplicate.status_code == 409
    assert desk.get("/api/v1/groups/nope").status_code == 404
    assert desk.http.put("/api/v1/groups/nope/categories", json={"categories": []},
                         headers=desk.headers("admin")).status_code == 404
    assert sorted(groups(desk)) == ["egov", "network", "webapi"]
