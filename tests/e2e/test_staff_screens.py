"""The staff console's screens beyond the ticket list, over HTTP without JavaScript: the
operator's recording form (FRM-002), hold and reopen, the supervisor's survey evaluation and KPI
dashboard, the admin's priority matrix and users. Each checks through the API that the console
did what its page said."""
from __future__ import annotations

import re
import secrets

import requests


class Console(requests.Session):
    """A browser without JavaScript (the same as in test_staff_console.py)."""

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


def test_operator_records_a_phone_report_with_note_and_attachment(stack):
    operator = Console(stack, "operator1")
    title = f"Komputer bagian keuangan hang {secrets.token_hex(3)}"
    response = operator.post("/staf/tiket/baru", data={
        "csrf_token": _token(operator, "/staf/tiket/baru"), "title": title,
        "body": "Pelapor menelepon: komputer hang saat membuka aplikasi.",
        "kategori": "incident|Hardware", "service": "Komputer hang", "channel": "phone",
        "contact_name": "Pak Joko", "contact_phone": "0351 467327", "urgency": "medium",
        "impact": "low", "note": "Sudah dicoba restart oleh pelapor."},
        files={"files": ("layar.png", b"\x89PNG\r\n\x1a\nfake", "image/png")})
    assert response.status_code == 302, response.text
    number = response.headers["Location"].rsplit("/", 1)[1]
    page = operator.get(f"/staf/tiket/{number}").text
    assert f"Tiket {number} dibuat." in page
    assert "Telepon" in page and "Baru" in page
    assert "Sudah dicoba restart oleh pelapor." in page and "Catatan internal" in page

    api = stack.client("operator1")
    ticket = api.get(f"/api/v1/tickets/{number}").json()
    assert ticket["channel"] == "phone" and ticket["status"] == "new"
    assert [a["filename"] for a in ticket["attachments"]] == ["layar.png"]
    assert any(r["internal"] and "restart" in r["body"] for r in ticket["replies"])
    download = operator.get(f"/staf/tiket/{number}/lampiran/{ticket['attachments'][0]['id']}")
    assert download.status_code == 200 and download.content.startswith(b"\x89PNG")
    assert download.headers["Content-Security-Policy"].startswith("sandbox")


def test_operator_holds_lifts_closes_and_reopens_from_the_ticket_page(stack):
    number = stack.client().post("/api/v1/tickets", json={
        "title": "Data pegawai tidak sinkron", "body": "Data di dua aplikasi berbeda.",
        "category": "Data", "service": "Data tidak sinkron",
        "guest_email": "warga@example.com"}).json()["number"]
    operator = Console(stack, "operator1")
    api = stack.client("operator1")
    ticket_page = f"/staf/tiket/{number}"
    assert operator.submit(f"/staf/tiket/{number}/edit", {"status": "new"}).status_code == 302
    assert operator.submit(f"/staf/tiket/{number}/edit",
                           {"status": "in_progress"}).status_code == 302
    held = operator.submit(f"{ticket_page}/tunda", {"reason": "waiting_client",
                                                    "note": "Menunggu data dari klien."},
                           form_page=ticket_page)
    assert held.status_code == 302, held.text
    assert api.get(f"/api/v1/tickets/{number}").json()["on_hold"] == "waiting_client"
    assert "Menunggu klien" in operator.get(ticket_page).text
    lifted = operator.submit(f"{ticket_page}/tunda/cabut", {}, form_page=ticket_page)
    assert lifted.status_code == 302
    assert api.get(f"/api/v1/tickets/{number}").json()["on_hold"] is None

    closed = operator.submit(f"{ticket_page}/tutup", {"resolution": "Data disinkronkan."},
                             form_page=ticket_page)
    assert closed.status_code == 302
    assert api.get(f"/api/v1/tickets/{number}").json()["status"] == "done"
    page = operator.get(ticket_page).text
    assert "Buka Kembali" in page and "Tutup Tiket (Selesai)" not in page
    refused = operator.submit(f"{ticket_page}/buka-kembali", {"reason": ""},
                              form_page=ticket_page)
    assert refused.status_code == 422
    assert 'id="f-reopen-reason-err"' in refused.text
    reopened = operator.submit(f"{ticket_page}/buka-kembali",
                               {"reason": "Klien melapor data masih berbeda."},
                               form_page=ticket_page)
    assert reopened.status_code == 302
    assert api.get(f"/api/v1/tickets/{number}").json()["status"] == "in_progress"


