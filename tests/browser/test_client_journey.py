"""A client's whole way in a real Chromium on a phone, JavaScript off: report a problem with an
attachment, keep the number, track the ticket, reply, read the desk's answer, and answer the
survey once the ticket is closed. Screenshots of every step under test-artifacts/browser/."""
from __future__ import annotations

import re
import time

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe"
       b"\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_client_reports_tracks_replies_and_answers_the_survey(stack, phone_without_js, shots):
    page = phone_without_js
    operator = stack.client("operator1")

    page.goto(stack.url("/"))
    assert page.get_by_role("heading", name="Laporkan Masalah").is_visible()
    assert no_sideways_scroll(page)
    shots.take(page, "form")

    # Sent without the required fields: the errors stand next to their fields.
    page.get_by_role("button", name="Kirim Laporan").click()
    assert page.locator(".error-summary").is_visible()
    assert "alamat email" in page.locator("#f-guest_email-error").inner_text()
    assert page.locator("#f-body-error").is_visible()
    assert page.locator("#f-guest_email").get_attribute("aria-invalid") == "true"
    assert no_sideways_scroll(page)
    shots.take(page, "form-errors")

    page.get_by_label("Jenis tiket").select_option(label="Insiden")
    page.get_by_label("Kategori").select_option("Jaringan")
    page.get_by_label("Layanan").select_option("Internet mati")
    page.get_by_label("Uraian masalah").fill("Internet di ruang rapat lantai 2 mati sejak "
                                             "pukul 08.00.")
    page.get_by_label("Email").fill("sari@example.com")
    page.get_by_label("Nama").fill("Sari Wulandari")
    page.get_by_label("Telepon").fill("0351 462 000")
    page.get_by_label("Instansi").fill("Dinas Pendidikan")
    page.get_by_label("Lampiran").set_input_files([
        {"name": "layar.png", "mimeType": "image/png", "buffer": PNG},
        {"name": "catatan.txt", "mimeType": "text/plain",
         "buffer": b"Lampu router merah berkedip.\n"}])
    shots.take(page, "form-filled")
    page.get_by_role("button", name="Kirim Laporan").click()

    # The receipt: the number and the tracking link.
    assert page.get_by_role("heading", name="Laporan terkirim").is_visible()
    number = page.locator("#nomor-tiket").inner_text().strip()
    assert re.fullmatch(r"INC-\d{4}-\d{6}", number)
    assert "2 lampiran ikut terkirim" in page.inner_text("main")
    link = page.locator("#tautan-lacak").get_attribute("href")
    assert link.startswith(f"/lacak?number={number}&token=")
    assert no_sideways_scroll(page)
    shots.take(page, "receipt")

    page.locator("#tautan-lacak").click()
    assert page.locator("#nomor-tiket").inner_text() == number
    assert page.locator("#status-tiket").inner_text() == "Diajukan"
    assert "Internet di ruang rapat" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="catatan.txt").click()
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == b"Lampu router merah berkedip.\n"
    shots.take(page, "tracking")

    # The client replies from the tracking page.
    page.get_by_label("Balasan").fill("Sudah saya nyalakan ulang, masih mati.")
    page.get_by_role("button", name="Kirim Balasan").click()
    assert page.get_by_role("status").filter(has_text="Balasan Anda sudah terkirim").is_visible()
    assert page.locator(".message.from-client").filter(
        has_text="Sudah saya nyalakan ulang, masih mati.").is_visible()
    shots.take(page, "tracking-replied")

    # The desk answers; the client sees it with the page's next load.
    answer = operator.post(f"/api/v1/tickets/{number}/replies",
                           json={"body": "Teknisi jaringan kami menuju lokasi."})
    assert answer.status_code == 201, answer.text
    note = operator.post(f"/api/v1/tickets/{number}/replies",
                         json={"body": "Catatan internal: cek switch.", "internal": True})
    assert note.status_code == 201, note.text
    page.reload()
    staff_says = page.locator(".message.from-staff")
    assert staff_says.filter(has_text="Teknisi jaringan kami menuju lokasi.").is_visible()
    assert "Catatan internal" not in page.inner_text("main")
    shots.take(page, "tracking-desk-answer")

    # Closed: the tracking page offers the survey; the client answers it.
    assert operator.patch(f"/api/v1/tickets/{number}",
                          json={"urgency": "medium", "impact": "medium"}).status_code == 200
    closed = operator.post(f"/api/v1/tickets/{number}/close",
                           json={"resolution": "Kabel switch diganti."})
    assert closed.status_code == 200, closed.text
    deadline = time.monotonic() + 20
    while page.locator("#tautan-survei").count() == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    assert page.locator("#status-tiket").inner_text() == "Selesai"
    shots.take(page, "tracking-done")
    page.locator("#tautan-survei").click()
    assert page.title().startswith("Survei Kepuasan"), (page.url, page.inner_text("body")[:600])
    assert page.get_by_label("Nama").input_value() == "Sari Wulandari"
    for question in range(1, 11):
        page.locator(f"#f-q{question}").get_by_label("Sangat Memuaskan").check()
    page.get_by_label("Saran untuk perbaikan layanan kami").fill("Cepat dan ramah.")
    assert no_sideways_scroll(page)
    shots.take(page, "survey")
    page.get_by_role("button", name="Kirim Survei").click()
    assert page.get_by_role("heading", name="Terima kasih").is_visible()
    shots.take(page, "survey-thanks")

    ticket = operator.eventually(f"/api/v1/tickets/{number}",
                                 lambda t: (t.get("survey") or {}).get("score") is not None,
                                 timeout=15)
    assert ticket["survey"]["score"] == 5
    assert {a["filename"] for a in ticket["attachments"]} == {"layar.png", "catatan.txt"}
    assert ticket["contact_name"] == "Sari Wulandari" and ticket["agency"] == "Dinas Pendidikan"


def test_with_javascript_the_form_offers_only_fitting_choices_and_nothing_breaks_the_csp(
        stack, phone, shots):
    page = phone
    page.goto(stack.url("/"))
    page.get_by_label("Jenis tiket").select_option("access_request")
    visible = page.locator("#f-category option:not([hidden])").all_inner_texts()
    assert [text for text in visible if text != "Pilih kategori..."] == ["Akses"]
    page.get_by_label("Jenis tiket").select_option("incident")
    page.get_by_label("Kategori").select_option("Hardware")
    groups = page.locator("#f-service optgroup:not([hidden])")
    assert groups.count() > 0
    assert all(label.startswith("Hardware") for label in
               [groups.nth(i).get_attribute("label") for i in range(groups.count())])
    shots.take(page, "form-filtered")
    assert page.console_problems == []

    page.goto(stack.url("/api/docs"))
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Service desk API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary-path", has_text="/api/v1/tickets").first.wait_for()
    shots.take(page, "api-docs")
    assert not [p for p in page.console_problems if "Content Security Policy" in p]
