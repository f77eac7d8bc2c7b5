"""The staff console in a real headless Chromium, as the SOP clicks it: an operator takes a
web-submitted ticket from Semua Tiket through verification, prioritising, escalation and
closure; the technician resolves it on a phone. Screenshots go to test-artifacts/staff/."""
from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "staff"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (tests/browser/conftest.py has no shared fixture
    yet; this one follows the brief's launch options)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    playwright = sync_api.sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


def expect(target):
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(target)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def logged_in(browser, stack, username: str, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="id-ID")
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(stack.url("/staf/masuk"))
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(stack.demo_password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert "/staf/masuk" not in page.url, page.content()
    return page


def reload_until(page, locator, timeout: float = 20.0) -> None:
    """Other services fill some fields a moment later: look again, as a user would."""
    deadline = time.monotonic() + timeout
    while locator.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    expect(locator.first).to_be_visible()


def web_ticket(stack) -> str:
    title = f"Internet mati di ruang rapat {secrets.token_hex(3)}"
    created = stack.client().post("/api/v1/tickets", json={
        "title": title, "body": "Sejak pagi wifi dan kabel LAN tidak tersambung ke internet.",
        "category": "Jaringan", "service": "Internet mati", "guest_email": "warga@example.com",
        "contact_name": "Rina"})
    assert created.status_code == 201, created.text
    return created.json()["number"]


def test_operator_takes_a_web_ticket_to_closure_and_a_technician_resolves_it_on_a_phone(
        stack, browser):
    operator = logged_in(browser, stack, "operator1")
    expect(operator.get_by_role("heading", name="Semua Tiket")).to_be_visible()

    # A client reports through the web form while the list is open: the row appears by itself.
    number = web_ticket(stack)
    row = operator.locator(f'tr[data-number="{number}"]')
    expect(row).to_be_visible(timeout=25000)
    expect(operator.locator("#feed-status")).to_contain_text("tiket baru")
    expect(row).to_contain_text("Diajukan")
    shot(operator, "01-operator-list-new-ticket")

    # Lihat > Edit: verify (Diajukan -> Baru).
    row.get_by_role("link", name=f"Lihat {number}").click()
    expect(operator.get_by_role("heading", level=1)).to_contain_text(number)
    operator.get_by_role("link", name="Edit", exact=True).click()
    operator.get_by_label("Status Tiket").select_option("new")
    operator.get_by_role("button", name="Simpan").click()
    expect(operator.locator(".flash-success")).to_contain_text("Tiket diperbarui")
    expect(operator.locator(".ticket-summary")).to_contain_text("Baru")

    # Edit again: urgency and impact with the SOP's descriptions -> priority 1; diagnosis starts.
    operator.get_by_role("link", name="Edit", exact=True).click()
    expect(operator.get_by_text("Layanan tidak tersedia", exact=True)).to_be_visible()
    operator.get_by_role("group", name="Level Urgensi").get_by_label("Tinggi").check()
    operator.get_by_role("group", name="Level Dampak").get_by_label("Menengah").check()
    expect(operator.locator("#priority-computed")).to_have_text("1 · Tinggi")
    operator.get_by_label("Status Tiket").select_option("in_progress")
    shot(operator, "02-operator-edit-priority")
    operator.get_by_role("button", name="Simpan").click()
    expect(operator.locator(".ticket-summary")).to_contain_text("Dalam Penanganan")
    reload_until(operator, operator.locator(".ticket-summary .prio-1"))

    # Tugaskan: the escalation form to the network group's technician.
    operator.get_by_role("link", name="Tugaskan", exact=True).click()
    operator.get_by_label("Grup / teknisi").select_option("network/tech-network-1")
    operator.get_by_label("Diagnosis awal").fill("Switch lantai 2 mati; kabel sudah dicek.")
    operator.get_by_label("Alasan eskalasi").fill("Perlu akses ke ruang server jaringan.")
    operator.get_by_role("button", name="Tugaskan").click()
    expect(operator.locator(".flash-success")).to_contain_text("ditugaskan")
    reload_until(operator, operator.get_by_text("tech-network-1").first)
    shot(operator, "03-operator-assigned")

    # The technician, on a phone: Tiket Ditugaskan > Lihat > Tulis Solusi.
    technician = logged_in(browser, stack, "tech-network-1", viewport=PHONE)
    expect(technician.get_by_role("heading", name="Tiket Ditugaskan")).to_be_visible()
    reload_until(technician, technician.get_by_role("link", name=f"Lihat {number}"))
    assert technician.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(technician, "04-technician-queue-phone")
    technician.get_by_role("link", name=f"Lihat {number}").click()
    reload_until(technician, technician.get_by_role("textbox", name="Solusi", exact=True))
    assert technician.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(technician.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    technician.get_by_role("textbox", name="Solusi", exact=True).fill("Switch lantai 2 diganti; koneksi pulih.")
    technician.get_by_role("button", name="Kirim Solusi").click()
    expect(technician.locator(".flash-success")).to_contain_text("Solusi dikirim")
    shot(technician, "05-technician-resolved-phone")

    # Back to the operator: the solution is on the ticket; close it.
    operator.reload()
    reload_until(operator, operator.get_by_text("Switch lantai 2 diganti; koneksi pulih."))
    operator.get_by_label("Catatan penyelesaian").fill("Koneksi pulih setelah switch diganti.")
    operator.get_by_role("button", name="Tutup Tiket (Selesai)").click()
    expect(operator.locator(".flash-success")).to_contain_text("Tiket ditutup")
    expect(operator.locator(".ticket-summary")).to_contain_text("Selesai")
    shot(operator, "06-operator-closed")

    seen = stack.client("operator1").get(f"/api/v1/tickets/{number}").json()
    assert seen["status"] == "done"
    assert seen["priority"] == 1
    assert seen["assignee"] == "tech-network-1"
