"""The queue's bulk actions, "Ambil" and canned replies in a real headless Chromium, at 1366x900
and 390x844: an operator prioritises and assigns several tickets at once (one refused ticket is
reported and does not stop the others) and answers them with a canned reply; a technician takes
a ticket from the queue and one from the ticket page; the supervisor keeps the templates. Each
page after the form post already shows the result; axe-core finds no serious violation."""
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


def test_an_operator_prioritises_assigns_and_answers_several_tickets(stack, browser, shots):
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

    template = f"Sedang ditangani {tag}"
    made = stack.client("supervisor1").post("/api/v1/canned-replies", json={
        "title": template, "body": "Yth. {contact_name}, tiket {number} sedang ditangani "
        "teknisi {assignee}."})
    assert made.status_code == 201, made.text
    for number in (first, second):
        page.goto(stack.url(f"/staf/tiket/{number}"))
        page.get_by_label("Templat balasan").select_option(label=template)
        page.get_by_role("button", name="Pakai templat").click()
        page.wait_for_load_state()
        filled = f"Yth. Pak Budi, tiket {number} sedang ditangani teknisi tech-network-2."
        expect(page.locator("#f-reply-body")).to_have_value(filled)
        page.get_by_role("button", name="Kirim", exact=True).click()
        page.wait_for_load_state()
        expect(page.locator(".replies").get_by_text(filled)).to_be_visible()
        expect(page.locator("#f-reply-body")).to_have_value("")
    shots.take(page, "canned-reply-sent-1366")
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
    assert serious_violations(page) == []
    page.goto(stack.url(f"/staf/tiket?q=Massal+{tag}"))  # without axe's script
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


def test_the_supervisor_keeps_canned_replies_in_the_console(stack, browser, shots):
    title = f"Mohon tunggu {secrets.token_hex(3)}"
    page = log_in(browser.new_context(**PHONE).new_page(), stack, "supervisor1")
    page.goto(stack.url("/staf/templat-balasan"))
    page.locator("#f-title-new").fill(title)
    page.locator("#f-body-new").fill("Tiket {nomor} kami terima.")
    page.get_by_role("button", name="Tambah").click()
    expect(page.locator(".problem, .field-error").first).to_contain_text("{nomor}")
    expect(page.locator("#f-title-new")).to_have_value(title)  # what was typed is kept
    page.locator("#f-body-new").fill("Tiket {number} kami terima, {contact_name}.")
    page.get_by_role("button", name="Tambah").click()
    expect(page.get_by_text(f"Templat “{title}” ditambahkan.")).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    shots.take(page, "canned-replies-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    page.get_by_role("button", name=f"Hapus templat {title}").click()
    expect(page.get_by_text("Templat dihapus.")).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_have_count(0)
    page.context.close()
