"""The gateway's guards: security headers, request size limits, rate limits on public writes,
CSRF for the pages, and the role table of access.py, all installed on the app at start."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from flask import Flask, request, session
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

from servicedesk_common.errors import ApiError, Forbidden, TooLarge, Unauthorized
from servicedesk_common.settings import env, env_float, env_int
from servicedesk_common.web import current_identity, is_json

from . import access
from .domain import RateLimiter

CSRF_FIELD = "csrf_token"

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")
# Swagger UI sets style attributes from its scripts; still no inline script.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


@dataclass(frozen=True)
class GuardSettings:
    max_request_bytes: int
    max_json_bytes: int
    public_post_rate: float
    public_post_burst: int
    proxy_count: int
    cookie_secure: bool

    @classmethod
    def from_env(cls) -> GuardSettings:
        return cls(
            max_request_bytes=env_int("SERVICEDESK_MAX_REQUEST_BYTES", 25 * 1024 * 1024),
            max_json_bytes=env_int("SERVICEDESK_MAX_JSON_BYTES", 1024 * 1024),
            public_post_rate=env_float("SERVICEDESK_PUBLIC_POST_RATE", 2.0),
            public_post_burst=env_int("SERVICEDESK_PUBLIC_POST_BURST", 60),
            proxy_count=env_int("SERVICEDESK_TRUSTED_PROXIES", 0),
            cookie_secure=env("SERVICEDESK_COOKIE_SECURE", "0") == "1",
        )


class RateLimited(ApiError):
    status, code = 429, "rate_limited"


class CsrfFailed(ApiError):
    status, code = 400, "csrf_failed"


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def csrf_token() -> str:
    """The session's CSRF token (made on first use); every page form sends it back."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _staff_session() -> bool:
    """Console users post with a signed session, not a bearer token: they are not anonymous,
    and a whole office behind one address must not share the public posts' budget."""
    return bool(session.get("staff_token"))


def install_guards(app: Flask, guards: GuardSettings) -> None:
    if guards.proxy_count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=guards.proxy_count,
                                x_proto=guards.proxy_count, x_host=guards.proxy_count)
    app.config.update(
        MAX_CONTENT_LENGTH=guards.max_request_bytes, MAX_FORM_PARTS=200,
        SESSION_COOKIE_NAME="sd_session", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=guards.cookie_secure)
    app.secret_key = app.extensions["servicedesk"].settings.secret_key
    app.jinja_env.globals["csrf_token"] = csrf_token
    limiter = RateLimiter(rate=guards.public_post_rate, burst=guards.public_post_burst)

    @app.before_request
    def _guard():
        # Runs after the bearer identity is read (install order in api.py).
        identity = current_identity()
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            _check_size(guards)
            if identity is None and not _staff_session() \
                    and request.path != "/api/v1/auth/login" \
                    and not limiter.allow(request.remote_addr or "?"):
                raise RateLimited("Too many submissions from your address; wait a moment.")
            if not is_api(request.path):
                _check_csrf()
        if request.path.startswith("/api/v1/"):
            rule = access.rule_for(request.method, request.path)
            refused = access.refusal(rule, identity, has_token=bool(request.args.get("token")))
            if refused == 401:
                raise Unauthorized("Log in first: send 'Authorization: Bearer <token>'.")
            if refused == 403:
                raise Forbidden(f"Your role ({identity.role}) may not do this.")
        return None

    @app.after_request
    def _headers(response):
        headers = response.headers
        path = request.path
        if path == "/api/docs" or path.startswith("/api/docs/"):
            csp = DOCS_CSP
        elif is_api(path):
            csp = API_CSP
        else:
            csp = PAGE_CSP
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Tracking and survey links carry their token in the URL: never hand it on.
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if guards.cookie_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")
        if response.status_code == 429:
            headers.setdefault("Retry-After", "2")
        return response


def _check_size(guards: GuardSettings) -> None:
    """A JSON body has a smaller limit than an upload (MAX_CONTENT_LENGTH covers uploads)."""
    if is_json(request.mimetype) and (request.content_length or 0) > guards.max_json_bytes:
        raise TooLarge(f"The JSON body is larger than {guards.max_json_bytes} bytes.")


def _check_csrf() -> None:
    expected = session.get("csrf")
    try:
        sent = request.form.get(CSRF_FIELD, "")
    except BadRequest:
        sent = ""
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise CsrfFailed("The form has expired or did not come from this site; reload it.")
