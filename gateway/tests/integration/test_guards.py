"""Security headers, request size limits, rate limits on public posts, CSRF on page posts."""
import io
import re


def test_pages_carry_a_content_security_policy_without_inline_script_and_frame_options(
        gateway):
    gw = gateway()
    page = gw.http.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html)  # no inline event handlers either


def test_api_answers_carry_strict_headers_too(gateway):
    gw = gateway()
    response = gw.http.get("/api/v1/catalog")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_json_body_over_the_limit_is_a_413_in_the_contract_shape(gateway, fake_service):
    gw = gateway(SERVICEDESK_MAX_JSON_BYTES=1000)
    response = gw.http.post("/api/v1/tickets", json={"title": "x" * 2000})
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
    assert fake_service.calls("POST", "/api/v1/tickets") == []


def test_an_upload_over_the_request_limit_is_refused_before_it_reaches_a_service(
        gateway, fake_service):
    gw = gateway(SERVICEDESK_MAX_REQUEST_BYTES=5000)
    operator = gw.login("operator1")
    api = gw.http.post("/api/v1/tickets/INC-2026-000001/attachments", headers=operator,
                       data={"file": (io.BytesIO(b"x" * 10000), "big.bin")})
    assert api.status_code == 413 and api.json["error"]["code"] == "too_large"
    page = gw.http.post("/", data={"csrf_token": gw.csrf(), "body": "y" * 10000})
    assert page.status_code == 413 and "Berkas terlalu besar" in page.get_data(as_text=True)
    assert fake_service.calls("POST", "/api/v1/tickets/INC-2026-000001/attachments") == []


def test_anonymous_posts_are_rate_limited_but_logged_in_staff_are_not(gateway, fake_service):
    fake_service.answers["POST /api/v1/tickets"] = lambda r: (201, {"number": "INC-1"})
    gw = gateway(SERVICEDESK_PUBLIC_POST_BURST=3, SERVICEDESK_PUBLIC_POST_RATE=0.001)
    statuses = [gw.http.post("/api/v1/tickets", json={}).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = gw.http.post("/api/v1/track/INC-1/replies?token=t", json={"body": "hi"})
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert refused.headers["Retry-After"]
    page = gw.http.post("/lacak/balas", data={"csrf_token": gw.csrf()})
    assert page.status_code == 429 and "Terlalu banyak" in page.get_data(as_text=True)
    operator = gw.login("operator1")
    assert gw.http.post("/api/v1/tickets", json={}, headers=operator).status_code == 201


def test_a_page_post_without_the_sessions_csrf_token_is_refused(gateway, fake_service):
    gw = gateway()
    token = gw.csrf("/")
    form = {"number": "INC-2026-000001", "token": "abcdefghijkl", "body": "Masih mati."}
    missing = gw.http.post("/lacak/balas", data=form)
    wrong = gw.http.post("/lacak/balas", data={**form, "csrf_token": token[::-1]})
    for response in (missing, wrong):
        assert response.status_code == 400
        assert response.mimetype == "text/html"
        assert "Muat ulang" in response.get_data(as_text=True)
    other_browser = gw.app.test_client()
    stolen = other_browser.post("/lacak/balas", data={**form, "csrf_token": token})
    assert stolen.status_code == 400
    assert fake_service.calls("POST", "/api/v1/track/INC-2026-000001/replies") == []


def test_an_unknown_page_is_an_indonesian_404_page(gateway):
    gw = gateway()
    response = gw.http.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_console_users_posting_with_their_session_do_not_spend_the_public_budget(
        gateway, fake_service):
    fake_service.answers["POST /api/v1/tickets"] = lambda r: (201, {"number": "INC-1"})
    gw = gateway(SERVICEDESK_PUBLIC_POST_BURST=2, SERVICEDESK_PUBLIC_POST_RATE=0.001)
    gw.http.post("/staf/masuk", data={"username": "operator1", "password": gw.password,
                                      "csrf_token": gw.csrf("/staf/masuk")})
    statuses = [gw.http.post("/api/v1/tickets", json={}).status_code for _ in range(4)]
    assert 429 not in statuses
    anonymous = gw.app.test_client()
    assert [anonymous.post("/api/v1/tickets", json={}).status_code for _ in range(3)][-1] == 429


def test_metrics_answer_only_the_scraper_holding_the_metrics_token(gateway, monkeypatch):
    monkeypatch.delenv("SERVICEDESK_METRICS_TOKEN", raising=False)
    assert gateway().http.get("/metrics").status_code == 404
    gw = gateway(SERVICEDESK_METRICS_TOKEN="scraper-token-for-tests")
    operator = gw.login("operator1")
    for headers in ({}, {"Authorization": "Bearer wrong"}, operator):
        refused = gw.http.get("/metrics", headers=headers)
        assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"
    scraped = gw.http.get("/metrics", headers={"Authorization": "Bearer scraper-token-for-tests"})
    assert scraped.status_code == 200 and b"# TYPE" in scraped.data


def test_answers_for_a_signed_in_user_are_never_cached(gateway, fake_service):
    fake_service.answers["GET /api/v1/groups"] = lambda r: (
        {"items": [{"code": "egov"}]}, 200, {"Cache-Control": "public, max-age=600"})
    gw = gateway()
    operator = gw.login("operator1")
    for path in ("/api/v1/auth/me", "/api/v1/groups"):
        response = gw.http.get(path, headers=operator)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
