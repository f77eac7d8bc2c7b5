"""Forwarding to the services: a service that is down or slow is a quick 503 in the contract's
shape; an upstream HTML error never reaches the caller; one merged OpenAPI document."""
import time

from flask import Response


def test_a_service_that_is_down_is_a_503_in_the_contract_shape_not_a_hang(
        gateway, closed_port_urls):
    gw = gateway(urls=closed_port_urls)
    started = time.monotonic()
    response = gw.http.get("/api/v1/catalog")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"
    assert response.json["error"]["details"] == {"service": "triage"}
    operator = gw.login("operator1")
    listing = gw.http.get("/api/v1/tickets", headers=operator)
    assert listing.status_code == 503 and listing.is_json


def test_the_pages_show_an_indonesian_page_when_a_service_is_down(gateway, closed_port_urls):
    gw = gateway(urls=closed_port_urls)
    response = gw.http.get("/")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert "Layanan sedang tidak tersedia" in response.get_data(as_text=True)


def test_a_service_slower_than_the_timeout_is_a_503(gateway, fake_service):
    def slow(request):
        time.sleep(3)
        return 200, {"items": []}

    fake_service.answers["GET /api/v1/groups"] = slow
    gw = gateway(SERVICEDESK_UPSTREAM_TIMEOUT=0.5)
    operator = gw.login("operator1")
    started = time.monotonic()
    response = gw.http.get("/api/v1/groups", headers=operator)
    assert time.monotonic() - started < 2.5
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"


def test_an_html_error_page_from_a_service_becomes_the_contract_shape(gateway, fake_service):
    fake_service.answers["GET /api/v1/catalog"] = lambda r: Response(
        "<html><body>Bad Gateway</body></html>", status=502, mimetype="text/html")
    gw = gateway()
    response = gw.http.get("/api/v1/catalog")
    assert response.status_code == 502
    assert response.json["error"]["code"] == "bad_gateway"


def test_requests_reach_the_service_that_owns_the_path_with_query_and_body(
        gateway, fake_service):
    fake_service.answers["POST /api/v1/tickets"] = lambda r: (201, {"number": "INC-1"})
    gw = gateway()
    created = gw.http.post("/api/v1/tickets?dry=1", json={"title": "Printer"},
                           headers={"X-Request-ID": "trace-42"})
    assert created.status_code == 201 and created.json == {"number": "INC-1"}
    call = fake_service.calls("POST", "/api/v1/tickets")[-1]
    assert call["json"] == {"title": "Printer"} and call["args"] == {"dry": "1"}
    assert call["headers"]["X-Request-Id"] == "trace-42"
    assert created.headers["X-Request-ID"] == "trace-42"


def test_unknown_api_paths_are_a_404_in_the_contract_shape(gateway):
    gw = gateway()
    for path in ("/api/v1/nothing-here", "/api/v2/tickets", "/api"):
        response = gw.http.get(path)
        assert response.status_code == 404, path
        assert response.json["error"]["code"] == "not_found"


def test_one_openapi_document_merges_the_services_public_paths(gateway, fake_service):
    fake_service.answers["GET /openapi.json"] = lambda r: (200, {
        "openapi": "3.0.3", "info": {"title": "fake", "version": "1"},
        "paths": {"/api/v1/catalog": {"get": {"summary": "The catalog"}},
                  "/healthz": {"get": {}}},
        "components": {"schemas": {"Catalog": {"type": "object"}}},
        "tags": [{"name": "Catalog"}]})
    gw = gateway()
    doc = gw.http.get("/api/v1/openapi.json").json
    assert doc["info"]["title"] == "Service desk API"
    assert doc["paths"]["/api/v1/catalog"]["get"]["summary"] == "The catalog"
    assert {"/api/v1/auth/login", "/api/v1/auth/me", "/api/v1/users"} <= set(doc["paths"])
    assert "/healthz" not in doc["paths"]
    assert "Catalog" in doc["components"]["schemas"]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_openapi_document_is_served_even_with_every_service_down(
        gateway, closed_port_urls):
    gw = gateway(urls=closed_port_urls)
    response = gw.http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/auth/login" in response.json["paths"]


def test_the_docs_page_is_served_from_the_installed_package_without_inline_script(gateway):
    gw = gateway()
    page = gw.http.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/api/v1/openapi.json" in html
    assert "<script>" not in html and "unpkg" not in html and "cdn" not in html.lower()
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"].split(
        "script-src")[1].split(";")[0]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        response = gw.http.get(f"/api/docs/assets/{asset}")
        assert response.status_code == 200 and len(response.data) > 10000, asset
    assert gw.http.get("/static/api-docs.js").status_code == 200
    assert gw.http.get("/api/docs/assets/index.html").status_code == 404
