"""The gateway app: bearer tokens -> signed identities, its own auth API, routing, OpenAPI,
the docs page and the public pages."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, g, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Conflict, NotFound, Unauthorized
from servicedesk_common.identity import ADMIN
from servicedesk_common.routes import CATALOGUE
from servicedesk_common.settings import Settings, env_float, env_int
from servicedesk_common.web import create_base_app, current_identity, request_id, require, runtime

from . import auth, docs, domain, reports
from .adapters import GatewayUnitOfWork
from .models import User
from .openapi import merged_openapi
from .pages import register_pages
from .routing import ServiceClient, not_found_body
from .schemas import LoginIn, TokenOut, UserIn, UserListArgs, UserOut, UserPage, UserPatch
from .security import GuardSettings, RateLimited, install_guards

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Accounts and login")


def unit_of_work() -> GatewayUnitOfWork:
    return GatewayUnitOfWork(runtime().sessions, producer="gateway", correlation_id=request_id())


def services() -> ServiceClient:
    return runtime().services


@blp.route("/auth/login")
class Login(MethodView):
    @blp.arguments(LoginIn)
    @blp.response(200, TokenOut)
    def post(self, data):
        """Log in: a bearer token for the other routes (rate-limited; repeated failures lock
        the account for a while)."""
        if not runtime().login_limiter.allow(request.remote_addr or "?"):
            raise RateLimited("Too many login attempts; wait a moment.")
        with unit_of_work() as uow:
            user = auth.login(data["username"], data["password"], uow=uow)
            return {"access_token": auth.issue_token(user, runtime().settings.secret_key),
                    "token_type": "Bearer", "expires_in": domain.TOKEN_LIFETIME_SECONDS,
                    "user": auth.user_view(user)}


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
        """Change role, group, contact, password or `active` (admin); a new password also
        lifts a lock."""
        with unit_of_work() as uow:
            user = _user(uow, username)
            if "password" in data:
                user.password_hash = auth.hash_password(data.pop("password"))
                user.failed_logins, user.locked_until = 0, None
            for name, value in data.items():
                setattr(user, name, value)
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
        identity = auth.read_token(token.strip(), runtime().settings.secret_key) \
            if scheme.lower() == "bearer" else None
        if identity is not None:
            identity = runtime().accounts.current(identity)
        if identity is None and request.path.startswith("/api/"):
            raise Unauthorized("The token is missing, invalid or expired; log in again.")
        g.identity = identity
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
    install_bearer_identity(app)
    install_guards(app, GuardSettings.from_env())
    rt = runtime_of(app)
    rt.services = ServiceClient(settings.service_urls, settings.secret_key,
                                timeout=env_float("SERVICEDESK_UPSTREAM_TIMEOUT", 15.0),
                                connect_timeout=env_float("SERVICEDESK_UPSTREAM_CONNECT_TIMEOUT",
                                                          2.0),
                                pool_size=env_int("SERVICEDESK_UPSTREAM_POOL_SIZE", 16))
    rt.login_limiter = domain.RateLimiter(rate=env_float("SERVICEDESK_LOGIN_RATE", 5.0),
                                          burst=env_int("SERVICEDESK_LOGIN_BURST", 30))
    rt.accounts = auth.AccountCheck(rt.sessions,
                                    ttl=env_float("SERVICEDESK_ACCOUNT_RECHECK_SECONDS", 30.0))
    api.register_blueprint(blp)
    api.register_blueprint(reports.blp)
    app.register_blueprint(docs.bp)
    install_routing(app)
    register_pages(app)
    app.extensions["smorest_api"] = api
    return app


def runtime_of(app: Flask):
    return app.extensions["servicedesk"]

