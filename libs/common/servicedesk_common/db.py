"""Engines, sessions and the unit of work every service builds on."""
from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from sqlalchemy import DateTime, TypeDecorator, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from .settings import Settings, env_float, env_int

log = logging.getLogger(__name__)


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, on PostgreSQL and on SQLite (which keeps no zone)."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime: times inside are aware UTC datetimes")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def normalize_url(url: str) -> str:
    """Plain `postgresql://` URLs use psycopg 3, the driver we install."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# PostgreSQL connections a process keeps (pool size) and may add at a peak (overflow), by kind:
# a web process needs up to two per gunicorn thread (4): the gateway's login throttle and rate
# buckets take their own connection while the request's unit of work holds one, and a pool
# smaller than that lets four parallel logins wait on each other until the pool timeout (503).
# A worker's threads (consumer, relay, timers) rarely touch the database at the same moment.
# Idle connections are given back after SERVICEDESK_DB_IDLE_SECONDS either way.
# SERVICEDESK_DB_POOL_SIZE / _MAX_OVERFLOW override both.
POOLS = {"web": (2, 6), "worker": (1, 4)}


def make_engine(settings: Settings, *, pool_size: int | None = None,
                kind: str = "web") -> Engine:
    url = normalize_url(settings.database_url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    schema = settings.service if settings.shares_database else None
    ensure_postgres_database(url)
    pooled = settings.database_pooler == "transaction"
    connect_args = {}
    if pooled:
        # A transaction may run on any server connection: psycopg's automatic prepared
        # statements ("_pg3_0") would meet each other there, and PgBouncer refuses `options`.
        connect_args["prepare_threshold"] = None
    elif schema:
        connect_args["options"] = f"-csearch_path={schema}"
    default_size, default_overflow = POOLS[kind]
    engine = create_engine(
        url, pool_size=pool_size or env_int("SERVICEDESK_DB_POOL_SIZE", default_size),
        max_overflow=env_int("SERVICEDESK_DB_MAX_OVERFLOW", default_overflow),
        pool_timeout=env_float("SERVICEDESK_DB_POOL_TIMEOUT", 5.0), connect_args=connect_args)
    ping_when_idle(engine, env_float("SERVICEDESK_DB_PING_IDLE_SECONDS", 1.0))
    release_when_idle(engine, env_float("SERVICEDESK_DB_IDLE_SECONDS", 10.0))
    if schema and pooled:
        search_path_per_transaction(engine, schema)
    if schema:
        ensure_schema(engine, schema)
    return engine


def search_path_per_transaction(engine: Engine, schema: str) -> None:
    """Behind a transaction pooler a session setting would stay on a server connection other
    clients then use: each transaction sets its own (one more statement per transaction)."""
    @event.listens_for(engine, "begin")
    def _search_path(conn):
        conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')


def listen_url(settings: Settings) -> str:
    """Where LISTEN goes: PostgreSQL itself, since a transaction pooler does not carry it."""
    return normalize_url(settings.database_direct_url or settings.database_url)


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use only when it sat idle for idle_seconds or more.

    pool_pre_ping pays one round trip on every checkout, i.e. on every request and every handled
    event (~10 % of a busy process's time). A connection that was in use a moment ago is alive;
    one that sat in the pool may have outlived a PostgreSQL restart, and that is the one worth a
    ping. A connection that dies while the pool is busy fails its statement once: SQLAlchemy
    then invalidates the whole pool, the event is retried, and a web request gets a 503."""
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy):
        returned = record.info.get("returned_at")
        if returned is not None and time.monotonic() - returned < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            if not engine.dialect.is_disconnect(exc, dbapi_conn, None):
                raise
            alive = False
        if not alive:  # the pool throws this one away and checks out a fresh one
            raise DisconnectionError("the pooled connection was closed by the server")


def release_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Close a process's pooled connections once none was used for idle_seconds.

    A pool keeps every connection it ever opened up to its size, so after a busy spell each
    of the ~20 processes of a stack would sit on its peak forever, and two stacks (or two
    offices) no longer fit in one server's max_connections. An idle pool gives them all back;
    the first request after the pause pays one connect (a few ms). 0 keeps them."""
    if idle_seconds <= 0:
        return
    used = {"at": time.monotonic(), "pid": None}
    ref = weakref.ref(engine)

    def _touch(*_args):
        used["at"] = time.monotonic()
        if used["pid"] != os.getpid():  # started lazily: a gunicorn fork has no threads
            used["pid"] = os.getpid()
            threading.Thread(target=_release_loop, name="db-idle-release", daemon=True).start()

    def _release_loop():
        while (engine := ref()) is not None:
            pool = engine.pool
            if (pool.checkedout() == 0 and pool.checkedin() > 0
                    and time.monotonic() - used["at"] >= idle_seconds):
                log.debug("event=database_pool_released connections=%d", pool.checkedin())
                engine.dispose()
            del engine, pool
            time.sleep(max(0.2, idle_seconds / 4))

    event.listen(engine, "checkout", _touch)
    event.listen(engine, "checkin", _touch)


def ensure_schema(engine: Engine, schema: str) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    except Exception:  # two processes creating it at once: fine if it exists now
        with engine.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"),
                                {"s": schema}).scalar():
                raise


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # several processes share the file: WAL + waiting
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine


def ensure_postgres_database(url: str) -> None:
    """Create the service's database if it is missing (fresh state must just work)."""
    target = make_url(url)
    probe = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with probe.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": target.database}).scalar()
            if not exists:
                log.info("event=database_create database=%s", target.database)
                try:
                    conn.execute(text(f'CREATE DATABASE "{target.database}"'))
                except Exception:  # another process created it at the same moment
                    if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                        {"n": target.database}).scalar():
                        raise
    finally:
        probe.dispose()


def session_factory(engine: Engine) -> Callable[[], Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


class UnitOfWork:
    """One transaction: state, inbox mark and outbox rows commit together or not at all.

    Services subclass it to hang their repositories on `self` in `_open`.
    """

    def __init__(self, sessions: Callable[[], Session], *, producer: str,
                 correlation_id: str | None = None, causation_id: str | None = None):
        self._sessions = sessions
        self.producer = producer
        self.correlation_id = correlation_id
        self.causation_id = causation_id
        self.session: Session | None = None

    def __enter__(self):
        from .inbox import Inbox
        from .outbox import OutboxWriter

        self.session = self._sessions()
        self.outbox = OutboxWriter(self.session, producer=self.producer,
                                   correlation_id=self.correlation_id,
                                   causation_id=self.causation_id)
        self.inbox = Inbox(self.session)
        self._open()
        return self

    def _open(self) -> None:
        """Hook for repositories."""

    def __exit__(self, *exc):
        # close() rolls back whatever was not committed and detaches the objects without
        # expiring them, so views can still render what they loaded.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
