"""The queue's bulk actions and "Ambil" in a real headless Chromium, at 1366x900 and 390x844:
an operator prioritises and assigns several tickets at once (one refused ticket is reported and
does not stop the others), a technician takes a ticket from the queue and one from the ticket
page; each page after the form post already shows the result, and axe-core finds no serious
violation."""
from __future__ import annotations

import secrets

from playwright.sync_api import expect

AXE = "/static/vendor/axe-core/axe.min.js"
LAPTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "id-ID"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "id-ID"}


def log_in(page, stack, username: str):
    page.goto(stack.url("/staf/masuk"))
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(stack.demo_password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert "/staf/masuk" not in page.url
    return page


def serious_violations(page) -> list:
    page.add_script_tag(url=page.url.split("/staf")[0] + AXE)
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def tickets(stack, tag: str, count: int) -> list[str]:
    operator, made = stack.client("operator1"), []
    for i in range(count):
        created = operator.post("/api/v1/tickets", json={
            "title": f"Massal {tag} {i}: jaringan lambat", "body": "Lewat telepon.",
            "channel": "phone", "category": "Jaringan", "service": "Internet mati",
            "urgency": "low", "impact": "low", "contact_name": "Pak Budi",
            "guest_email": "budi@example.com"})
        assert created.status_code == 201, created.text
        made.append(created.json()["number"])
    return made


def row(page, number):
    return page.locator(f'tr[data-number="{number}"]')


def run_bulk(page, numbers, action: str, **fields):
    for number in numbers:
        row(page, number).get_by_label(f"Pilih {number}").check()
    page.locator("#bulk-action").select_option(label=action)
    if "priority" in fields:
        page.locator("#bulk-priority").select_option(fields["priority"])
    if "assign_to" in fields:
        page.locator("#bulk-assign-to").select_option(fields["assign_to"])
    if "reason" in fields:
        page.locator("#bulk-reason").fill(fields["reason"])
    page.get_by_role("button", name="Jalankan").click()
    page.wait_for_load_state()


def test_an_operator_prioritises_and_assigns_several_tickets_at_once(stack, browser, shots):
    tag = secrets.token_hex(3)
    first, second, taken = tickets(stack, tag, 3)
    # one of them is with a technician already: assigning it again is refused
    early = stack.client("operator1").post(f"/api/v1/tickets/{taken}/assign", json={
        "group": "network", "assignee": "tech-network-1", "diagnosis": "Dicek.",
        "reason": "Perlu teknisi."})
    assert early.status_code == 201, early.text
    page = log_in(browser.new_context(**LAPTOP).new_page(), stack, "operator1")
    page.goto(stack.url(f"/staf/tiket?q=Massal+{tag}"))
    for number in (first, second, taken):
        expect(row(page, number)).to_be_visible()

    run_bulk(page, [first, second, taken], "Ubah prioritas", priority="1",
             reason="Gangguan meluas di satu gedung.")
    for number in (first, second, taken):
        expect(page.get_by_text(f"{number}: Ubah prioritas berhasil.")).to_be_visible()
        expect(row(page, number).locator('td[data-label="Prioritas"]')).to_contain_text("1")

    run_bulk(page, [first, second, taken], "Tugaskan", assign_to="network/tech-network-2")
    shots.take(page, "bulk-assigned-1366")
    expect(page.get_by_text(f"{taken}: ditolak.")).to_be_visible()
    for number in (first, second):
        expect(page.get_by_text(f"{number}: Tugaskan berhasil.")).to_be_visible()
        expect(row(page, number).locator('td[data-label="Ditugaskan"]')).to_have_text(
            "tech-network-2")
    expect(row(page, taken).locator('td[data-label="Ditugaskan"]')).to_have_text(
        "tech-network-1")
    assert serious_violations(page) == []
    page.context.close()


def test_a_technician_takes_tickets_from_the_queue_and_the_ticket_page(stack, browser, shots):
    tag = secrets.token_hex(3)
    free, colleagues = tickets(stack, tag, 2)
    assigned = stack.client("operator1").post(f"/api/v1/tickets/{colleagues}/assign", json={
        "group": "network", "assignee": "tech-network-2", "diagnosis": "Dicek.",
        "reason": "Perlu teknisi."})
    assert assigned.status_code == 201, assigned.text
    page = log_in(browser.new_context(**PHONE).new_page(), stack, "tech-network-1")
    page.goto(stack.url(f"/staf/tiket?q=Massal+{tag}"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row(page, free).get_by_role("button", name=f"Ambil {free}").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"Tiket {free} Anda ambil.")).to_be_visible()
    expect(page.get_by_role("heading", name=free)).to_be_visible()
    assert "tech-network-1" in page.content()

    page.goto(stack.url(f"/staf/tiket/{colleagues}"))
    page.get_by_role("button", name="Ambil", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"Tiket {colleagues} Anda ambil.")).to_be_visible()
    expect(page.get_by_role("button", name="Ambil", exact=True)).to_have_count(0)
    shots.take(page, "taken-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    page.context.close()
