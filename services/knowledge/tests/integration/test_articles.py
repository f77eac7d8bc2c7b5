"""Articles (FRM-003) through the knowledge service's API on PostgreSQL: who may do what, the
lifecycle with every version kept, the help center's view, feedback, errors in the contract's
shape with nothing half-written."""


def test_seed_articles_are_published_for_anyone(kb):
    listing = kb.http.get("/api/v1/kb/articles", query_string={"per_page": 200})
    assert listing.status_code == 200
    body = listing.json
    assert body["total"] == 40 and len(body["items"]) == 40
    assert {item["status"] for item in body["items"]} == {"published"}
    first = body["items"][0]
    assert first["url"] == f"/bantuan/artikel/{first['id']}"
    assert "created_by" not in first  # staff-only fields stay with staff


def test_knowledge_manager_publishes_and_the_event_is_written(kb):
    article = kb.article(status="published")
    assert article["status"] == "published" and article["version"] == 1
    assert article["published_at"] and article["created_by"] == "km1"
    told = kb.events("article.published")
    assert told[-1]["article_id"] == article["id"] and told[-1]["by"] == "km1"
    public = kb.http.get(f"/api/v1/kb/articles/{article['id']}")
    assert public.status_code == 200 and public.json["title"] == article["title"]


def test_staff_propose_drafts_that_only_staff_see(kb):
    draft = kb.article(kb.operator, title="Scanner tidak terdeteksi di komputer")
    assert draft["status"] == "draft" and draft["created_by"] == "operator1"
    assert kb.events("article.published") == []
    assert kb.http.get(f"/api/v1/kb/articles/{draft['id']}").status_code == 404
    assert kb.http.get(f"/api/v1/kb/articles/{draft['id']}",
                       headers=kb.client).status_code == 404
    assert kb.http.get(f"/api/v1/kb/articles/{draft['id']}",
                       headers=kb.technician).status_code == 200
    drafts = kb.http.get("/api/v1/kb/articles", query_string={"status": "draft"},
                         headers=kb.km).json
    assert [item["id"] for item in drafts["items"]] == [draft["id"]]
    refused = kb.http.get("/api/v1/kb/articles", query_string={"status": "draft"})
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"
    refused = kb.http.get("/api/v1/kb/articles", query_string={"status": "draft"},
                          headers=kb.client)
    assert refused.status_code == 403
    assert draft["id"] not in [a["id"] for a in kb.search("scanner tidak terdeteksi")]
    assert draft["id"] in [a["id"] for a in kb.search("scanner tidak terdeteksi", kb.km)]


def test_only_the_knowledge_manager_publishes_and_clients_cannot_write(kb):
    refused = kb.http.post("/api/v1/kb/articles", headers=kb.operator, json={
        "title": "Judul artikel", "category": "Data", "symptoms": "x", "solution": "y",
        "status": "published"})
    assert refused.status_code == 403 and "draft" in refused.json["error"]["message"]
    assert kb.http.post("/api/v1/kb/articles", headers=kb.client, json={
        "title": "Judul artikel", "category": "Data", "symptoms": "x",
        "solution": "y"}).status_code == 403
    assert kb.http.post("/api/v1/kb/articles", json={
        "title": "Judul artikel", "category": "Data", "symptoms": "x",
        "solution": "y"}).status_code == 401
    draft = kb.article(kb.operator)
    publish = kb.http.patch(f"/api/v1/kb/articles/{draft['id']}", headers=kb.operator,
                            json={"status": "published"})
    assert publish.status_code == 403
    listing = kb.http.get("/api/v1/kb/articles", query_string={"per_page": 200}).json
    assert listing["total"] == 40  # nothing reached the public


