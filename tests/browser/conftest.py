"""Browser tests: Debian's Chromium (/usr/bin/chromium, installed by `make browser`, part of
`make test`) driven by Playwright for Python, which downloads no browser of its own.

Fixtures: `browser` (one Chromium per module), `phone` / `desktop` (a fresh context and page
per test), `shots` (numbered screenshots). Screenshots are kept under
test-artifacts/browser/<test>/ (git-ignored), plus one named `failure` when a test fails."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("SERVICEDESK_CHROMIUM") or shutil.which("chromium") or \
    "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "id-ID"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "id-ID"}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash.setdefault(_FAILED, report.failed)
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. Module scope, not session: Playwright's sync API runs
    one instance per thread at a time, so a module that starts its own must find none left
    running by another module."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make browser` (apt-get install chromium) "
                    "or set SERVICEDESK_CHROMIUM.", pytrace=False)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                          headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


class Shots:
    """page -> test-artifacts/browser/<test>/<NN>-<name>.png, full page."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request) -> Shots:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:120]
    return Shots(ARTIFACTS / safe)


def _page(browser, shots, request, options: dict):
    context = browser.new_context(**options)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.console_problems = []  # CSP refusals and script errors show up here
    page.on("console", lambda message: page.console_problems.append(message.text)
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: page.console_problems.append(str(error)))
    yield page
    if request.node.stash.get(_FAILED, False):
        try:
            shots.take(page, "failure")
        except Exception:  # noqa: BLE001 - a screenshot must not hide the failure itself
            pass
    context.close()


@pytest.fixture
def phone(browser, shots, request):
    """A phone-sized page (390x844, touch), JavaScript on."""
    yield from _page(browser, shots, request, PHONE)


@pytest.fixture
def phone_without_js(browser, shots, request):
    """A phone-sized page with JavaScript off: the pages must work without it."""
    yield from _page(browser, shots, request, {**PHONE, "java_script_enabled": False})


@pytest.fixture
def desktop(browser, shots, request):
    yield from _page(browser, shots, request, DESKTOP)
