"""Sla's HTTP edge."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app, request_id, runtime

from .adapters import SlaUnitOfWork

blp = Blueprint("sla", __name__, url_prefix="/api/v1", description="Sla")


def unit_of_work() -> SlaUnitOfWork:
    return SlaUnitOfWork(runtime().sessions, producer="sla", correlation_id=request_id())


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("sla")
    app, api = create_base_app(settings, title="Sla", engine=engine)
    api.register_blueprint(blp)
    return app
