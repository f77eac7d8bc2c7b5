"""Bad input at the public door is a 4xx in the contract's shape, never a 500, and what the
gateway refuses never reaches a service."""
import json

from sqlalchemy import create_engine

from gateway.api import create_app
from servicedesk_common.settings import SERVICES
from servicedesk_common.testing import free_port


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert set(error) == {"code", "message", "details"}
    if code:
        assert error["code"] == code
    return error


def test_a_nul_byte_in_the_login_name_is_a_422_naming_the_field(gateway):
    gw = gateway()
    response = gw.http.post("/api/v1/auth/login",
                            json={"username": "admin\u0000", "password": "x"})
    assert "username" in _error(response, 422, "validation_failed")["details"]


def test_a_nul_byte_in_a_new_account_is_refused(gateway):
    gw = gateway()
    admin = gw.login("admin")
    response = gw.http.post("/api/v1/users", headers=admin, json={
        "username": "budi", "password": "kata-sandi-panjang-sekali", "role": "operator",
        "name": "Budi\u0000"})
    assert "name" in _error(response, 422)["details"]


def test_json_nested_5000_levels_is_a_400_and_never_forwarded(gateway, fake_service):
    gw = gateway()
    deep = "[" * 5000 + "]" * 5000
    response = gw.http.post("/api/v1/tickets", data=deep, content_type="application/json")
    _error(response, 400, "malformed_request")
    assert fake_service.calls("POST", "/api/v1/tickets") == []


def test_ordinary_nesting_and_brackets_inside_strings_pass(gateway, fake_service):
    fake_service.answers["POST /api/v1/tickets"] = lambda r: (201, {"number": "INC-1"})
    gw = gateway()
    body = {"title": "[" * 500, "body": "{" * 500, "tags": [[["a"]]]}
    response = gw.http.post("/api/v1/tickets", json=body)
    assert response.status_code == 201
    assert fake_service.calls("POST", "/api/v1/tickets")[0]["json"] == body


def test_a_vendor_json_body_over_the_limit_is_a_413(gateway, fake_service):
    gw = gateway(SERVICEDESK_MAX_JSON_BYTES=1000)
    body = json.dumps({"title": "x" * 2000})
    response = gw.http.post("/api/v1/tickets", data=body,
                            content_type="application/merge-patch+json")
    _error(response, 413, "too_large")
    assert fake_service.calls("POST", "/api/v1/tickets") == []


def test_a_nul_byte_in_a_query_or_path_is_refused_at_the_door(gateway, fake_service):
    gw = gateway()
    operator = gw.login("operator1")
    query = gw.http.get("/api/v1/tickets?q=printer%00", headers=operator)
    assert "q" in _error(query, 422)["details"]
    path = gw.http.get("/api/v1/tickets/INC%00", headers=operator)
    _error(path, 404, "not_found")
    assert fake_service.received == [] or all(
        "\x00" not in r["path"] for r in fake_service.received)


def test_a_doubled_slash_is_not_redirected(gateway, fake_service):
    gw = gateway()
    for path in ("//api/v1/catalog", "/api/v1//catalog", "/api//v1/catalog"):
        response = gw.http.get(path)
        assert response.status_code not in (301, 308), (path, response.headers)
        assert "Location" not in response.headers


def test_a_redirect_from_a_service_never_names_its_internal_address(gateway, fake_service):
    fake_service.answers["GET /api/v1/kb/articles"] = lambda r: (
        "", 308, {"Location": f"{fake_service.url}/api/v1/kb/articles/"})
    gw = gateway()
    response = gw.http.get("/api/v1/kb/articles")
    assert response.status_code == 308
    assert response.headers["Location"] == "/api/v1/kb/articles/"


def test_a_database_that_refuses_connections_is_a_503_with_retry_after(make_settings,
                                                                       fake_service):
    settings = make_settings("gateway", service_urls={s: fake_service.url for s in SERVICES})
    closed = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing")
    app = create_app(settings, engine=closed)
    response = app.test_client().post("/api/v1/auth/login",
                                      json={"username": "admin", "password": "x"})
    _error(response, 503, "service_unavailable")
    assert int(response.headers["Retry-After"]) > 0


def test_cr_lf_in_the_login_pages_next_is_ignored_not_a_500(gateway):
    gw = gateway()
    for target in ("/staf%0d%0aSet-Cookie:%20x=1", "/staf/tiket%0a", "/staf%09x"):
        page = gw.http.get(f"/staf/masuk?next={target}")
        assert page.status_code == 200, target
        login = gw.http.post(f"/staf/masuk?next={target}", data={
            "csrf_token": gw.csrf("/staf/masuk"), "username": "operator1",
            "password": gw.password})
        assert login.status_code in (302, 303), (target, login.status_code)
        assert "\n" not in login.headers["Location"] and "Set-Cookie" not in login.headers[
            "Location"]
        assert "x=1" not in login.headers.get("Set-Cookie", "")
        gw.http.post("/staf/keluar", data={"csrf_token": gw.csrf("/staf/masuk")})


def test_a_nul_byte_in_the_console_login_is_a_wrong_login_page(gateway):
    gw = gateway()
    page = gw.http.post("/staf/masuk", data={"csrf_token": gw.csrf("/staf/masuk"),
                                             "username": "admin\x00", "password": "x"})
    assert page.status_code == 401 and page.mimetype == "text/html"
    assert "Nama pengguna atau kata sandi salah." in page.get_data(as_text=True)


def test_a_page_number_past_the_limit_is_one_clear_message(gateway):
    gw = gateway()
    response = gw.http.get("/api/v1/users?page=99999999999999999999",
                           headers=gw.login("admin"))
    assert _error(response, 422)["details"]["page"] == [
        "Must be greater than or equal to 1 and less than or equal to 100000."]
