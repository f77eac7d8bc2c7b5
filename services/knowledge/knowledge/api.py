"""Knowledge's HTTP edge."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app, request_id, runtime

from .adapters import KnowledgeUnitOfWork

blp = Blueprint("knowledge", __name__, url_prefix="/api/v1", description="Knowledge")


def unit_of_work() -> KnowledgeUnitOfWork:
    return KnowledgeUnitOfWork(runtime().sessions, producer="knowledge",
                               correlation_id=request_id())


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("knowledge")
    app, api = create_base_app(settings, title="Knowledge", engine=engine)
    api.register_blueprint(blp)
    return app
