"""The knowledge manager's and the admin's console forms over HTTP without JavaScript: each
form's change is the API's afterwards, and what a test changes in the shared stack it puts
back."""
from __future__ import annotations

import re
import secrets

import requests


class Console(requests.Session):
    """A browser without JavaScript (as in test_staff_console.py)."""

    def __init__(self, stack, username: str):
        super().__init__()
        self.stack = stack
        response = self.submit("/staf/masuk", {"username": username,
                                               "password": stack.demo_password})
        assert response.status_code == 302, response.text

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 20)
        kwargs["allow_redirects"] = False
        return super().request(method, self.stack.url(url), *args, **kwargs)

    def submit(self, path: str, data: dict, *, form_page: str | None = None, **kwargs):
        page = self.get(form_page or path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.post(path, data={**data, "csrf_token": token}, **kwargs)


def test_knowledge_manager_edits_archives_and_restores_an_article(stack):
    km = Console(stack, "km1")
    api = stack.client("km1")
    title = f"Printer {secrets.token_hex(2)} tidak mencetak"
    created = km.submit("/staf/pengetahuan/baru", {
        "title": title, "category": "Hardware",
        "symptoms": "Dokumen tertahan di antrean cetak.", "solution": "Hapus antrean.",
        "keywords": "printer, antrean"})
    assert created.status_code == 302, created.text
    drafts = api.get("/api/v1/kb/articles", params={"status": "draft", "per_page": 200})
    article = next(a for a in drafts.json()["items"] if a["title"] == title)
    page = f"/staf/pengetahuan/{article['id']}"
    edited = km.submit(page, {"title": article["title"], "category": "Hardware",
                              "symptoms": article["symptoms"],
                              "solution": "Hapus antrean lalu nyalakan ulang spooler.",
                              "keywords": "printer, spooler"})
    assert edited.status_code == 302, edited.text
    after = api.get(f"/api/v1/kb/articles/{article['id']}").json()
    assert after["solution"] == "Hapus antrean lalu nyalakan ulang spooler."
    assert after["keywords"] == ["printer", "spooler"]
    blank = km.submit(page, {"title": "", "category": "Hardware", "symptoms": "x",
                             "solution": "y", "keywords": ""})
    assert blank.status_code == 422 and 'id="f-title-err"' in blank.text

    for status in ("published", "archived", "draft"):
        moved = km.submit(f"{page}/status", {"status": status}, form_page=page)
        assert moved.status_code == 302
        assert api.get(f"/api/v1/kb/articles/{article['id']}").json()["status"] == status

    operator = Console(stack, "operator1")
    refused = operator.submit(f"{page}/status", {"status": "published"}, form_page=page)
    assert refused.status_code == 403
    assert 'name="title"' not in operator.get(page).text  # read, not edit


def test_knowledge_manager_keeps_the_synonyms(stack):
    km = Console(stack, "km1")
    before = stack.client("km1").get("/api/v1/kb/synonyms").json()["groups"]
    text = re.search(r'<textarea id="f-groups"[^>]*>(.*?)</textarea>',
                     km.get("/staf/pengetahuan/sinonim").text, re.S).group(1)
    assert text.count("\n") + 1 == len(before)
    try:
        saved = km.submit("/staf/pengetahuan/sinonim",
                          {"groups": text + "\nkomputer jinjing, laptop, notebook"})
        assert saved.status_code == 302, saved.text
        groups = stack.client("km1").get("/api/v1/kb/synonyms").json()["groups"]
        assert ["komputer jinjing", "laptop", "notebook"] in groups
    finally:
        stack.client("km1").put("/api/v1/kb/synonyms", json={"groups": before})


def test_admin_routes_a_category_and_manages_group_members(stack):
    admin = Console(stack, "admin")
    api = stack.client("admin")

    def group(code):
        return next(g for g in api.get("/api/v1/groups").json()["items"] if g["code"] == code)

    before = group("webapi")
    added = admin.submit("/staf/admin/grup/webapi/anggota", {"username": "tech-egov-2"},
                         form_page="/staf/admin/grup")
    assert added.status_code == 302
    assert "tech-egov-2" in [m["username"] for m in group("webapi")["members"]]
    removed = admin.submit("/staf/admin/grup/webapi/anggota/tech-egov-2/hapus", {},
                           form_page="/staf/admin/grup")
    assert removed.status_code == 302
    assert "tech-egov-2" not in [m["username"] for m in group("webapi")["members"]]

    routed = admin.post("/staf/admin/grup/webapi/kategori", data=[
        ("csrf_token", _token(admin, "/staf/admin/grup")),
        *[("categories", c) for c in before["categories"]], ("categories", "Hardware")])
    try:
        assert routed.status_code == 302
        assert "Hardware" in group("webapi")["categories"]
    finally:
        api.put("/api/v1/groups/webapi/categories", json={"categories": before["categories"]})


def test_admin_adds_and_removes_an_office_closed_day(stack):
    admin = Console(stack, "admin")
    added = admin.submit("/staf/admin/sla/kalender/office/libur",
                         {"date": "2030-06-03", "reason": "Cuti bersama"},
                         form_page="/staf/admin/sla")
    assert added.status_code == 302
    page = admin.get("/staf/admin/sla").text
    assert "2030-06-03" in page and "Cuti bersama" in page
    removed = admin.submit("/staf/admin/sla/kalender/office/libur/2030-06-03/hapus", {},
                           form_page="/staf/admin/sla")
    assert removed.status_code == 302
    assert "Cuti bersama" not in admin.get("/staf/admin/sla").text


def test_admin_adds_a_catalog_service_and_retires_it(stack):
    admin = Console(stack, "admin")
    name = f"Printer macet {secrets.token_hex(2)}"
    added = admin.submit("/staf/admin/katalog/layanan", {
        "category": "Hardware", "detail": "Printer", "name": name},
        form_page="/staf/admin/katalog")
    assert added.status_code == 302
    catalog = stack.client().get("/api/v1/catalog").json()
    services = {s["name"]: s["code"] for c in catalog["categories"] for d in c["details"]
                for s in d["services"]}
    assert name in services
    retired = admin.submit(f"/staf/admin/katalog/layanan/{services[name]}",
                           {"retire": "1"}, form_page="/staf/admin/katalog")
    assert retired.status_code == 302
    assert name not in admin.get("/staf/admin/katalog").text


def _token(console: Console, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', console.get(path).text).group(1)
