"""The gateway app: bearer tokens -> signed identities, its own auth API, routing, OpenAPI,
the docs page and the public pages."""
from __future__ import annotations

import hmac
from datetime import UTC, datetime

from flask import Flask, g, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Conflict, NotFound, Unauthorized, error_body
from servicedesk_common.identity import ADMIN
from servicedesk_common.routes import CATALOGUE
from servicedesk_common.settings import Settings, env, env_float, env_int
from servicedesk_common.web import create_base_app, current_identity, request_id, require, runtime

from . import auth, directory, docs, domain, limits, reports
from .adapters import GatewayUnitOfWork
from .models import User
from .openapi import merged_openapi
from .pages import register_pages
from .routing import ServiceClient, not_found_body
from .schemas import (
    LoginIn,
    PasswordChange,
    TokenOut,
    UserIn,
    UserListArgs,
    UserOut,
    UserPage,
    UserPatch,
)
from .security import GuardSettings, RateLimited, install_guards

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Accounts and login")


def unit_of_work() -> GatewayUnitOfWork:
    return GatewayUnitOfWork(runtime().sessions, producer="gateway", correlation_id=request_id())


def services() -> ServiceClient:
    return runtime().services


def source() -> str:
    return request.remote_addr or "?"


def token_answer(user: User) -> dict:
    return {"access_token": auth.issue_token(user, runtime().settings.token_key),
            "token_type": "Bearer", "expires_in": domain.TOKEN_LIFETIME_SECONDS,
            "user": auth.user_view(user)}


@blp.route("/auth/login")
class Login(MethodView):
    @blp.arguments(LoginIn)
    @blp.response(200, TokenOut)
    @blp.alt_response(403, description="a directory account in none of the desk's groups")
    @blp.alt_response(503, description="the office directory is not answering (local "
                      "accounts still sign in)")
    def post(self, data):
        """Log in: a bearer token for the other routes (rate-limited per address; failures in
        a row make the next attempt wait, longer each time). With the office directory set,
        a name without a local account signs in with its directory account."""
        if not runtime().limiter.allow("login", source()):
            raise RateLimited("Too many login attempts; wait a moment.")
        with unit_of_work() as uow:
            user = auth.login(data["username"], data["password"], uow=uow,
                              throttle=runtime().login_throttle, source=source(),
                              directory=runtime().directory)
            return token_answer(user)


@blp.route("/auth/logout")
class Logout(MethodView):
    @require()
    @blp.response(204)
    def post(self):
        """Log out: every token and console session of this account stops working."""
        end_sessions(current_identity().username)


@blp.route("/auth/password")
class OwnPassword(MethodView):
    @require()
    @blp.arguments(PasswordChange)
    @blp.response(200, TokenOut)
    def post(self, data):
        """Change your own password (the old one, then the new one): every other session
        ends; the answer carries a new token."""
        with unit_of_work() as uow:
            user = _user(uow, current_identity().username)
            auth.change_password(user, data["old_password"], data["new_password"], uow=uow,
                                 throttle=runtime().login_throttle, source=source())
            uow.commit()
            runtime().accounts.forget(user.username)
            return token_answer(user)


def end_sessions(username: str) -> None:
    with unit_of_work() as uow:
        user = uow.users.get(username)
        if user is not None:
            uow.users.end_sessions(user)
            uow.commit()
    runtime().accounts.forget(username)


@blp.route("/auth/me")
class Me(MethodView):
    @require()
    @blp.response(200, UserOut)
    def get(self):
        """The logged-in user."""
        identity = current_identity()
        return {"username": identity.username, "role": identity.role, "group": identity.group,
                "name": identity.name, "email": identity.email, "active": True}


@blp.route("/users")
class UserCollection(MethodView):
    @require(ADMIN)
    @blp.arguments(UserListArgs, location="query")
    @blp.response(200, UserPage)
    def get(self, args):
        """Accounts, by username (admin)."""
        with unit_of_work() as uow:
            users = [auth.user_view(user) for user in uow.users.all()
                     if args.get("role") in (None, user.role)]
        start = (args["page"] - 1) * args["per_page"]
        return {"items": users[start:start + args["per_page"]], "page": args["page"],
                "per_page": args["per_page"], "total": len(users)}

    @require(ADMIN)
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, data):
        """Create an account (admin)."""
        with unit_of_work() as uow:
            if uow.users.get(data["username"]) is not None:
                raise Conflict(f"The username {data['username']!r} is taken.")
            user = User(username=data["username"], password_hash=auth.hash_password(
                data["password"]), role=data["role"], group=data.get("group"),
                name=data.get("name"), email=data.get("email"), active=True, failed_logins=0,
                created_at=datetime.now(UTC))
            uow.users.add(user)
            uow.commit()
            return auth.user_view(user)


