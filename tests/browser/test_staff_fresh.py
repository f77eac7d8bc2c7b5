"""Read-your-writes in the console, in a real headless Chromium: after each SOP action the page
the user lands on already shows what the action caused, though other services (triage for the
priority, escalation for the assignee and the solution) apply it a moment later. No reloads
here: the first page after the click must be right."""
from __future__ import annotations

import secrets

from playwright.sync_api import expect


def log_in(page, stack, username: str):
    page.goto(stack.url("/staf/masuk"))
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(stack.demo_password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert "/staf/masuk" not in page.url, page.content()
    return page


def web_ticket(stack) -> str:
    created = stack.client().post("/api/v1/tickets", json={
        "title": f"Switch lantai 3 mati {secrets.token_hex(3)}",
        "body": "Semua komputer di lantai 3 tidak dapat terhubung ke jaringan.",
        "category": "Jaringan", "service": "Internet mati", "guest_email": "warga@example.com"})
    assert created.status_code == 201, created.text
    return created.json()["number"]


def details(page, term: str):
    """The value next to `term` in Rincian Tiket, as first rendered."""
    return page.locator(f'.pairs dt:text-is("{term}") + dd')


def test_verify_escalate_and_resolve_each_land_on_the_state_they_caused(
        stack, desktop, phone, shots):
    number = web_ticket(stack)
    operator = log_in(desktop, stack, "operator1")
    operator.goto(stack.url(f"/staf/tiket/{number}/edit"))
    operator.get_by_label("Status Tiket").select_option("new")
    operator.get_by_role("group", name="Level Urgensi").get_by_label("Tinggi").check()
    operator.get_by_role("group", name="Level Dampak").get_by_label("Menengah").check()
    operator.get_by_role("button", name="Simpan").click()
    operator.wait_for_load_state()
    assert "Belum" not in details(operator, "Prioritas").inner_text()
    assert operator.locator(".ticket-summary .prio-1").count() == 1, \
        details(operator, "Prioritas").inner_text()
    shots.take(operator, "verified-priority-shown")

    operator.get_by_role("link", name="Tugaskan", exact=True).click()
    operator.get_by_label("Grup / teknisi").select_option("network/tech-network-1")
    operator.get_by_label("Diagnosis awal").fill("Switch lantai 3 tidak menyala.")
    operator.get_by_label("Alasan eskalasi").fill("Perlu teknisi jaringan di lokasi.")
    operator.get_by_role("button", name="Tugaskan").click()
    operator.wait_for_load_state()
    expect(operator.locator(".flash-success")).to_contain_text("ditugaskan")
    assert details(operator, "Ditugaskan").inner_text().startswith("tech-network-1")
    shots.take(operator, "escalated-assignee-shown")

    technician = log_in(phone, stack, "tech-network-1")
    technician.goto(stack.url(f"/staf/tiket/{number}"))
    technician.get_by_role("textbox", name="Solusi", exact=True).fill(
        "Adaptor switch diganti; jaringan lantai 3 pulih.")
    technician.get_by_role("button", name="Kirim Solusi").click()
    technician.wait_for_load_state()
    assert technician.url.endswith(f"/staf/tiket/{number}"), technician.url
    message = technician.locator(".flash-success")
    expect(message).to_contain_text("Solusi dikirim")
    expect(message).to_be_in_viewport()
    expect(technician.get_by_role("button", name="Kirim Solusi")).to_have_count(0)
    expect(technician.get_by_text("Adaptor switch diganti; jaringan lantai 3 pulih.").first
           ).to_be_attached()
    shots.take(technician, "resolved-on-phone")
    assert operator.console_problems == [] and technician.console_problems == []
