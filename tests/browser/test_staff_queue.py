"""Semua Tiket at 1366x900 and 390x844 in a real headless Chromium: open tickets by default (a
closed one is not in the queue), a dense row (the number on one line, a short title, the
requester and agency), sorting by a column header through the API, the person's filters back
on the next visit, and axe-core finding no serious violation."""
from __future__ import annotations

import secrets

from playwright.sync_api import expect

AXE = "/static/vendor/axe-core/axe.min.js"
LAPTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "id-ID"}


def log_in(page, stack, username: str):
    page.goto(stack.url("/staf/masuk"))
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(stack.demo_password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert "/staf/masuk" not in page.url
    return page


def serious_violations(page) -> list:
    page.add_script_tag(url=stack_root(page) + AXE)
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact}))""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def stack_root(page) -> str:
    return page.url.split("/staf")[0]


def tickets(stack) -> tuple[str, str]:
    """An open ticket with a long title, an agency and a contact, and a closed one."""
    operator, tag = stack.client("operator1"), secrets.token_hex(3)
    made = []
    for title in (f"Antrean {tag}: internet mati di ruang rapat lantai dua sejak pagi hari "
                  "dan belum ada perbaikan", f"Antrean {tag}: printer selesai"):
        created = operator.post("/api/v1/tickets", json={
            "title": title, "body": "Dilaporkan lewat telepon.", "channel": "phone",
            "category": "Jaringan", "service": "Internet mati", "urgency": "medium",
            "impact": "medium", "contact_name": "Bu Rina", "agency": "Dinas Pendidikan",
            "guest_email": "rina@example.com"})
        assert created.status_code == 201, created.text
        made.append(created.json()["number"])
    closed = operator.post(f"/api/v1/tickets/{made[1]}/close", json={"resolution": "Beres."})
    assert closed.status_code == 200, closed.text
    return made[0], made[1]


def test_the_queue_is_open_dense_sortable_and_remembers(stack, browser, shots):
    open_one, closed_one = tickets(stack)
    context = browser.new_context(**LAPTOP)
    page = log_in(context.new_page(), stack, "operator2")
    expect(page.get_by_role("heading", name="Semua Tiket")).to_be_visible()
    row = page.locator(f'tr[data-number="{open_one}"]')
    expect(row).to_be_visible()
    expect(page.locator(f'tr[data-number="{closed_one}"]')).to_have_count(0)
    shots.take(page, "queue-1366")
    number = row.locator('td[data-label="Nomor"] a').bounding_box()["height"]
    height = row.bounding_box()["height"]
    assert number < 30, number  # the number on one line, not three
    assert height < 120, height  # a row a few lines high: many fit on the screen
    expect(row.locator('td[data-label="Judul"]')).to_contain_text("…")
    expect(row.locator('td[data-label="Pelapor"]')).to_contain_text("Bu Rina")
    expect(row.locator('td[data-label="Pelapor"]')).to_contain_text("Dinas Pendidikan")

    page.get_by_role("link", name="Prioritas", exact=True).click()
    page.wait_for_load_state()
    assert "sort=priority" in page.url
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Prioritas")
    page.goto(stack.url("/staf/tiket"))
    assert "sort=priority" in page.url  # this person's order came back
    assert serious_violations(page) == []

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="id-ID").new_page()
    log_in(phone, stack, "operator2")
    phone.goto(stack.url("/staf/tiket"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    expect(phone.locator(f'tr[data-number="{open_one}"]')).to_be_visible()
    shots.take(phone, "queue-390")
    context.close()
    phone.context.close()
