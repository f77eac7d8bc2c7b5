"""Sla's HTTP edge: thin views over the handlers and repositories.

policies  GET/PUT policies and per-service overrides, calendars and their closed dates
clocks    SLA of tickets: list by state, one ticket, explain, KPI counts
"""
from __future__ import annotations

from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app, request_id, runtime

from ..adapters import SlaUnitOfWork


def unit_of_work() -> SlaUnitOfWork:
    return SlaUnitOfWork(runtime().sessions, producer="sla", correlation_id=request_id())


def create_app(settings: Settings | None = None, *, engine=None):
    from .clocks import blp as clocks
    from .policies import blp as policies

    settings = settings or Settings.from_env("sla")
    app, api = create_base_app(settings, title="Sla", engine=engine)
    api.register_blueprint(policies)
    api.register_blueprint(clocks)
    return app
