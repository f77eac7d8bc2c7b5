"""The client's pages without JavaScript: the ticket form posts to the gateway, which calls
intake as a guest; errors stand next to their fields; the receipt gives the number and the
tracking link; /lacak shows the ticket and takes replies."""
import io
import re

NUMBER, TOKEN = "INC-2026-000042", "tok_abcdefghijklmnopqrstuv"
FORM = {"type": "incident", "category": "Jaringan", "service": "Internet mati",
        "body": "Wifi ruang rapat mati sejak pagi.", "guest_email": "warga@example.com",
        "contact_name": "Sari", "contact_phone": "0351 123456", "agency": "Dinas Pendidikan"}
TRACKED = {"number": NUMBER, "title": "Internet mati: Wifi", "status": "in_progress",
           "type": "incident", "category": "Jaringan", "service": "Internet mati",
           "priority": 2, "created_at": "2026-03-02T01:00:00+00:00",
           "sla": {"response_due_at": "2026-03-02T02:00:00+00:00",
                   "resolution_due_at": "2026-03-04T08:00:00+00:00"},
           "replies": [{"author_kind": "staff", "body": "Teknisi menuju lokasi.",
                        "created_at": "2026-03-02T01:30:00+00:00"}],
           "attachments": [{"id": 7, "filename": "surat.pdf"}]}


def created(request):
    return 201, {"number": NUMBER, "tracking_token": TOKEN, "status": "submitted"}


def field_block(html: str, name: str) -> str:
    """The markup of one field's wrapper, from its label to its input."""
    match = re.search(rf'<div class="field[^"]*">\s*<label for="f-{name}">.*?</div>', html, re.S)
    assert match, f"no field {name}"
    return match.group(0)


def test_the_form_offers_the_catalog_and_the_contact_fields_in_indonesian(gateway):
    gw = gateway()
    html = gw.http.get("/").get_data(as_text=True)
    assert '<html lang="id">' in html and "Laporkan Masalah" in html
    for label in ("Jenis tiket", "Kategori", "Layanan", "Uraian masalah", "Email", "Nama",
                  "Telepon", "Instansi", "Lampiran"):
        assert f">{label}" in html, label
    assert '<option value="Internet mati"' in html and 'value="Akses"' in html
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html


