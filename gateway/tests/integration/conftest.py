"""The gateway app on a real PostgreSQL database, in front of a fake service (a small HTTP
server that records what reached it and answers as a test tells it)."""
from __future__ import annotations

import re
import threading

import pytest
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from gateway.api import create_app
from gateway.prepare import prepare
from servicedesk_common.identity import HEADER, read_identity
from servicedesk_common.settings import SERVICES, derive_key
from servicedesk_common.testing import TEST_SECRET_KEY, free_port

DEMO_PASSWORD = "demo-password-for-tests"
# The identity key of make_settings' secret: the fake reads identities signed with it
SECRET = derive_key(TEST_SECRET_KEY, "service-identity")

CATALOG = {
    "types": [{"code": "incident", "name": "Insiden",
               "categories": ["Aplikasi", "Jaringan", "Hardware", "Data"]},
              {"code": "access_request", "name": "Permintaan Akses", "categories": ["Akses"]}],
    "categories": [{"name": "Jaringan", "details": [{"name": "Internet", "services": [
        {"code": "internet-mati", "name": "Internet mati"}]}]}],
}


class FakeService:
    """Answers every path; `answers["POST /api/v1/tickets"] = fn(request) -> (status, body)`."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: dict = {"GET /api/v1/catalog": lambda r: (200, CATALOG)}
        app = Flask("fake-service")

        @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        def answer(path):
            identity = read_identity(request.headers.get(HEADER), SECRET)
            self.received.append({
                "method": request.method, "path": request.path, "args": dict(request.args),
                "identity": identity, "json": request.get_json(silent=True),
                "files": [(f.filename, f.read()) for f in request.files.getlist("file")],
                "headers": dict(request.headers)})
            handler = self.answers.get(f"{request.method} {request.path}")
            if handler is None:
                return jsonify({"error": {"code": "not_found", "message": "fake: no route",
                                          "details": {}}}), 404
            result = handler(request)
            if isinstance(result, tuple) and isinstance(result[1], (dict, list)):
                return jsonify(result[1]), result[0]
            return result

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def calls(self, method: str, path: str) -> list[dict]:
        return [r for r in self.received if r["method"] == method and r["path"] == path]

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def fake_service():
    fake = FakeService()
    yield fake
    fake.stop()


class Gateway:
    password = DEMO_PASSWORD

    def __init__(self, app, settings):
        self.app = app
        self.settings = settings
        self.http = app.test_client()

    def login(self, username: str, password: str = DEMO_PASSWORD) -> dict:
        response = self.http.post("/api/v1/auth/login",
                                  json={"username": username, "password": password})
        assert response.status_code == 200, response.get_data(as_text=True)
        return {"Authorization": f"Bearer {response.json['access_token']}"}

    def csrf(self, page: str = "/lacak") -> str:
        html = self.http.get(page).get_data(as_text=True)
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if match:
            return match.group(1)
        with self.http.session_transaction() as session:  # a page without a form
            session.setdefault("csrf", "csrf-token-for-tests")
            return session["csrf"]


@pytest.fixture
def gateway(make_settings, fake_service, monkeypatch):
    """gateway(demo=True, urls=None, **environment) -> a Gateway on its own database."""
    def build(*, demo: bool = True, urls: dict | None = None, **environment) -> Gateway:
        for name, value in environment.items():
            monkeypatch.setenv(name, str(value))
        settings = make_settings("gateway", demo_password=DEMO_PASSWORD if demo else None,
                                 service_urls=urls or {s: fake_service.url for s in SERVICES})
        prepare(settings)
        return Gateway(create_app(settings), settings)

    return build


@pytest.fixture
def closed_port_urls() -> dict:
    """Every service at an address where nothing listens."""
    port = free_port()
    return {service: f"http://127.0.0.1:{port}" for service in SERVICES}
