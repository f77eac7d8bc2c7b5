"""The gateway app: bearer tokens -> signed identities, its own auth API, routing, OpenAPI."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, g, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Conflict, NotFound, Unauthorized, error_body
from servicedesk_common.identity import ADMIN
from servicedesk_common.settings import Settings, env_float, env_int
from servicedesk_common.web import create_base_app, current_identity, request_id, require, runtime

from . import auth, domain
from .adapters import GatewayUnitOfWork
from .models import User
from .openapi import merged_openapi
from .pages import register_pages
from .routing import ServiceClient, not_found_body, service_for
from .schemas import LoginIn, TokenOut, UserIn, UserOut, UserPatch

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
        if not runtime().login_limiter.allow(request.remote_addr or "?"):
            return jsonify(error_body("rate_limited", "Too many login attempts; wait a moment.")
                           ), 429
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
        identity = current_identity()
        return {"username": identity.username, "role": identity.role, "group": identity.group,
                "name": identity.name, "email": identity.email, "active": True}


@blp.route("/users")
class UserCollection(MethodView):
    @require(ADMIN)
    @blp.response(200, UserOut(many=True))
    def get(self):
        with unit_of_work() as uow:
            return [auth.user_view(user) for user in uow.users.all()]

    @require(ADMIN)
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, data):
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
    @blp.arguments(UserPatch)
    @blp.response(200, UserOut)
    def patch(self, data, username):
        with unit_of_work() as uow:
            user = uow.users.get(username)
            if user is None:
                raise NotFound(f"No user {username!r}.")
            if "password" in data:
                user.password_hash = auth.hash_password(data.pop("password"))
                user.failed_logins, user.locked_until = 0, None
            for name, value in data.items():
                setattr(user, name, value)
            uow.commit()
            return auth.user_view(user)


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
        if identity is None and request.path.startswith("/api/"):
            raise Unauthorized("The token is missing, invalid or expired; log in again.")
        g.identity = identity
        return None


def install_routing(app: Flask) -> None:
    @app.route("/api/v1/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def forward(rest):
        service = service_for(request.path)
        if service is None:
            return jsonify(not_found_body(request.path)), 404
        return services().forward(service, current_identity(), request_id())

    @app.get("/api/v1/openapi.json")
    def openapi():
        return merged_openapi(app, services())


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("gateway")
    app, api = create_base_app(settings, title="Service desk", engine=engine)
    app.config["OPENAPI_URL_PREFIX"] = None
    install_bearer_identity(app)
    rt = runtime_of(app)
    rt.services = ServiceClient(settings.service_urls, settings.secret_key,
                                timeout=env_float("SERVICEDESK_UPSTREAM_TIMEOUT", 15.0))
    rt.login_limiter = domain.RateLimiter(rate=env_float("SERVICEDESK_LOGIN_RATE", 5.0),
                                          burst=env_int("SERVICEDESK_LOGIN_BURST", 30))
    api.register_blueprint(blp)
    install_routing(app)
    register_pages(app)
    app.extensions["smorest_api"] = api
    return app


def runtime_of(app: Flask):
    return app.extensions["servicedesk"]
