"""The gateway's guards: path tricks refused, security headers, request size limits, rate limits
on public writes, CSRF for the pages, and the route catalogue's door check (only declared routes,
only for their roles), all installed on the app at start."""
from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, g, request, session
from werkzeug.exceptions import BadRequest, MethodNotAllowed
from werkzeug.middleware.proxy_fix import ProxyFix

from servicedesk_common.errors import ApiError, Forbidden, NotFound, TooLarge, Unauthorized
from servicedesk_common.routes import CATALOGUE, PREFIX, NotDeclared, WrongMethod
from servicedesk_common.settings import env, env_int
from servicedesk_common.web import current_identity, is_json, runtime

from . import auth, limits

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
    proxy_count: int
    cookie_secure: bool

    @classmethod
    def from_env(cls) -> GuardSettings:
        return cls(
            max_request_bytes=env_int("SERVICEDESK_MAX_REQUEST_BYTES", 25 * 1024 * 1024),
            max_json_bytes=env_int("SERVICEDESK_MAX_JSON_BYTES", 1024 * 1024),
            proxy_count=env_int("SERVICEDESK_TRUSTED_PROXIES", 0),
            cookie_secure=env("SERVICEDESK_COOKIE_SECURE", "0") == "1",
        )


class RateLimited(ApiError):
    status, code = 429, "rate_limited"


class CsrfFailed(ApiError):
    status, code = 400, "csrf_failed"


# A percent-encoded slash or backslash: a proxy or a service may decode it into a path other
# than the one checked here (encoded dots arrive decoded and are caught as segments).
_ENCODED_TRICK = re.compile(r"%(2f|5c)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def csrf_token() -> str:
    """The session's CSRF token (made on first use); every page form sends it back."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def session_user():
    """The account the console's session cookie stands for, if it is still valid (checked
    once per request): a logged-out or forged cookie counts as no login at all."""
    if "session_user" not in g:
        g.session_user = auth.signed_in(session.get("staff_token"),
                                        runtime().settings.token_key, runtime().accounts)
    return g.session_user


LOGINS = ("/api/v1/auth/login", "/staf/masuk")
VOTES = re.compile(r"^(/api/v1/kb/articles/[^/]+/feedback|/bantuan/artikel/[^/]+/membantu)/?$")


def _spend_budget() -> None:
    """Logins are limited per address in their views; signed-in users (bearer or console) spend
    their account's budget, wherever they post from; anyone else their address's."""
    if request.path in LOGINS:
        return
    limiter = runtime().limiter
    user = current_identity() or session_user()
    if user is not None:
        if not limiter.allow("user_write", user.username):
            raise RateLimited("Too many changes from your account; wait a moment.")
        return
    address = request.remote_addr or "?"
    if not limiter.allow("public", address) or (
            VOTES.match(request.path) and not limiter.allow("vote", address)):
        raise RateLimited("Too many submissions from your address; wait a moment.")


def install_guards(app: Flask, guards: GuardSettings) -> None:
    if guards.proxy_count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=guards.proxy_count,
                                x_proto=guards.proxy_count, x_host=guards.proxy_count)
    app.config.update(
        MAX_CONTENT_LENGTH=guards.max_request_bytes, MAX_FORM_PARTS=200,
        SESSION_COOKIE_NAME="sd_session", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=guards.cookie_secure)
    app.secret_key = app.extensions["servicedesk"].settings.session_key
    app.jinja_env.globals["csrf_token"] = csrf_token
    rt = app.extensions["servicedesk"]
    rt.limiter = limits.SharedLimiter(rt.engine, limits.limits_from_env())

    @app.before_request
    def _guard():
        # Runs after the bearer identity is read (install order in api.py).
        refuse_path_tricks()
        identity = current_identity()
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            _check_size(guards)
            _spend_budget()
            if not is_api(request.path):
                _check_csrf()
        if request.path.startswith(PREFIX + "/"):
            check_route(identity)
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
        if is_api(path) and request.headers.get("Authorization"):
            # An answer for one user: no browser or proxy may keep it, whatever a service said.
            headers["Cache-Control"] = "no-store"
        if response.status_code == 429:
            headers.setdefault("Retry-After", str(g.get("retry_after", 2)))
        return response


def refuse_path_tricks() -> None:
    """One spelling per path: no `.` or `..` segment (encoded or not), no `//`, no backslash or
    encoded slash, no control character. What is checked here is then exactly what a service is sent
    (urllib3 would resolve `..` on the way, a service would redirect `//` to its own URL)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    raw_path = urlsplit(raw).path if raw.startswith(("http://", "https://")) else \
        raw.partition("?")[0]
    path = request.path
    segments = path.split("/")[1:]
    if "//" in path or "//" in raw_path or _CONTROL.search(path) \
            or _ENCODED_TRICK.search(raw_path) or any(s in (".", "..") for s in segments):
        raise NotFound(f"No route {path!r}: a path may not contain '.' or '..' segments, "
                       "'//', a backslash or an encoded slash.")


def check_route(identity) -> None:
    """Only declared routes pass, and only for the roles they name."""
    try:
        route = CATALOGUE.match(request.method, request.path)
    except NotDeclared:
        raise NotFound(f"No API route {request.path}.") from None
    except WrongMethod as exc:
        if request.method == "OPTIONS":  # Flask answers it with the path's methods
            return
        raise MethodNotAllowed(valid_methods=exc.allowed,
                               description=f"{request.path} takes {', '.join(exc.allowed)}."
                               ) from None
    refused = route.access.refusal(identity, has_token=bool(request.args.get("token")))
    if refused == 401:
        raise Unauthorized("Log in first: send 'Authorization: Bearer <token>'.")
    if refused == 403:
        raise Forbidden(f"Your role ({identity.role}) may not do this.")


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
