"""The staff console in a real headless Chromium, as the SOP clicks it: an operator takes a
web-submitted ticket from Semua Tiket through verification, prioritising, escalation and
closure; the technician resolves it on a phone. Fixtures (browser, desktop, phone, shots) are
tests/browser/conftest.py's; screenshots go to test-artifacts/browser/<test>/."""
from __future__ import annotations

import secrets
import time

from playwright.sync_api import expect

PHONE_WIDTH = 390  # the shared `phone` fixture's viewport (tests/browser/conftest.py)


def log_in(page, stack, username: str):
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


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def web_ticket(stack) -> str:
    title = f"Internet mati di ruang rapat {secrets.token_hex(3)}"
    created = stack.client().post("/api/v1/tickets", json={
        "title": title, "body": "Sejak pagi wifi dan kabel LAN tidak tersambung ke internet.",
        "category": "Jaringan", "service": "Internet mati", "guest_email": "warga@example.com",
        "contact_name": "Rina"})
    assert created.status_code == 201, created.text
    return created.json()["number"]


def test_operator_takes_a_web_ticket_to_closure_and_a_technician_resolves_it_on_a_phone(
        stack, desktop, phone, shots):
    operator = log_in(desktop, stack, "operator1")
    expect(operator.get_by_role("heading", name="Semua Tiket")).to_be_visible()

    # A client reports through the web form while the list is open: the row appears by itself.
    number = web_ticket(stack)
    row = operator.locator(f'tr[data-number="{number}"]')
    expect(row).to_be_visible(timeout=25000)
    expect(operator.locator("#feed-status")).to_contain_text("tiket baru")
    expect(row).to_contain_text("Diajukan")
    shots.take(operator, "operator-list-new-ticket")

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
    shots.take(operator, "operator-edit-priority")
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
    shots.take(operator, "operator-assigned")

    # The technician, on a phone: Tiket Ditugaskan > Lihat > Tulis Solusi.
    technician = log_in(phone, stack, "tech-network-1")
    expect(technician.get_by_role("heading", name="Tiket Ditugaskan")).to_be_visible()
    reload_until(technician, technician.get_by_role("link", name=f"Lihat {number}"))
    assert fits(technician)
    shots.take(technician, "technician-queue-phone")
    technician.get_by_role("link", name=f"Lihat {number}").click()
    reload_until(technician, technician.get_by_role("textbox", name="Solusi", exact=True))
    assert fits(technician)
    expect(technician.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    solution = technician.get_by_role("textbox", name="Solusi", exact=True)
    solution.fill("Switch lantai 2 diganti; koneksi pulih.")
    technician.get_by_role("button", name="Kirim Solusi").click()
    expect(technician.locator(".flash-success")).to_contain_text("Solusi dikirim")
    shots.take(technician, "technician-resolved-phone")

    # Back to the operator: told by a notification; the solution is on the ticket; close it.
    operator.goto(stack.url("/staf/pemberitahuan"))
    reload_until(operator, operator.get_by_text(f"Tiket {number} telah diselesaikan"))
    operator.get_by_role("link", name=f"Lihat {number}").first.click()
    reload_until(operator, operator.get_by_text("Switch lantai 2 diganti; koneksi pulih."))
    operator.get_by_label("Catatan penyelesaian").fill("Koneksi pulih setelah switch diganti.")
    operator.get_by_role("button", name="Tutup Tiket (Selesai)").click()
    expect(operator.locator(".flash-success")).to_contain_text("Tiket ditutup")
    expect(operator.locator(".ticket-summary")).to_contain_text("Selesai")
    shots.take(operator, "operator-closed")

    seen = stack.client("operator1").get(f"/api/v1/tickets/{number}").json()
    assert seen["status"] == "done"
    assert seen["priority"] == 1
    assert seen["assignee"] == "tech-network-1"
    # No script error and no Content-Security-Policy refusal on any screen of the way.
    assert operator.console_problems == [] and technician.console_problems == []
