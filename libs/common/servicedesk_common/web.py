"""App factory pieces every web process shares: errors in the contract's shape, request ids,
identity, health, readiness and metrics."""
from __future__ import annotations

import importlib
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass
from functools import wraps

from flask import Flask, Response, current_app, g, jsonify, request
from flask_smorest import Api
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from . import metrics
from .db import make_engine, session_factory
from .errors import (
    HTTP_CODES,
    ApiError,
    Forbidden,
    Invalid,
    NotFound,
    TooLarge,
    Unauthorized,
    error_body,
)
from .identity import HEADER as IDENTITY_HEADER
from .identity import Identity, read_identity
from .logs import configure_logging, request_id_var
from .schemas import INT_MAX, has_control_chars
from .settings import Settings, env_int

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
DATABASE_RETRY_AFTER = "5"


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: a number no id column holds matches no route (a 404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(url_map, *args, **kwargs)


@dataclass
class Runtime:
    settings: Settings
    engine: object
    sessions: object


def runtime() -> Runtime:
    return current_app.extensions["servicedesk"]


def create_base_app(settings: Settings, *, title: str, engine=None) -> tuple[Flask, Api]:
    configure_logging(f"{settings.service}-web", settings.log_level)
    # root_path from the imported package: a same-named folder in the working directory (the
    # repository's gateway/) must not be taken for it.
    package = importlib.import_module(settings.service)
    app = Flask(settings.service, root_path=os.path.dirname(os.path.abspath(package.__file__)))
    app.config.update(
        API_TITLE=title, API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=64 * 1024 * 1024, JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False
    app.url_map.converters["int"] = DatabaseId
    # `//x` would be a 308 to this process's own (internal) address.
    app.url_map.merge_slashes = False
    engine = engine or make_engine(settings)
    app.extensions["servicedesk"] = Runtime(settings, engine, session_factory(engine))
    api = Api(app)
    install_request_id(app)
    install_input_guards(app, max_json_bytes=env_int("SERVICEDESK_MAX_JSON_BYTES", 1024 * 1024),
                         max_json_depth=env_int("SERVICEDESK_MAX_JSON_DEPTH", 64))
    install_identity(app, settings.identity_key)
    install_error_handlers(app)
    install_operations(app)
    return app, api


def install_request_id(app: Flask) -> None:
    @app.before_request
    def _take_request_id():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()
        request_id_var.set(g.request_id)

    @app.after_request
    def _give_request_id(response: Response):
        rid = getattr(g, "request_id", None) or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = rid
        service = app.name
        metrics.HTTP_REQUESTS.labels(service, request.method, str(response.status_code)).inc()
        if hasattr(g, "started"):
            metrics.HTTP_LATENCY.labels(service).observe(time.perf_counter() - g.started)
        return response


def is_json(mimetype: str) -> bool:
    """`application/json` and every `application/*+json`, as the body parsers take them."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json"))


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest (brackets inside strings do not count)."""
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", body))
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def install_input_guards(app: Flask, *, max_json_bytes: int, max_json_depth: int) -> None:
    """Input no handler should see: control characters in the path or query, a JSON body
    too large or nested too deep for the parser (a RecursionError would be a 500)."""
    @app.before_request
    def _check_input():
        if has_control_chars(request.path):
            raise NotFound(f"No such resource {request.path!r}.")
        refused = sorted({name for name, value in request.args.items(multi=True)
                          if has_control_chars(name) or has_control_chars(value)})
        if refused:
            raise Invalid("Query parameters must not contain control characters (such as NUL).",
                          details={name: ["Must not contain control characters."]
                                   for name in refused})
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and is_json(request.mimetype):
            _check_json_body(max_json_bytes, max_json_depth)


def _check_json_body(max_bytes: int, max_depth: int) -> None:
    if (request.content_length or 0) > max_bytes:
        raise TooLarge(f"The JSON body is larger than {max_bytes} bytes.")
    body = request.get_data(cache=True)
    if len(body) > max_bytes:
        raise TooLarge(f"The JSON body is larger than {max_bytes} bytes.")
    if body.count(b"[") + body.count(b"{") > max_depth and json_depth(body) > max_depth:
        raise ApiError(f"The JSON body nests deeper than {max_depth} levels.",
                       code="malformed_request")


def install_identity(app: Flask, secret: str) -> None:
    @app.before_request
    def _read_identity():
        g.identity = read_identity(request.headers.get(IDENTITY_HEADER), secret)


def current_identity() -> Identity | None:
    return getattr(g, "identity", None)


def request_id() -> str | None:
    return getattr(g, "request_id", None)


def require(*roles: str):
    """Allow only these roles (any authenticated user when none are named)."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            identity = current_identity()
            if identity is None:
                raise Unauthorized("Log in first: send 'Authorization: Bearer <token>'.")
            if roles and identity.role not in roles:
                raise Forbidden(f"Your role ({identity.role}) may not do this.")
            return view(*args, **kwargs)
        return wrapper
    return decorator


def _validation_details(data: dict | None) -> dict:
    """webargs nests messages by location ({"json": {...}}); the contract wants field -> list."""
    messages = (data or {}).get("messages") or {}
    details: dict = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            details.update(location_messages)
        else:
            details.setdefault("_body", []).extend(location_messages)
    return details


def install_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.body()), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        code = HTTP_CODES.get(status, "error")
        details = _validation_details(getattr(exc, "data", None))
        message = exc.description or code
        if status == 422:
            message = "Some fields are not valid: " + ", ".join(sorted(details)) + "."
        elif status == 400 and details:
            message = "The request body is not valid JSON."
        response = jsonify(error_body(code, message, details))
        response.status_code = status
        valid_methods = getattr(exc, "valid_methods", None)
        if status == 405 and valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        return response

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError):
        if isinstance(exc, DataError):
            # A value the schemas let through but the column refuses: still the caller's.
            log.warning("event=database_refused_value path=%s error=%r", request.path, exc.orig)
            return jsonify(error_body("validation_failed", "A value is out of range or not "
                                      "allowed here.")), 422
        if not (exc.connection_invalidated or isinstance(exc, OperationalError)):
            return _unexpected(exc)
        log.warning("event=database_unavailable path=%s error=%r", request.path, exc.orig)
        return _database_unavailable()

    @app.errorhandler(PoolTimeout)
    def _pool_exhausted(exc: PoolTimeout):
        log.warning("event=database_pool_exhausted path=%s", request.path)
        return _database_unavailable()

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("event=unhandled_error path=%s", request.path)
        return jsonify(error_body("internal_error",
                                  f"Something went wrong on our side (request {request_id()}).")
                       ), 500


def _database_unavailable():
    response = jsonify(error_body("service_unavailable", "The database is not answering; "
                                  "nothing was saved. Please try again shortly."))
    response.status_code = 503
    response.headers["Retry-After"] = DATABASE_RETRY_AFTER
    return response


def install_operations(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "service": app.name}

    @app.get("/readyz")
    def readyz():
        # The database only: a web process never uses the broker (its outbox keeps the events
        # until a worker's relay publishes them), so a broker outage must not take it out.
        checks = {"database": _database_ok()}
        ready = all(checks.values())
        return {"status": "ready" if ready else "not_ready", "checks": checks}, (
            200 if ready else 503)

    @app.get("/metrics")
    def prometheus():
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def _database_ok() -> bool:
    try:
        with runtime().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
        log.warning("event=readiness_database_failed error=%r", exc)
        return False
