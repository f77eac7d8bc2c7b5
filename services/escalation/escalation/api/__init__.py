"""Escalation's HTTP edge: thin views over the handlers, one blueprint per resource."""
from __future__ import annotations

from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app

from .common import unit_of_work
from .groups import blp as groups_blp
from .notifications import blp as notifications_blp
from .queue import blp as queue_blp
from .tickets import blp as tickets_blp

__all__ = ["create_app", "unit_of_work"]


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("escalation")
    app, api = create_base_app(settings, title="Escalation", engine=engine)
    for blueprint in (groups_blp, tickets_blp, queue_blp, notifications_blp):
        api.register_blueprint(blueprint)
    return app
