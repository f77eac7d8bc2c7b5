"""Behind a real PgBouncer in transaction mode (Debian's, started by the suite with one server
connection per database, so that clients share it as they do under load): statements, the
one-database mode's schemas, migrations and the relay's wake-up all still work."""
import threading
import time
from dataclasses import replace

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select, text

from servicedesk_common.db import (
    UnitOfWork,
    listen_url,
    make_engine,
    normalize_url,
    session_factory,
)
from servicedesk_common.migrations import upgrade
from servicedesk_common.outbox import OutboxWaker

PAYLOAD = {"number": "INC-2026-000001", "priority": 2, "urgency": "medium", "impact": "medium"}


def behind(pgbouncer, settings, *, shared_database: str | None = None):
    """The same settings with the database reached through PgBouncer."""
    direct = settings.database_url
    database = shared_database or direct.rsplit("/", 1)[1]
    return replace(settings, database_url=pgbouncer.url(database), database_pooler="transaction",
                   database_direct_url=direct.rsplit("/", 1)[0] + "/" + database,
                   shares_database=shared_database is not None)


def test_two_processes_sharing_a_server_connection_repeat_their_statements(
        pgbouncer, make_settings):
    settings = behind(pgbouncer, make_settings("triage"))
    engines = [make_engine(settings, pool_size=1) for _ in range(2)]
    statements = [text("SELECT :n + 1"), text("SELECT :n * 2")]
    try:
        results = []
        for round_ in range(12):  # psycopg would prepare a statement from its 5th execution
            for engine, statement in zip(engines, statements, strict=True):
                with engine.begin() as conn:
                    results.append(conn.execute(statement, {"n": round_}).scalar())
        assert results == [value for n in range(12) for value in (n + 1, n * 2)]
    finally:
        for engine in engines:
            engine.dispose()


def test_the_one_database_mode_keeps_each_service_in_its_own_schema(
        pgbouncer, make_settings, test_databases):
    import triage.worker

    database = test_databases.url_template().rsplit("/", 1)[1].replace("{service}", "shared")
    engines = {service: make_engine(behind(pgbouncer, make_settings(service),
                                           shared_database=database))
               for service in ("intake", "triage")}
    probe = Table("probe", MetaData(), Column("value", Integer))
    try:
        upgrade(triage.worker.MIGRATIONS, behind(pgbouncer, make_settings("triage"),
                                                 shared_database=database), engines["triage"])
        for value, engine in enumerate(engines.values()):
            probe.create(engine)
            with engine.begin() as conn:
                conn.execute(probe.insert(), [{"value": value}] * (value + 1))
        for _ in range(3):  # every transaction, whichever server connection it gets
            for value, engine in enumerate(engines.values()):
                with engine.connect() as conn:
                    assert conn.execute(select(probe.c.value)).scalars().all() == \
                        [value] * (value + 1)
        direct = create_engine(normalize_url(make_settings("x").database_url.rsplit("/", 1)[0]
                                             + "/" + database))
        with direct.connect() as conn:
            tables = set(conn.execute(text(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema IN ('intake', 'triage')")).scalars())
        direct.dispose()
        assert {"intake.probe", "triage.probe", "triage.outbox",
                "triage.alembic_version"} <= tables
        assert "public.probe" not in tables
    finally:
        for engine in engines.values():
            engine.dispose()


def test_the_relay_hears_a_commit_made_through_pgbouncer_on_its_direct_connection(
        pgbouncer, make_settings):
    import triage.worker

    settings = behind(pgbouncer, make_settings("triage"))
    engine = make_engine(settings)
    upgrade(triage.worker.MIGRATIONS, settings, engine)
    waker = OutboxWaker(engine, "triage", idle_seconds=30, listen_url=listen_url(settings))
    stop = threading.Event()
    try:
        woke = threading.Event()
        threading.Thread(target=lambda: (waker.wait(stop), woke.set()), daemon=True).start()
        deadline = time.monotonic() + 10  # well inside the waker's 30 s of polling
        while not woke.is_set() and time.monotonic() < deadline:
            with UnitOfWork(session_factory(engine), producer="triage") as uow:
                uow.outbox.add("ticket.prioritized", PAYLOAD, aggregate_id=PAYLOAD["number"])
                uow.commit()
            woke.wait(0.5)
        assert woke.is_set(), "the relay slept through the commits (LISTEN through PgBouncer)"
    finally:
        stop.set()
        waker.close()
        engine.dispose()
