"""The supervisor's KPI dashboard (/dasbor) in a real headless Chromium: behind the console's
login, the indicators of this month and last, three charts drawn on the server as SVG (nothing
loaded from another site, no script needed), the month as CSV, readable on a phone.
Screenshots go to test-artifacts/dashboard/."""
from __future__ import annotations

import csv
import io
import secrets
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
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


def new_page(browser, viewport=None, **options):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900},
                                  locale="id-ID", **options)
    context.set_default_timeout(20000)
    return context.new_page()


def log_in(page, stack, username: str) -> None:
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(stack.demo_password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def some_tickets(stack) -> None:
    """A web ticket and a closed priority-1 ticket with its survey answered, this month: the
    charts have bars."""
    operator = stack.client("operator1")
    guest = stack.client().post("/api/v1/tickets", json={
        "title": f"Internet mati {secrets.token_hex(3)}", "body": "Sejak pagi.",
        "category": "Jaringan", "service": "Internet mati", "guest_email": "warga@example.com"})
    assert guest.status_code == 201, guest.text
    recorded = operator.post("/api/v1/tickets", json={
        "title": "Server aplikasi down", "body": "Tidak bisa diakses.", "channel": "phone",
        "category": "Hardware", "service": "Server down", "urgency": "high", "impact": "high",
        "contact_phone": "0351 462 111"})
    assert recorded.status_code == 201, recorded.text
    number = recorded.json()["number"]
    operator.eventually(f"/api/v1/tickets/{number}", lambda t: t["priority"] == 1)
    assert operator.post(f"/api/v1/tickets/{number}/close",
                         json={"resolution": "Server dinyalakan ulang."}).status_code == 200
    url = operator.eventually(f"/api/v1/tickets/{number}",
                              lambda t: (t.get("survey") or {}).get("url"))["survey"]["url"]
    answered = stack.client().post(f"/api/v1/surveys/{url.rsplit('/', 1)[1]}", json={
        "answers": [4] * 10, "respondent": {"name": "Responden"}})
    assert answered.status_code == 201, answered.text


def test_a_supervisor_reads_the_months_kpis_and_charts_and_downloads_the_csv(stack, browser):
    some_tickets(stack)
    page = new_page(browser, accept_downloads=True)
    elsewhere = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if not request.url.startswith(stack.base_url) else None)

    page.goto(stack.url("/dasbor"))
    assert "/staf/masuk" in page.url  # the console's login guards it, and comes back here
    log_in(page, stack, "supervisor1")
    assert page.url.endswith("/dasbor"), page.url
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Jakarta"))
    month = f"{MONTHS[today.month - 1]} {today.year}"
    expect(page.get_by_role("heading", name=f"Dasbor KPI · {month}")).to_be_visible()

    table = page.get_by_role("table").first
    expect(table.get_by_role("columnheader", name=month)).to_be_visible()
    for label in ("Tiket yang dilaporkan melalui aplikasi (web)", "Target waktu respons "
                  "terpenuhi", "Eskalasi diselesaikan grup level 2 yang tepat (tanpa "
                  "pengalihan)", "Jumlah tiket Selesai", "Rata-rata skor kepuasan (1-5)"):
        expect(table.get_by_role("rowheader", name=label)).to_be_visible()
    web = page.locator('tr[data-indicator="recording_web"] td[data-month="this"]')
    expect(web).to_contain_text(" dari ")  # the counts behind the share
    done = page.locator('tr[data-indicator="tickets_done"] td[data-month="this"] .kpi-value')
    assert int(done.inner_text()) >= 1

    for name in ("Tiket per hari menurut prioritas", "Target SLA terpenuhi per prioritas",
                 "Rata-rata skor kepuasan per pertanyaan"):
        expect(page.get_by_role("img", name=name).first).to_be_visible()
    days = page.locator("svg#grafik-harian rect.bar-p1")
    assert days.count() >= 1
    assert page.locator("svg#grafik-sla rect").count() == 6  # 3 priorities x 2 targets
    shot(page, "desktop")

    with page.expect_download() as download:
        page.get_by_role("link", name=month, exact=True).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    [web_row] = [r for r in rows if r["indicator"] == "recording_web" and r["split"] == "all"]
    assert int(web_row["denominator"]) >= 2 and int(web_row["numerator"]) >= 1

    page.get_by_label("Bulan").fill("2025-01")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("heading", name="Dasbor KPI · Januari 2025")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Desember 2024")).to_be_visible()
    assert elsewhere == []  # no CDN, no other site: everything came from the gateway

    page.add_script_tag(url=stack.url("/static/vendor/axe-core/axe.min.js"))
    result = page.evaluate("() => axe.run(document.querySelector('main'))")
    serious = [(v["id"], v["help"]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_dashboard_fits_a_phone_and_is_refused_to_an_operator(stack, browser):
    phone = new_page(browser, viewport={"width": 360, "height": 740})
    phone.goto(stack.url("/staf/masuk"))
    log_in(phone, stack, "supervisor1")
    phone.goto(stack.url("/dasbor"))
    expect(phone.get_by_role("img", name="Tiket per hari menurut prioritas").first) \
        .to_be_visible()
    wider = phone.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => `${e.tagName} ${e.className.baseVal ?? e.className} ${e.id}`)""")
    assert wider == []  # nothing sideways: no horizontal scrolling on a phone
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "phone")

    operator = new_page(browser)
    operator.goto(stack.url("/staf/masuk"))
    log_in(operator, stack, "operator1")
    response = operator.goto(stack.url("/dasbor"))
    assert response.status == 403
