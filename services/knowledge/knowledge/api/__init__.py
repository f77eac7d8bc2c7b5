"""Knowledge's HTTP edge: articles (FRM-003) and the help center's reads (articles.py),
suggestions at diagnosis, suggestions used, synonyms and the KPI (diagnosis.py)."""
from __future__ import annotations

from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app

from .articles import blp as articles
from .common import unit_of_work
from .diagnosis import blp as diagnosis

__all__ = ["create_app", "unit_of_work"]


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("knowledge")
    app, api = create_base_app(settings, title="Knowledge", engine=engine)
    api.register_blueprint(articles)
    api.register_blueprint(diagnosis)
    return app
