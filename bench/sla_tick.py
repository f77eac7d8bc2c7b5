"""One SLA monitor tick with 100,000 open clocks, 100 of them due.

Fills a throwaway PostgreSQL database (on the server of SERVICEDESK_DATABASE_URL, else the local
one at 127.0.0.1:5432) with open clocks whose next deadlines are spread over the coming month,
makes 100 of them due, and times `Monitor.tick()` (select the due clocks by the indexed
`next_check_at` with FOR UPDATE SKIP LOCKED, announce their warnings into the outbox, store their
next deadlines, commit). Between ticks the same 100 are made due again, untimed. Prints JSON with
the median and the query plan; exits 1 when the median is over the budget. The database is
dropped at the end.

    .venv/bin/python bench/sla_tick.py [--clocks 100000] [--due 100] [--ticks 9] [--budget-ms 50]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from servicedesk_common.db import (
    ensure_postgres_database,
    make_engine,
    normalize_url,
    session_factory,
)
from servicedesk_common.migrations import upgrade
from servicedesk_common.settings import Settings
from sla.adapters import SlaUnitOfWork
from sla.monitor import Monitor, due_query
from sla.worker import MIGRATIONS

LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres"
COLUMNS = ("number", "started_at", "facts", "priority", "policy", "calendar",
           "response_seconds", "resolution_seconds", "responded_at", "response_warning_at",
           "response_due_at", "resolution_warning_at", "resolution_due_at", "state",
           "response_at_risk", "response_breached", "resolution_at_risk", "resolution_breached",
           "next_check_at", "updated_at")


def throwaway_url() -> str:
    server = os.environ.get("SERVICEDESK_DATABASE_URL") or LOCAL
    if not normalize_url(server).startswith("postgresql"):
        sys.exit("bench/sla_tick.py needs PostgreSQL (SERVICEDESK_DATABASE_URL or 127.0.0.1)")
    url = make_url(normalize_url(server.replace("{service}", "sla")))
    return url.set(database=f"sla_bench_{uuid.uuid4().hex[:8]}").render_as_string(
        hide_password=False)


def fill(engine, *, clocks: int, due: int, now: datetime) -> None:
    """Open clocks (responded, resolution running on 24x7), next deadlines from 1 minute to a
    month ahead; the first `due` are made due by `make_due`."""
    with engine.raw_connection() as raw:
        cursor = raw.cursor()
        with cursor.copy(f"COPY clocks ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for i in range(clocks):
                start = now - timedelta(minutes=i % 600)
                warning = now + timedelta(seconds=60 + (i * 26) % (30 * 86400))
                copy.write_row((f"INC-2026-{i:06d}", start, "[]", 1 + i % 3,
                                f"priority-{1 + i % 3}", "24x7", 600, 28800, start, None, start,
                                warning, warning + timedelta(hours=2), "ok", False, False,
                                False, False, warning, now))
        raw.commit()
    make_due(engine, due=due, now=now)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE clocks"))


def make_due(engine, *, due: int, now: datetime) -> None:
    """The first `due` clocks: resolution warning one second ago, not yet announced."""
    with engine.begin() as conn:
        conn.execute(text(
            "UPDATE clocks SET resolution_warning_at = :w, next_check_at = :w, state = 'ok',"
            " resolution_at_risk = false WHERE number < :last"),
            {"w": now - timedelta(seconds=1), "last": f"INC-2026-{due:06d}"})
        conn.execute(text("DELETE FROM outbox"))


def plan(engine, now: datetime) -> list[str]:
    """PostgreSQL's plan of the monitor's own query."""
    compiled = due_query(now, limit=500, dialect="postgresql").compile(dialect=engine.dialect)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).all()
    return [row[0] for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--ticks", type=int, default=9)
    parser.add_argument("--budget-ms", type=float, default=50.0)
    args = parser.parse_args(argv)

    os.environ.setdefault("SERVICEDESK_DEV", "1")
    url = throwaway_url()
    settings = replace(Settings.from_env("sla"), database_url=url, shares_database=False)
    ensure_postgres_database(normalize_url(url))
    engine = make_engine(settings)
    try:
        upgrade(MIGRATIONS, settings, engine)
        now = datetime.now(UTC)
        started = time.perf_counter()
        fill(engine, clocks=args.clocks, due=args.due, now=now)
        filled_seconds = time.perf_counter() - started
        sessions = session_factory(engine)
        monitor = Monitor(lambda **kw: SlaUnitOfWork(sessions, producer="sla"),
                          now=lambda: now, batch=500)
        timings, announced = [], []
        for _ in range(args.ticks):
            make_due(engine, due=args.due, now=now)
            begin = time.perf_counter()
            handled = monitor.tick()
            timings.append((time.perf_counter() - begin) * 1000)
            announced.append(handled)
        with engine.connect() as conn:
            outbox_rows = conn.execute(text("SELECT count(*) FROM outbox")).scalar_one()
        result = {
            "benchmark": "sla monitor tick", "clocks": args.clocks, "due": args.due,
            "ticks": args.ticks, "median_ms": round(statistics.median(timings), 2),
            "min_ms": round(min(timings), 2), "max_ms": round(max(timings), 2),
            "budget_ms": args.budget_ms, "clocks_per_tick": announced,
            "events_last_tick": outbox_rows, "fill_seconds": round(filled_seconds, 1),
            "plan": plan(engine, now),
        }
    finally:
        engine.dispose()
        _drop(url)
    print(json.dumps(result, indent=2))
    return 0 if result["median_ms"] <= args.budget_ms else 1


def _drop(url: str) -> None:
    target = make_url(normalize_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
