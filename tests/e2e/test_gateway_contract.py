"""The gateway as `make run` starts it (gunicorn in front of every service): one OpenAPI
document for the whole contract, the docs page, security headers, and bad input answered in
the contract's error shape, never a 500 or an HTML page under /api/."""


def test_one_openapi_document_covers_the_services_and_the_docs_page_shows_it(stack, anonymous):
    doc = anonymous.get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    for path in ("/api/v1/auth/login", "/api/v1/users", "/api/v1/tickets",
                 "/api/v1/tickets/{number}", "/api/v1/track/{number}", "/api/v1/catalog",
                 "/api/v1/priority-matrix", "/api/v1/groups", "/api/v1/sla/policies",
                 "/api/v1/surveys/{token}"):
        assert path in paths, path
    assert all(path.startswith("/api/v1/") for path in paths)
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    docs = anonymous.get("/api/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert anonymous.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_bad_input_is_answered_in_the_contract_shape_with_security_headers(stack, anonymous,
                                                                           operator):
    answers = {
        "malformed JSON": anonymous.post("/api/v1/tickets", data=b"{not json",
                                         headers={"Content-Type": "application/json"}),
        "missing fields": anonymous.post("/api/v1/tickets", json={"title": "x"}),
        "unknown ticket": operator.get("/api/v1/tickets/INC-2026-999999"),
        "unknown route": anonymous.get("/api/v1/nothing"),
        "wrong method": anonymous.delete("/api/v1/catalog"),
        "bad token": anonymous.get("/api/v1/auth/me",
                                   headers={"Authorization": "Bearer forged"}),
        "bad page": operator.get("/api/v1/tickets?page=0"),
    }
    expected = {"malformed JSON": 400, "missing fields": 422, "unknown ticket": 404,
                "unknown route": 404, "wrong method": 405, "bad token": 401, "bad page": 422}
    for name, response in answers.items():
        assert response.status_code == expected[name], (name, response.text)
        assert response.headers["Content-Type"].startswith("application/json"), name
        assert response.json()["error"]["code"], name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["X-Request-ID"], name
    assert set(answers["missing fields"].json()["error"]["details"]) >= {"body", "title"}

    page = anonymous.get("/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "sd_session=" in page.headers["Set-Cookie"]
    assert "HttpOnly" in page.headers["Set-Cookie"]
    assert "SameSite=Lax" in page.headers["Set-Cookie"]