def test_missing_fields_are_shown_next_to_them_and_nothing_is_sent(gateway, fake_service):
    gw = gateway()
    response = gw.http.post("/", data={**FORM, "guest_email": "", "body": "",
                                       "csrf_token": gw.csrf("/")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    email = field_block(html, "guest_email")
    assert 'class="field-error"' in email and "alamat email" in email
    assert 'aria-invalid="true"' in email
    assert 'class="field-error"' in field_block(html, "body")
    assert 'class="field-error"' not in field_block(html, "contact_name")
    assert 'value="Dinas Pendidikan"' in html  # what was typed stays
    assert fake_service.calls("POST", "/api/v1/tickets") == []


def test_intakes_validation_errors_are_put_on_the_forms_fields(gateway, fake_service):
    fake_service.answers["POST /api/v1/tickets"] = lambda r: (422, {"error": {
        "code": "validation_failed", "message": "...",
        "details": {"contact_phone": ["Use digits only."]}}})
    gw = gateway()
    response = gw.http.post("/", data={**FORM, "csrf_token": gw.csrf("/")})
    assert response.status_code == 422
    phone = field_block(response.get_data(as_text=True), "contact_phone")
    assert "Gunakan angka" in phone


def test_a_sent_ticket_shows_its_number_and_tracking_link_and_sends_the_attachments(
        gateway, fake_service):
    fake_service.answers["POST /api/v1/tickets"] = created
    path = f"/api/v1/tickets/{NUMBER}/attachments"
    fake_service.answers[f"POST {path}"] = lambda r: (201, {"items": []})
    gw = gateway()
    response = gw.http.post("/", content_type="multipart/form-data", data={
        **FORM, "csrf_token": gw.csrf("/"),
        "attachments": [(io.BytesIO(b"%PDF-1.4 surat"), "surat.pdf"),
                        (io.BytesIO(b"\x89PNG layar"), "layar.png")]})
    assert response.status_code == 303 and response.headers["Location"].endswith("/terkirim")
    sent = fake_service.calls("POST", "/api/v1/tickets")[0]
    assert sent["identity"] is None  # as a guest
    assert sent["json"]["guest_email"] == "warga@example.com"
    assert sent["json"]["title"] == "Internet mati: Wifi ruang rapat mati sejak pagi."
    upload = fake_service.calls("POST", path)[0]
    assert upload["args"] == {"token": TOKEN}
    assert upload["files"] == [("surat.pdf", b"%PDF-1.4 surat"), ("layar.png", b"\x89PNG layar")]
    receipt = gw.http.get("/terkirim").get_data(as_text=True)
    assert NUMBER in receipt and "2 lampiran ikut terkirim" in receipt
    assert f'href="/lacak?number={NUMBER}&amp;token={TOKEN}"' in receipt


def test_the_ticket_stands_when_attachments_cannot_be_taken_yet(gateway, fake_service):
    fake_service.answers["POST /api/v1/tickets"] = created  # no attachments route: 404
    gw = gateway()
    response = gw.http.post("/", follow_redirects=True, content_type="multipart/form-data",
                            data={**FORM, "csrf_token": gw.csrf("/"),
                                  "attachments": [(io.BytesIO(b"abc"), "foto.jpg")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and NUMBER in html
    assert "Lampiran belum dapat diterima" in html


def test_tracking_shows_status_priority_due_times_and_public_replies_in_wib(
        gateway, fake_service):
    fake_service.answers[f"GET /api/v1/track/{NUMBER}"] = lambda r: (
        (200, TRACKED) if r.args.get("token") == TOKEN else (404, {"error": {}}))
    gw = gateway()
    html = gw.http.get(f"/lacak?number={NUMBER}&token={TOKEN}").get_data(as_text=True)
    assert "Dalam Penanganan" in html and "Menengah" in html
    assert "2 Maret 2026 09:00 WIB" in html  # response due, 02:00 UTC
    assert "Teknisi menuju lokasi." in html and "Petugas Service Desk" in html
    assert 'action="/lacak/balas"' in html
    assert f'href="/api/v1/tickets/{NUMBER}/attachments/7?token={TOKEN}"' in html
    wrong = gw.http.get(f"/lacak?number={NUMBER}&token=wrong-token-123")
    assert wrong.status_code == 404 and "Tiket tidak ditemukan" in wrong.get_data(as_text=True)
    malformed = gw.http.get("/lacak?number=42&token=x")
    assert malformed.status_code == 422
    assert "f-number-error" in malformed.get_data(as_text=True)


def test_a_reply_from_the_tracking_page_reaches_intake_and_comes_back_to_the_page(
        gateway, fake_service):
    fake_service.answers[f"GET /api/v1/track/{NUMBER}"] = lambda r: (200, TRACKED)
    fake_service.answers[f"POST /api/v1/track/{NUMBER}/replies"] = lambda r: (201, {"id": 1})
    gw = gateway()
    csrf = gw.csrf(f"/lacak?number={NUMBER}&token={TOKEN}")
    empty = gw.http.post("/lacak/balas", data={"number": NUMBER, "token": TOKEN, "body": " ",
                                               "csrf_token": csrf})
    assert empty.status_code == 422 and "Tulis balasan" in empty.get_data(as_text=True)
    response = gw.http.post("/lacak/balas", data={
        "number": NUMBER, "token": TOKEN, "body": "Sudah saya restart.", "csrf_token": csrf})
    assert response.status_code == 303
    assert f"number={NUMBER}" in response.headers["Location"]
    call = fake_service.calls("POST", f"/api/v1/track/{NUMBER}/replies")[0]
    assert call["json"] == {"body": "Sudah saya restart."} and call["args"] == {"token": TOKEN}
    page = gw.http.get(response.headers["Location"]).get_data(as_text=True)
    assert "Balasan Anda sudah terkirim." in page


def test_when_intake_is_down_the_form_keeps_what_was_typed(gateway, fake_service):
    fake_service.answers["POST /api/v1/tickets"] = lambda r: (503, {"error": {
        "code": "service_unavailable", "message": "down", "details": {}}})
    gw = gateway()
    response = gw.http.post("/", data={**FORM, "csrf_token": gw.csrf("/")})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Tiket belum dapat dikirim" in html
    assert 'value="warga@example.com"' in html and "Wifi ruang rapat mati" in html
