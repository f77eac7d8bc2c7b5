"""The staff console for keyboards, screen readers and phones: axe-core (vendored in
gateway/gateway/static/vendor/axe-core, loaded from the site itself so the CSP allows it) finds
no serious or critical violation on each role's screens; the skip link comes first; a ticket is
opened and edited with the keyboard alone; the technician's screens fit a phone's width."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

AXE = "/static/vendor/axe-core/axe.min.js"
SERIOUS = ("serious", "critical")
PHONE_WIDTH = 390


def log_in(page, stack, username: str):
    page.goto(stack.url("/staf/masuk"))
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(stack.demo_password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert "/staf/masuk" not in page.url
    return page


def violations(page) -> list[dict]:
    """axe-core's serious and critical findings on the page as it is now, all <details>
    opened so the forms inside them are checked too."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=page.url.split("/staf")[0].split("/dasbor")[0] + AXE)
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in SERIOUS]


@pytest.fixture
def web_ticket(stack) -> str:
    created = stack.client().post("/api/v1/tickets", json={
        "title": "Aplikasi SIMPEG down", "body": "Halaman login tidak terbuka sejak pagi.",
        "category": "Aplikasi", "service": "Aplikasi down", "guest_email": "warga@example.com"})
    assert created.status_code == 201, created.text
    return created.json()["number"]


def test_no_serious_accessibility_violation_on_the_operators_screens(stack, desktop, shots,
                                                                       web_ticket):
    page = desktop
    page.goto(stack.url("/staf/masuk"))
    assert violations(page) == []
    log_in(page, stack, "operator1")
    for path in ("/staf/tiket", f"/staf/tiket/{web_ticket}", f"/staf/tiket/{web_ticket}/edit",
                 f"/staf/tiket/{web_ticket}/tugaskan", "/staf/tiket/baru", "/staf/ditugaskan",
                 "/staf/pengetahuan"):
        page.goto(stack.url(path))
        assert violations(page) == [], path
    shots.take(page, "operator-last-screen-checked")


@pytest.mark.parametrize("username, paths", [
    ("supervisor1", ("/staf/tiket", "/staf/survei")),
    ("km1", ("/staf/pengetahuan", "/staf/pengetahuan/baru", "/staf/pengetahuan/sinonim")),
    ("admin", ("/staf/admin", "/staf/admin/pengguna", "/staf/admin/grup", "/staf/admin/katalog",
               "/staf/admin/matriks", "/staf/admin/sla", "/staf/admin/kelompok-pengguna")),
])
def test_no_serious_accessibility_violation_on_each_roles_screens(stack, desktop, username,
                                                                    paths):
    log_in(desktop, stack, username)
    for path in paths:
        desktop.goto(stack.url(path))
        assert violations(desktop) == [], path


def test_technician_screens_fit_a_phone_and_pass_axe(stack, phone, shots, web_ticket):
    log_in(phone, stack, "tech-egov-1")
    for path in ("/staf/ditugaskan", "/staf/tiket", f"/staf/tiket/{web_ticket}"):
        phone.goto(stack.url(path))
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, path
        assert violations(phone) == [], path
        shots.take(phone, path.strip("/").replace("/", "-"))


def test_the_console_works_from_the_keyboard(stack, desktop, web_ticket):
    page = desktop
    page.goto(stack.url("/staf/masuk"))
    expect(page.get_by_label("Nama pengguna")).to_be_focused()  # autofocus
    page.keyboard.type("operator1")
    page.keyboard.press("Tab")
    page.keyboard.type(stack.demo_password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Semua Tiket")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Langsung ke konten")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "konten"

    page.goto(stack.url(f"/staf/tiket/{web_ticket}"))
    edit = page.get_by_role("link", name="Edit", exact=True)
    for _ in range(40):  # Tab through the page until Edit has the focus
        page.keyboard.press("Tab")
        if edit.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Edit is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit Tiket")
    page.get_by_label("Status Tiket").focus()
    page.keyboard.press("ArrowDown")  # Diajukan -> Baru
    expect(page.get_by_label("Status Tiket")).to_have_value("new")
    page.get_by_role("button", name="Simpan").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".ticket-summary")).to_contain_text("Baru")