def test_bad_article_is_a_422_per_field_and_nothing_is_written(kb):
    response = kb.http.post("/api/v1/kb/articles", headers=kb.km, json={
        "title": "ab", "category": "", "symptoms": "", "keywords": "printer",
        "status": "hidden"})
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert set(details) >= {"title", "category", "symptoms", "solution", "keywords", "status"}
    assert all(isinstance(messages, list) for messages in details.values())
    empty_patch = kb.http.patch("/api/v1/kb/articles/1", headers=kb.km, json={})
    assert empty_patch.status_code == 422
    not_json = kb.http.post("/api/v1/kb/articles", headers={**kb.km,
                            "Content-Type": "application/json"}, data="{nope")
    assert not_json.status_code == 400
    assert kb.http.get("/api/v1/kb/articles", headers=kb.km,
                       query_string={"per_page": 200}).json["total"] == 40
    assert kb.http.get("/api/v1/kb/articles", query_string={"per_page": 500}).status_code == 422


def test_lifecycle_keeps_every_version_and_tells_each_publication(kb):
    draft = kb.article(kb.operator, title="VPN kantor tidak tersambung dari rumah")
    url = f"/api/v1/kb/articles/{draft['id']}"
    own_edit = kb.http.patch(url, headers=kb.operator,
                             json={"solution": "Periksa akun VPN lalu sambungkan ulang."})
    assert own_edit.status_code == 200 and own_edit.json["version"] == 2
    other = kb.harness.headers("operator2", "operator")
    assert kb.http.patch(url, headers=other, json={"title": "Judul lain"}).status_code == 403
    published = kb.http.patch(url, headers=kb.km, json={"status": "published"})
    assert published.status_code == 200 and published.json["status"] == "published"
    assert kb.http.patch(url, headers=kb.operator,
                         json={"solution": "Diubah"}).status_code == 403
    same = kb.http.patch(url, headers=kb.km, json={"title": published.json["title"]})
    assert same.json["version"] == 3  # repeating the text is not a new version
    edited = kb.http.patch(url, headers=kb.km, json={"keywords": ["vpn", " VPN ", "remote"]})
    assert edited.json["version"] == 4 and edited.json["keywords"] == ["vpn", "remote"]
    archived = kb.http.patch(url, headers=kb.km, json={"status": "archived"})
    assert archived.json["status"] == "archived"
    assert kb.http.get(url).status_code == 404
    republished = kb.http.patch(url, headers=kb.km, json={"status": "published"})
    assert republished.json["version"] == 6

    versions = kb.http.get(f"{url}/versions", headers=kb.km).json["items"]
    assert [(v["version"], v["change"], v["status"], v["by"]) for v in versions] == [
        (6, "published", "published", "km1"), (5, "archived", "archived", "km1"),
        (4, "edited", "published", "km1"), (3, "published", "published", "km1"),
        (2, "edited", "draft", "operator1"), (1, "created", "draft", "operator1")]
    assert versions[-1]["solution"] == draft["solution"]
    assert kb.http.get(f"{url}/versions").status_code == 401
    assert [e["article_id"] for e in kb.events("article.published")] == [draft["id"]] * 2


def test_feedback_is_counted_per_article_for_published_articles_only(kb):
    url = "/api/v1/kb/articles/1/feedback"
    assert kb.http.post(url, json={"helpful": True}).json["helpful"] == {"yes": 1, "no": 0}
    assert kb.http.post(url, json={"helpful": True}).json["helpful"] == {"yes": 2, "no": 0}
    assert kb.http.post(url, json={"helpful": False}).json["helpful"] == {"yes": 2, "no": 1}
    assert kb.http.get("/api/v1/kb/articles/1").json["helpful"] == {"yes": 2, "no": 1}
    assert kb.http.get("/api/v1/kb/articles/2").json["helpful"] == {"yes": 0, "no": 0}
    assert kb.http.post(url, json={"helpful": "maybe"}).status_code == 422
    assert kb.http.post(url, json={}).status_code == 422
    draft = kb.article(kb.operator)
    missing = kb.http.post(f"/api/v1/kb/articles/{draft['id']}/feedback",
                           json={"helpful": True})
    assert missing.status_code == 404
    assert kb.http.post("/api/v1/kb/articles/99999/feedback",
                        json={"helpful": True}).status_code == 404
    versions = kb.http.get("/api/v1/kb/articles/1/versions", headers=kb.km).json["items"]
    assert len(versions) == 1  # a vote is not an edit