def test_technician_hands_a_wrongly_escalated_ticket_back_to_level_1(stack):
    number = stack.client().post("/api/v1/tickets", json={
        "title": "Update aplikasi gagal", "body": "Pembaruan berhenti di 50%.",
        "category": "Aplikasi", "guest_email": "warga@example.com"}).json()["number"]
    api = stack.client("operator1")
    assert api.post(f"/api/v1/tickets/{number}/assign", json={
        "group": "egov", "assignee": "tech-egov-2", "diagnosis": "Installer gagal.",
        "reason": "Perlu level 2."}).status_code == 201
    technician = Console(stack, "tech-egov-2")
    page = f"/staf/tiket/{number}"
    refused = technician.submit(f"{page}/kembalikan", {"reason": ""}, form_page=page)
    assert refused.status_code == 422
    assert 'id="f-return-reason-err"' in refused.text
    returned = technician.submit(f"{page}/kembalikan", {"reason": "Masalah jaringan kantor."},
                                 form_page=page)
    assert returned.status_code == 302, returned.text
    escalations = stack.client("tech-egov-2").get(
        "/api/v1/escalations", params={"number": number}).json()["items"]
    assert escalations[0]["state"] != "open"


def test_edit_offers_only_the_allowed_status_moves(stack):
    number = stack.client().post("/api/v1/tickets", json={
        "title": "SIM down", "body": "Tidak bisa login SIM.", "category": "Jaringan",
        "guest_email": "warga@example.com"}).json()["number"]
    page = Console(stack, "operator1").get(f"/staf/tiket/{number}/edit").text
    select = re.search(r'<select id="f-status".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="([a-z_]+)"', select) == ["submitted", "new", "done"]


def test_priority_override_needs_a_reason_and_keeps_it(stack):
    number = stack.client().post("/api/v1/tickets", json={
        "title": "Server aplikasi down", "body": "Tidak dapat diakses.", "category": "Hardware",
        "service": "Server down", "guest_email": "warga@example.com"}).json()["number"]
    operator = Console(stack, "operator1")
    edit = f"/staf/tiket/{number}/edit"
    values = {"status": "new", "urgency": "low", "impact": "low"}
    missing = operator.submit(edit, {**values, "priority": "1"})
    assert missing.status_code == 422
    assert re.search(r'id="f-priority_reason-err">[^<]*alasan', missing.text)
    saved = operator.submit(edit, {**values, "priority": "1",
                                   "priority_reason": "Server seluruh dinas."})
    assert saved.status_code == 302, saved.text
    ticket = stack.client("operator1").eventually(
        f"/api/v1/tickets/{number}", lambda t: t.get("priority") == 1, timeout=10)
    assert ticket["priority_reason"] == "Server seluruh dinas."
    assert "manual: Server seluruh dinas." in operator.get(f"/staf/tiket/{number}").text


def test_supervisor_evaluates_a_low_score_from_the_follow_up_list(stack):
    guest, operator = stack.client(), stack.client("operator1")
    number = guest.post("/api/v1/tickets", json={
        "title": "Aplikasi absensi lambat", "body": "Sangat lambat.", "category": "Aplikasi",
        "guest_email": "warga@example.com"}).json()["number"]
    assert operator.post(f"/api/v1/tickets/{number}/close",
                         json={"resolution": "Server dinaikkan."}).status_code == 200
    url = operator.eventually(f"/api/v1/tickets/{number}",
                              lambda t: (t.get("survey") or {}).get("url"), timeout=15)[
        "survey"]["url"]
    answered = guest.post(f"/api/v1/surveys/{url.rsplit('/', 1)[1]}", json={
        "answers": [2] * 10, "suggestion": "Lebih cepat.",
        "respondent": {"name": "Sari", "email": "warga@example.com", "agency": "Dinas X",
                       "phone": "0351 1", "position": "Staf", "address": "Madiun",
                       "user_group": "ppk"}})
    assert answered.status_code == 201, answered.text

    supervisor = Console(stack, "supervisor1")
    listing = supervisor.get("/staf/survei?follow_up=open").text
    assert number in listing and "Perlu tindak lanjut" in listing
    survey_id = re.search(rf'id="survei-(\d+)">\s*<h3 class="queue-title"><a href="/staf/tiket/'
                          rf'{number}"', listing).group(1)
    saved = supervisor.submit(f"/staf/survei/{survey_id}/evaluasi", {
        "severity": "major", "target_quarter": "2", "note": "Tambah kapasitas server.",
        "approved": "yes"}, form_page="/staf/survei?follow_up=open")
    assert saved.status_code == 302
    surveys = stack.client("supervisor1").get("/api/v1/surveys",
                                              params={"number": number}).json()["items"]
    assert surveys[0]["evaluation"]["severity"] == "major"
    assert surveys[0]["evaluation"]["target_quarter"] == 2
    assert surveys[0]["evaluation"]["approved"] is True
    assert "Triwulan 2" in supervisor.get("/staf/survei?state=answered").text


