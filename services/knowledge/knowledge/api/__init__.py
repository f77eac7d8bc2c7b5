"""Knowledge's HTTP edge: articles (FRM-003) and the help center's reads (articles.py),
suggestions at diagnosis, suggestions used, synonyms and the KPI (diagnosis.py)."""
from __future__ import annotations

from servicedesk_common.settings import Settings, env_int
from servicedesk_common.web import create_base_app

from ..search.postgres import DEFAULT_BUDGET, tune_planner
from .articles import blp as articles
from .common import unit_of_work
from .diagnosis import blp as diagnosis

__all__ = ["create_app", "unit_of_work"]


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("knowledge")
    app, api = create_base_app(settings, title="Knowledge", engine=engine)
    # PostgreSQL search: rows scored exactly per search (more: steadier ranking in a very large
    # knowledge base, slower); see knowledge/search/postgres.py
    app.config["KB_SEARCH_CANDIDATES"] = max(20, env_int("SERVICEDESK_KB_SEARCH_CANDIDATES",
                                                         DEFAULT_BUDGET))
    tune_planner(app.extensions["servicedesk"].engine)
    api.register_blueprint(articles)
    api.register_blueprint(diagnosis)
    return app