@blp.route("/users/<string:username>")
class UserItem(MethodView):
    @require(ADMIN)
    @blp.response(200, UserOut)
    def get(self, username):
        """One account (admin)."""
        with unit_of_work() as uow:
            return auth.user_view(_user(uow, username))

    @require(ADMIN)
    @blp.arguments(UserPatch)
    @blp.response(200, UserOut)
    def patch(self, data, username):
        """Change role, group, contact, password or `active` (admin); a new password or a
        deactivation ends every session of the account, a new password also lifts the delay
        its failed logins caused."""
        with unit_of_work() as uow:
            user = _user(uow, username)
            ends_sessions = "password" in data or data.get("active") is False
            if "password" in data:
                user.password_hash = auth.hash_password(data.pop("password"))
                runtime().login_throttle.forget(limits.LoginThrottle.account_key(username))
            for name, value in data.items():
                setattr(user, name, value)
            if ends_sessions:
                uow.users.end_sessions(user)
            uow.commit()
            runtime().accounts.forget(username)
            return auth.user_view(user)


def _user(uow, username: str) -> User:
    user = uow.users.get(username)
    if user is None:
        raise NotFound(f"No user {username!r}.")
    return user


def install_bearer_identity(app: Flask) -> None:
    """Replaces the service-side identity reader: at the public door only bearer tokens count."""
    @app.before_request
    def _bearer():
        g.identity = None
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        identity = auth.signed_in(token.strip(), runtime().settings.token_key,
                                  runtime().accounts) if scheme.lower() == "bearer" else None
        if identity is None and request.path.startswith("/api/"):
            raise Unauthorized("The token is missing, invalid or expired; log in again.")
        g.identity = identity
        return None


def install_metrics_guard(app: Flask, metrics_token: str | None) -> None:
    """At the public door /metrics answers only the scraper holding the metrics token."""
    @app.before_request
    def _metrics():
        if request.path != "/metrics":
            return None
        if not metrics_token:
            return jsonify(error_body("not_found", "No metrics here.")), 404
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                sent.strip().encode(), metrics_token.encode()):
            return jsonify(error_body("unauthorized", "The metrics need the scraper's token.")
                           ), 401
        return None


def install_routing(app: Flask) -> None:
    @app.route("/api/v1/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def forward(rest):
        # The guards let only declared routes this far (security.check_route).
        route = CATALOGUE.match(request.method, request.path)
        return services().forward(route.service, current_identity(), request_id())

    @app.get("/api/v1/openapi.json")
    def openapi():
        return merged_openapi(app, services())

    @app.route("/api", defaults={"rest": ""})
    @app.route("/api/<path:rest>")
    def unknown_api(rest):
        return jsonify(not_found_body(request.path)), 404


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("gateway")
    app, api = create_base_app(settings, title="Service desk", engine=engine)
    app.config["OPENAPI_URL_PREFIX"] = None
    install_metrics_guard(app, env("SERVICEDESK_METRICS_TOKEN"))
    install_bearer_identity(app)
    install_guards(app, GuardSettings.from_env())
    rt = runtime_of(app)
    rt.services = ServiceClient(settings.service_urls, settings.identity_key,
                                timeout=env_float("SERVICEDESK_UPSTREAM_TIMEOUT", 15.0),
                                connect_timeout=env_float("SERVICEDESK_UPSTREAM_CONNECT_TIMEOUT",
                                                          2.0),
                                pool_size=env_int("SERVICEDESK_UPSTREAM_POOL_SIZE", 16))
    rt.accounts = auth.AccountCheck(rt.sessions,
                                    ttl=env_float("SERVICEDESK_ACCOUNT_RECHECK_SECONDS", 0.0))
    per_account, per_source = limits.delay_from_env()
    rt.login_throttle = limits.LoginThrottle(rt.engine, per_account=per_account,
                                             per_source=per_source)
    ldap = directory.DirectorySettings.from_env()
    rt.directory = directory.Directory(ldap) if ldap is not None else None
    api.register_blueprint(blp)
    app.register_error_handler(auth.LoginThrottled, _throttled)
    api.register_blueprint(reports.blp)
    app.register_blueprint(docs.bp)
    install_routing(app)
    register_pages(app)
    app.extensions["smorest_api"] = api
    return app


def _throttled(exc: auth.LoginThrottled):
    response = jsonify(exc.body())
    response.status_code = exc.status
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def runtime_of(app: Flask):
    return app.extensions["servicedesk"]

