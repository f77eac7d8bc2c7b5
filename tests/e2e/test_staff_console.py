"""The staff console (/staf) over HTTP as a browser without JavaScript uses it: the login form
and its session cookie, CSRF, what each role is shown and allowed, and the services' messages
next to the fields."""
from __future__ import annotations

import re
from html import unescape

import pytest
import requests


class Console(requests.Session):
    """A browser without JavaScript: follows no redirect by itself, sends the form's CSRF."""

    def __init__(self, stack):
        super().__init__()
        self.stack = stack

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 20)
        kwargs["allow_redirects"] = False  # get() asks to follow; we look at each step
        return super().request(method, self.stack.url(url), *args, **kwargs)

    def csrf(self, path: str = "/staf/masuk") -> str:
        page = self.get(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def submit(self, path: str, data: dict, *, form_page: str | None = None, **kwargs):
        return self.post(path, data={**data, "csrf_token": self.csrf(form_page or path)},
                         **kwargs)


def console(stack, username: str | None = None, password: str | None = None) -> Console:
    browser = Console(stack)
    if username:
        response = browser.submit("/staf/masuk", {
            "username": username, "password": password or stack.demo_password})
        assert response.status_code == 302, response.text
    return browser


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def web_ticket(stack, title: str) -> dict:
    created = stack.client().post("/api/v1/tickets", json={
        "title": title, "body": "Sejak pagi tidak bisa membuka aplikasi.",
        "category": "Aplikasi", "service": "Aplikasi down", "guest_email": "warga@example.com"})
    assert created.status_code == 201, created.text
    return created.json()


def test_login_sets_a_protected_session_cookie_and_opens_the_roles_home(stack):
    browser = Console(stack)
    response = browser.submit("/staf/masuk", {"username": "operator1",
                                              "password": stack.demo_password})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staf/tiket")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Semua Tiket" in browser.get("/staf/tiket").text

    technician = Console(stack)
    landed = technician.submit("/staf/masuk", {"username": "tech-network-1",
                                               "password": stack.demo_password})
    assert landed.headers["Location"].endswith("/staf/ditugaskan")


def test_wrong_password_and_client_accounts_are_refused_in_indonesian(stack):
    wrong = Console(stack).submit("/staf/masuk", {"username": "operator2",
                                                  "password": "not-the-password"})
    assert wrong.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in wrong.text
    client = Console(stack).submit("/staf/masuk", {"username": "client1",
                                                   "password": stack.demo_password})
    assert client.status_code == 403
    assert "bukan akun staf" in client.text


def test_console_pages_need_a_login_and_come_back_after_it(stack):
    browser = Console(stack)
    response = browser.get("/staf/tiket?status=new")
    assert response.status_code == 302
    assert "/staf/masuk?next=" in response.headers["Location"]
    back = browser.submit("/staf/masuk", {"username": "operator1",
                                          "password": stack.demo_password,
                                          "next": "/staf/tiket?status=new"})
    assert back.headers["Location"].endswith("/staf/tiket?status=new")
    outside = Console(stack).submit("/staf/masuk", {"username": "operator1",
                                                    "password": stack.demo_password,
                                                    "next": "https://evil.example/"})
    assert outside.headers["Location"].endswith("/staf/tiket")


def test_a_form_without_its_csrf_token_changes_nothing(stack):
    ticket = web_ticket(stack, "Aplikasi e-surat tidak bisa dibuka")
    browser = console(stack, "operator1")
    refused = browser.post(f"/staf/tiket/{ticket['number']}/balas",
                           data={"visibility": "public", "body": "Sudah kami cek."})
    assert refused.status_code == 400
    seen = stack.client("operator1").get(f"/api/v1/tickets/{ticket['number']}").json()
    assert not any(r["body"] == "Sudah kami cek." for r in seen["replies"])


def test_logout_ends_the_session(stack):
    browser = console(stack, "operator1")
    token = browser.csrf("/staf/tiket")
    assert browser.post("/staf/keluar", data={"csrf_token": token}).status_code == 302
    assert browser.get("/staf/tiket").status_code == 302


def test_ticket_page_offers_each_role_what_the_api_allows_it(stack):
    number = web_ticket(stack, "Aplikasi kepegawaian down")["number"]
    operator = text_of(console(stack, "operator1").get(f"/staf/tiket/{number}").text)
    for action in ("Edit", "Tugaskan", "Balas Tiket", "Tutup Tiket"):
        assert action in operator
    assert "Tunda Tiket" not in operator  # a hold is for a ticket being handled
    technician_browser = console(stack, "tech-egov-1")
    technician = text_of(technician_browser.get(f"/staf/tiket/{number}").text)
    assert "Balas Tiket" in technician
    for action in ("Edit", "Tugaskan", "Tutup Tiket", "Tunda Tiket"):
        assert action not in technician
    assert technician_browser.get(f"/staf/tiket/{number}/edit").status_code == 403
    assert technician_browser.get("/staf/tiket/baru").status_code == 403
    km = text_of(console(stack, "km1").get(f"/staf/tiket/{number}").text)
    assert "Edit" not in km and "Tutup Tiket" not in km
    supervisor = console(stack, "supervisor1")
    assert "Survei Kepuasan" in supervisor.get("/staf/tiket").text
    assert "Survei Kepuasan" not in console(stack, "operator1").get("/staf/tiket").text
    assert supervisor.get("/staf/admin/pengguna").status_code == 403


@pytest.mark.parametrize("field", ["title", "body"])
def test_a_services_validation_error_shows_next_to_its_field(stack, field):
    browser = console(stack, "operator1")
    data = {"title": "Printer tidak mencetak", "body": "Kertas macet terus.",
            "kategori": "incident|Hardware", "channel": "phone", field: ""}
    response = browser.submit("/staf/tiket/baru", data)
    assert response.status_code == 422
    error = re.search(rf'<p class="field-error" id="f-{field}-err">([^<]+)</p>', response.text)
    assert error, response.text
    assert f'aria-describedby="f-{field}-err"' in response.text
    assert 'value="Printer tidak mencetak"' in response.text or field == "title"
