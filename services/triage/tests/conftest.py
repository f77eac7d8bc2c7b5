"""Triage's handlers on a real (SQLite) database with its migrations, without servers: the
inbox, versions and outbox behave as in production, fast."""
from dataclasses import replace

import pytest

from servicedesk_common.db import make_engine, session_factory
from servicedesk_common.events import Envelope
from servicedesk_common.migrations import upgrade
from servicedesk_common.settings import Settings
from servicedesk_common.worker import once_per_message


class Deliverer:
    """Hands events to triage's handlers the way the worker does: once per message."""

    def __init__(self, engine):
        from triage.worker import HANDLERS, UnitOfWork

        sessions = session_factory(engine)
        self.make_uow = lambda **kw: UnitOfWork(sessions, producer="triage", **kw)
        self.handlers = {t: once_per_message(h, self.make_uow) for t, h in HANDLERS.items()}

    def __call__(self, envelope: Envelope) -> Envelope:
        self.handlers[envelope.type](envelope)
        return envelope

    def outbox(self, event_type: str | None = None) -> list[dict]:
        from sqlalchemy import select

        from servicedesk_common.messaging_tables import outbox

        with self.make_uow() as uow:
            rows = uow.session.execute(select(outbox).order_by(outbox.c.id)).all()
        return [{**row.payload, "event": row.type} for row in rows
                if event_type is None or row.type == event_type]


@pytest.fixture
def deliver(tmp_path, monkeypatch):
    from triage.worker import MIGRATIONS

    monkeypatch.setenv("SERVICEDESK_DEV", "1")
    settings = replace(Settings.from_env("triage"), database_url=f"sqlite:///{tmp_path}/t.db",
                       shares_database=False, data_dir=tmp_path)
    engine = make_engine(settings)
    upgrade(MIGRATIONS, settings, engine)
    yield Deliverer(engine)
    engine.dispose()