def test_the_kpi_menu_leads_the_supervisor_and_the_admin_to_the_dashboard(stack):
    supervisor = Console(stack, "supervisor1")
    assert 'href="/dasbor"' in supervisor.get("/staf/tiket").text
    assert supervisor.get("/staf/kpi").headers["Location"].endswith("/dasbor")
    assert supervisor.get("/dasbor").status_code == 200  # the console's login is the dashboard's
    assert Console(stack, "admin").get("/staf/kpi").status_code == 302
    assert Console(stack, "operator1").get("/staf/kpi").status_code == 403


def test_admin_changes_the_priority_matrix_and_it_is_the_apis(stack):
    admin = Console(stack, "admin")
    before = stack.client("admin").get("/api/v1/priority-matrix").json()
    cells = {f"{u}.{i}": str(before[u][i]) for u in before for i in before[u]}
    try:
        saved = admin.submit("/staf/admin/matriks", {**cells, "low.low": "2"})
        assert saved.status_code == 302
        assert stack.client("admin").get("/api/v1/priority-matrix").json()["low"]["low"] == 2
    finally:
        admin.submit("/staf/admin/matriks", cells)
    assert stack.client().get("/api/v1/priority-matrix").json() == before


def test_admin_edits_the_survey_user_groups_and_the_survey_form_offers_them(stack):
    admin = Console(stack, "admin")
    api = stack.client("admin")
    before = api.get("/api/v1/surveys/user-groups").json()
    assert [g["label"] for g in before] == ["Panitia", "Penyedia", "PPK", "Auditor"]
    rows = {"rows": "5", "value_0": "asn", "label_0": "ASN", "value_1": "warga",
            "label_1": "Masyarakat", "value_2": "", "label_2": "",
            "value_3": "bad code", "label_3": "Salah"}
    try:
        refused = admin.submit("/staf/admin/kelompok-pengguna", rows)
        assert refused.status_code == 422
        assert 'id="ug-value-3-err"' in refused.text and 'value="bad code"' in refused.text
        assert api.get("/api/v1/surveys/user-groups").json() == before  # nothing half-saved
        saved = admin.submit("/staf/admin/kelompok-pengguna", {**rows, "value_3": "",
                                                               "label_3": ""})
        assert saved.status_code == 302, saved.text
        assert api.get("/api/v1/surveys/user-groups").json() == [
            {"value": "asn", "label": "ASN"}, {"value": "warga", "label": "Masyarakat"}]
        assert stack.client("supervisor1").put("/api/v1/surveys/user-groups", json={
            "groups": before}).status_code == 403
    finally:
        assert api.put("/api/v1/surveys/user-groups",
                       json={"groups": before}).status_code == 200


def test_admin_creates_and_deactivates_a_user(stack):
    admin = Console(stack, "admin")
    username = f"tech-test-{secrets.token_hex(3)}"
    weak = admin.submit("/staf/admin/pengguna", {"username": username, "role": "technician",
                                                 "group": "network", "password": "short"})
    assert weak.status_code == 422
    assert 'id="f-password-err"' in weak.text
    password = secrets.token_urlsafe(12)
    created = admin.submit("/staf/admin/pengguna", {"username": username,
                                                    "role": "technician", "group": "network",
                                                    "password": password})
    assert created.status_code == 302, created.text
    assert stack.client().post("/api/v1/auth/login", json={
        "username": username, "password": password}).status_code == 200
    off = admin.submit(f"/staf/admin/pengguna/{username}", {"role": "technician",
                                                            "group": "network"},
                       form_page="/staf/admin/pengguna")
    assert off.status_code == 302
    assert stack.client().post("/api/v1/auth/login", json={
        "username": username, "password": password}).status_code == 401


def _token(console: Console, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', console.get(path).text).group(1)
