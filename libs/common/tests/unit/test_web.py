"""The web pieces every service shares: errors in the contract's shape, request ids."""
import pytest
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import create_engine

from servicedesk_common.errors import Conflict, Invalid
from servicedesk_common.settings import Settings
from servicedesk_common.web import REQUEST_ID_HEADER, create_base_app


class TicketIn(Schema):
    title = fields.String(required=True)
    priority = fields.Integer(required=True)


def build_app(monkeypatch, tmp_path):
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", "k" * 32)
    monkeypatch.setenv("SERVICEDESK_DATA_DIR", str(tmp_path))
    # Any importable package serves as the "service" for the app's root path.
    settings = Settings.from_env("servicedesk_common")
    app, api = create_base_app(settings, title="test", engine=create_engine("sqlite://"))
    blp = Blueprint("things", __name__, url_prefix="/api/v1")

    @blp.route("/tickets")
    class Tickets(MethodView):
        @blp.arguments(TicketIn)
        @blp.response(201)
        def post(self, data):
            return data

    @blp.route("/boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    @blp.route("/conflict")
    def conflict():
        raise Conflict("The ticket is already closed.")

    @blp.route("/invalid")
    def invalid():
        raise Invalid("Pick a known category.", field="category")

    api.register_blueprint(blp)
    return app


@pytest.fixture
def client(monkeypatch, tmp_path):
    return build_app(monkeypatch, tmp_path).test_client()


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.is_json, response.data[:200]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    return error


def test_malformed_json_body_is_a_400_in_the_error_shape(client):
    response = client.post("/api/v1/tickets", data=b'{"title": ',
                           headers={"Content-Type": "application/json"})

    assert_error_shape(response, 400, "malformed_request")


def test_an_unknown_api_path_is_a_404_in_json(client):
    assert_error_shape(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_a_method_the_route_does_not_allow_is_a_405_in_json_with_allow(client):
    response = client.delete("/api/v1/tickets")

    assert_error_shape(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_schema_validation_failure_is_a_422_with_messages_per_field(client):
    response = client.post("/api/v1/tickets", json={"priority": "high"})

    error = assert_error_shape(response, 422, "validation_failed")
    assert set(error["details"]) == {"title", "priority"}
    assert all(isinstance(messages, list) for messages in error["details"].values())


def test_an_invalid_raised_by_a_view_is_a_422_naming_the_field(client):
    error = assert_error_shape(client.get("/api/v1/invalid"), 422, "validation_failed")

    assert error["details"] == {"category": ["Pick a known category."]}


def test_an_api_error_keeps_its_status_code_and_message(client):
    error = assert_error_shape(client.get("/api/v1/conflict"), 409, "conflict")

    assert error["message"] == "The ticket is already closed."


def test_an_unexpected_error_is_a_500_in_json_without_internals(client):
    response = client.get("/api/v1/boom", headers={REQUEST_ID_HEADER: "req-42"})

    error = assert_error_shape(response, 500, "internal_error")
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "hunter2" not in body and "RuntimeError" not in body
    assert "req-42" in error["message"]


def test_a_valid_request_id_is_echoed(client):
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: "abc-123.x:y"})

    assert response.headers[REQUEST_ID_HEADER] == "abc-123.x:y"


@pytest.mark.parametrize("incoming", [None, "", "has spaces", "x" * 200, "<script>;"])
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_fresh_one(client, incoming):
    headers = {} if incoming is None else {REQUEST_ID_HEADER: incoming}

    first = client.get("/healthz", headers=headers).headers[REQUEST_ID_HEADER]
    second = client.get("/healthz", headers=headers).headers[REQUEST_ID_HEADER]

    assert first and first != incoming and first != second


def test_error_responses_carry_the_request_id_too(client):
    response = client.get("/api/v1/nothing-here", headers={REQUEST_ID_HEADER: "req-404"})

    assert response.headers[REQUEST_ID_HEADER] == "req-404"
