"""Intake's HTTP edge: thin views over handlers."""
from __future__ import annotations

from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app

from ..catalog import catalog_source
from ..config import IntakeConfig
from ..storage import attachment_store
from .access import IntakeRuntime


def create_app(settings: Settings | None = None, *, engine=None):
    from . import attachments, canned, kpi, mail, tickets, tracking

    settings = settings or Settings.from_env("intake")
    config = IntakeConfig.from_env()
    app, api = create_base_app(settings, title="Intake", engine=engine)
    app.extensions["intake"] = IntakeRuntime(
        config=config,
        catalog=catalog_source(settings.service_urls.get("triage"),
                               ttl=config.catalog_cache_seconds,
                               timeout=config.catalog_timeout_seconds),
        store=attachment_store(config.attachment_store, data_dir=settings.data_dir,
                               engine=app.extensions["servicedesk"].engine))
    for module in (tickets, attachments, tracking, kpi, mail, canned):
        api.register_blueprint(module.blp)
    return app


__all__ = ["create_app"]
