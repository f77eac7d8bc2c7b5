"""Outbox: events written in the same transaction as the state they describe, and the relay
that publishes them (publisher confirms) and marks them sent only after the broker confirmed."""
from __future__ import annotations

import functools
import logging
import threading
import weakref
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from . import metrics
from .events import Envelope, validate_payload
from .messaging_tables import outbox

log = logging.getLogger(__name__)


def notify_channel(producer: str) -> str:
    return f"servicedesk_outbox_{producer}"


TRIGGER = "outbox_notify"


def notify_trigger_statements(producer: str) -> list[str]:
    """PostgreSQL DDL for a migration: every INSERT statement into the outbox NOTIFYs the
    relay itself, so a writer saves the round trip of its own pg_notify."""
    return [
        f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN PERFORM pg_notify(TG_ARGV[0], ''); RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON outbox",
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON outbox FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {TRIGGER}('{notify_channel(producer)}')",
    ]


def drop_notify_trigger_statements() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {TRIGGER} ON outbox", f"DROP FUNCTION IF EXISTS {TRIGGER}()"]


def install_notify_trigger(op, producer: str) -> None:
    """For a service's Alembic migration (`op`); SQLite has no NOTIFY: its relays poll."""
    if op.get_bind().dialect.name == "postgresql":
        for statement in notify_trigger_statements(producer):
            op.execute(statement)


def remove_notify_trigger(op) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in drop_notify_trigger_statements():
            op.execute(statement)


_TRIGGERED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> bool


def _notified_by_trigger(session: Session) -> bool:
    """Whether this database's outbox has the NOTIFY trigger (asked once per engine; a
    database not migrated yet gets an explicit pg_notify, which is merely one statement more)."""
    engine = session.get_bind()
    if engine not in _TRIGGERED:
        _TRIGGERED[engine] = session.execute(text(
            "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = :name "
            "AND tgrelid = to_regclass('outbox'))"), {"name": TRIGGER}).scalar()
    return _TRIGGERED[engine]


class OutboxWriter:
    def __init__(self, session: Session, *, producer: str, correlation_id: str | None = None,
                 causation_id: str | None = None):
        self.session = session
        self.producer = producer
        self.correlation_id = correlation_id
        self.causation_id = causation_id
        self._notified = False
        self.added: list[Envelope] = []

    def add(self, event_type: str, payload: dict, *, aggregate_id: str | None = None) -> Envelope:
        validate_payload(event_type, payload)
        envelope = Envelope(type=event_type, payload=payload, producer=self.producer,
                            aggregate_id=aggregate_id, correlation_id=self.correlation_id,
                            causation_id=self.causation_id)
        self.session.execute(_INSERT, _row(envelope))
        self._wake_relay()
        self.added.append(envelope)
        return envelope

    def add_many(self, events: list[tuple[str, dict, str | None]]) -> list[Envelope]:
        """Several (type, payload, aggregate_id) in one executemany INSERT: the same rows as
        `add` gives one by one, for a caller that writes many events in one transaction."""
        envelopes = []
        for event_type, payload, aggregate_id in events:
            validate_payload(event_type, payload)
            envelopes.append(Envelope(type=event_type, payload=payload, producer=self.producer,
                                      aggregate_id=aggregate_id,
                                      correlation_id=self.correlation_id,
                                      causation_id=self.causation_id))
        if not envelopes:
            return []
        self.session.execute(_INSERT, [_row(e) for e in envelopes])
        self._wake_relay()
        self.added.extend(envelopes)
        return envelopes

    def _wake_relay(self) -> None:
        # NOTIFY is transactional: the relay hears it only when this transaction commits.
        if self._notified or self.session.get_bind().dialect.name != "postgresql":
            return
        self._notified = True
        if _notified_by_trigger(self.session):
            return
        self.session.execute(text("SELECT pg_notify(:channel, '')"),
                             {"channel": notify_channel(self.producer)})


_INSERT = insert(outbox)  # built once: the values go as parameters


def _row(e: Envelope) -> dict:
    return {"message_id": e.message_id, "type": e.type, "version": e.version,
            "aggregate_id": e.aggregate_id, "correlation_id": e.correlation_id,
            "causation_id": e.causation_id, "producer": e.producer,
            "occurred_at": e.occurred_at, "payload": e.payload}


def _row_envelope(row) -> Envelope:
    return Envelope(type=row.type, payload=row.payload, producer=row.producer,
                    aggregate_id=row.aggregate_id, correlation_id=row.correlation_id,
                    causation_id=row.causation_id, version=row.version,
                    message_id=row.message_id, occurred_at=row.occurred_at)


@functools.cache
def _unsent(dialect: str, batch: int):
    query = select(outbox).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id).limit(batch)
    return query.with_for_update(skip_locked=True) if dialect == "postgresql" else query


_MARK_SENT = update(outbox).where(outbox.c.id.in_(bindparam("ids", expanding=True))).values(
    sent_at=bindparam("sent_at"))


def relay_once(sessions, publisher, *, batch: int = 200) -> int:
    """Publish one batch of unsent rows; returns how many were published and marked sent."""
    with sessions() as session, session.begin():
        rows = session.execute(_unsent(session.get_bind().dialect.name, batch)).all()
        if not rows:
            return 0
        publisher.publish_many([_row_envelope(row) for row in rows])
        session.execute(_MARK_SENT, {"ids": [row.id for row in rows],
                                     "sent_at": datetime.now(UTC)})
    metrics.OUTBOX_PUBLISHED.labels(publisher.service).inc(len(rows))
    return len(rows)


def unsent_count(sessions) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(outbox)
                               .where(outbox.c.sent_at.is_(None))).scalar_one()


class OutboxWaker:
    """Sleeps until a writer NOTIFYs (PostgreSQL) or the idle interval passes (SQLite)."""

    def __init__(self, engine, producer: str, idle_seconds: float, *, listen_url=None):
        self.engine = engine
        self.listen_url = make_url(listen_url) if listen_url else engine.url
        self.channel = notify_channel(producer)
        self.idle = idle_seconds
        self._conn = None

    def wait(self, stop: threading.Event) -> None:
        if self.engine.dialect.name != "postgresql":
            stop.wait(self.idle)
            return
        try:
            conn = self._listening()
            for _ in conn.notifies(timeout=max(self.idle, 0.5), stop_after=1):
                pass
            # Commits that came meanwhile are in the batch this wake-up relays: their
            # notifications must not each cost an empty pass afterwards.
            for _ in conn.notifies(timeout=0):
                pass
        except Exception as exc:  # the database went away: fall back to polling until it is back
            log.warning("event=outbox_listen_failed error=%r", exc)
            self.close()
            stop.wait(self.idle)

    def _listening(self):
        if self._conn is None:
            import psycopg

            conn = psycopg.connect(self.listen_url.set(drivername="postgresql").render_as_string(
                hide_password=False), autocommit=True)
            conn.execute(f'LISTEN "{self.channel}"')
            self._conn = conn
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
