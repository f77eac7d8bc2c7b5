"""The survey page in a real headless Chromium, on a phone-sized screen with JavaScript off:
the client can read it without zooming sideways, sees an error next to the question left
unanswered, and reaches the thank-you page."""
from __future__ import annotations

PHONE_WIDTH = 390  # the conftest's phone


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def closed_ticket_survey_url(stack) -> str:
    """A guest's ticket, closed by the operator, and the survey link the ticket then shows."""
    guest, operator = stack.client(), stack.client("operator1")
    created = guest.post("/api/v1/tickets", json={
        "title": "Aplikasi SIMPEG tidak bisa dibuka", "body": "Muncul pesan galat 500.",
        "category": "Aplikasi", "service": "Aplikasi down", "guest_email": "budi@example.com",
        "contact_name": "Budi"})
    assert created.status_code == 201, created.text
    ticket = created.json()
    number = ticket["number"]
    assert operator.patch(f"/api/v1/tickets/{number}",
                          json={"urgency": "medium", "impact": "medium"}).status_code == 200
    closed = operator.post(f"/api/v1/tickets/{number}/close", json={"resolution": "Dipulihkan."})
    assert closed.status_code == 200, closed.text
    seen = operator.eventually(f"/api/v1/tickets/{number}",
                               lambda t: (t.get("survey") or {}).get("url"), timeout=15)
    return stack.url("/survei/" + seen["survey"]["url"].rsplit("/", 1)[1])


def test_survey_on_a_phone_without_javascript(stack, phone_without_js, shots):
    url = closed_ticket_survey_url(stack)
    page = phone_without_js
    page.goto(url)
    assert page.title().startswith("Survei Kepuasan")
    assert no_sideways_scroll(page)
    assert page.get_by_label("Nama").input_value() == "Budi"  # prefilled from the ticket

    groups = page.get_by_role("group")
    assert groups.count() == 10
    first = page.get_by_role("group", name="1. Apakah anda puas dengan metode penyampaian "
                                           "masalah?")
    assert first.get_by_role("radio").count() == 5
    for number in range(1, 11):
        if number == 4:
            continue  # forgotten
        page.locator(f"#f-q{number}").get_by_label("Memuaskan", exact=True).check()
    page.get_by_label("Saran untuk perbaikan layanan kami").fill("Terima kasih, cepat.")
    page.get_by_role("button", name="Kirim Survei").click()
    shots.take(page, "survey-errors")

    assert "Periksa kembali isian berikut" in page.inner_text(".error-summary")
    error = page.locator("#f-q4-error")
    assert error.inner_text().strip() == "Pilih salah satu jawaban."
    assert page.locator("#f-q4 fieldset").get_attribute("aria-invalid") == "true"
    assert page.locator("#f-q3").get_by_label("Memuaskan", exact=True).is_checked()
    assert page.get_by_label("Saran untuk perbaikan layanan kami").input_value() == \
        "Terima kasih, cepat."

    page.locator("#f-q4").get_by_label("Sangat Memuaskan").check()
    page.get_by_role("button", name="Kirim Survei").click()
    assert page.url.endswith("/terima-kasih")
    assert page.get_by_role("heading", name="Terima kasih").is_visible()
    assert no_sideways_scroll(page)

    page.goto(url)  # the link again: answered once, no second form
    assert page.get_by_role("heading", name="Survei sudah diisi").is_visible()
    assert page.locator("form").count() == 0
    shots.take(page, "survey-answered")
