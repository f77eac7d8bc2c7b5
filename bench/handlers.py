"""What each event handler costs: SQL statements and CPU per handled event, per service.

The stack's capacity end to end is the CPU its event workers spend per ticket (issue 9: one
ticket makes ~14 handled events). This measures it without a broker or a load generator, so
the figures hold on a busy machine too (statement counts are exact, CPU is process time):

  capture   start the stack (as `make bench`), create --tickets tickets through the gateway,
            wait for the events to settle, and save every service's outbox (the real events,
            in order) to bench/data/events.json
  replay    for each service: migrate a throwaway database, seed what the service had before
            its events came (intake: the captured tickets), then hand each captured event the
            service subscribes to to its worker's handler exactly as the consumer does
            (once_per_message: inbox, handler, outbox, commit) and report, per event type,
            statements and CPU ms per event, plus the round trips of the unit of work itself

    .venv/bin/python bench/handlers.py capture [--tickets 60]
    .venv/bin/python bench/handlers.py replay [--services triage,sla]
"""
from __future__ import annotations

import argparse
import collections
import importlib
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
EVENTS = BENCH / "data" / "events.json"
SERVICES = ("intake", "triage", "escalation", "sla", "survey", "knowledge")


def capture(args) -> int:
    import bodies as ticket_bodies
    import psycopg  # noqa: F401 - run.Stack needs it
    import run
    import wrk

    databases = run.Databases(args.database_server)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEDESK_")}
    env.update({"PYTHONUNBUFFERED": "1", "SERVICEDESK_AMQP_URL": args.amqp})
    logs = Path(tempfile.mkdtemp(prefix="bench-handlers-"))
    stack = run.Stack(args, databases, env, logs / "stack.log")
    events = []
    try:
        stack.start()
        token = stack.login("operator1")
        lua = wrk.script(ticket_bodies.bodies(200), token=token)
        # a few connections, a few seconds: only the number of tickets matters here
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and stack.db("intake").execute(
                "SELECT count(*) FROM tickets").fetchone()[0] < args.tickets:
            wrk.run(stack.url + "/api/v1/tickets", lua, seconds=1, connections=2)
        run.wait_drained(stack, 120)
        for service in SERVICES:
            rows = stack.db(service).execute(
                "SELECT message_id, type, version, aggregate_id, correlation_id, "
                "causation_id, producer, occurred_at, payload FROM outbox ORDER BY id").fetchall()
            events += [{"message_id": str(r[0]), "type": r[1], "version": r[2],
                        "aggregate_id": r[3], "correlation_id": r[4], "causation_id": r[5],
                        "producer": r[6], "payload": r[8],
                        "occurred_at": r[7] if isinstance(r[7], str) else r[7].isoformat()}
                       for r in rows]
    finally:
        stack.stop()
        databases.drop_all()
    events.sort(key=lambda e: e["occurred_at"])
    EVENTS.parent.mkdir(exist_ok=True)
    EVENTS.write_text(json.dumps(events, indent=None, default=str) + "\n")
    kinds = collections.Counter(e["type"] for e in events)
    print(f"captured {len(events)} events to {EVENTS.relative_to(BENCH.parent)}: {dict(kinds)}")
    return 0


class StatementCounter:
    def __init__(self, engine):
        from sqlalchemy import event
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)
        event.listen(engine, "commit", self._one_commit)
        event.listen(engine, "begin", self._one_begin)
        self.commits = self.begins = 0

    def _one(self, *_args, **_kw):
        self.count += 1

    def _one_commit(self, *_args):
        self.commits += 1

    def _one_begin(self, *_args):
        self.begins += 1

    def total(self) -> int:
        return self.count + self.commits + self.begins


def seed_intake(worker, make_uow, events: list[dict]) -> int:
    """Intake's read model updates tickets it recorded: record the captured tickets first
    (ticket.created payloads, with their own numbers) through intake's repository, so the
    replayed events find their tickets as in production."""
    from datetime import datetime

    from intake.models import Ticket

    fields = {c.key for c in Ticket.__table__.columns} - {"id", "number", "created_at"}
    created = [e for e in events if e["type"] == "ticket.created"]
    with make_uow() as uow:
        for e in created:
            payload = e["payload"]
            at = datetime.fromisoformat(payload["created_at"])
            ticket = Ticket(number=payload["number"], created_at=at, updated_at=at,
                            escalations=[], versions={},
                            **{k: v for k, v in payload.items() if k in fields})
            uow.tickets.add(ticket)
            uow.tickets.record(ticket, what="created", by=payload.get("recorded_by"),
                               source="intake", at=at, to_value=ticket.status)
        uow.commit()
    return len(created)


# service -> seed(worker, make_uow, events): the state the service had before its events came
SEEDS = {"intake": seed_intake}


def replay_service(service: str, events: list[dict], args) -> dict:
    import run

    from servicedesk_common.db import make_engine, session_factory
    from servicedesk_common.events import Envelope
    from servicedesk_common.migrations import upgrade
    from servicedesk_common.settings import Settings
    from servicedesk_common.subscriptions import SUBSCRIPTIONS
    from servicedesk_common.worker import once_per_message

    worker = importlib.import_module(f"{service}.worker")
    wanted = set(SUBSCRIPTIONS[service]) & set(worker.HANDLERS)
    mine = [e for e in events if e["type"] in wanted]
    databases = run.Databases(args.database_server)
    try:
        url = databases.create(service)
        os.environ.setdefault("SERVICEDESK_DEV", "1")
        settings = replace(Settings.from_env(service), database_url=url,
                           shares_database=False, data_dir=Path(tempfile.mkdtemp()))
        engine = make_engine(settings)
        upgrade(worker.MIGRATIONS, settings, engine)
        sessions = session_factory(engine)

        def make_uow(**kw):
            return worker.UnitOfWork(sessions, producer=service, **kw)

        if service in SEEDS:
            seeded = SEEDS[service](worker, make_uow, events)
            print(f"{service}: seeded {seeded} records before replaying", file=sys.stderr)
        handlers = {t: once_per_message(h, make_uow) for t, h in worker.HANDLERS.items()}
        counter = StatementCounter(engine)
        per_type: dict[str, dict] = collections.defaultdict(
            lambda: {"events": 0, "statements": 0, "cpu_ms": 0.0, "wall_ms": 0.0})
        warm = int(len(mine) * args.warm)
        for index, e in enumerate(mine):
            envelope = Envelope.from_json(json.dumps(e).encode())
            before, cpu, wall = counter.total(), time.process_time(), time.perf_counter()
            handlers[e["type"]](envelope)
            if index >= warm:  # the first ones fill caches and compile statements
                row = per_type[e["type"]]
                row["events"] += 1
                row["statements"] += counter.total() - before
                row["cpu_ms"] += (time.process_time() - cpu) * 1000
                row["wall_ms"] += (time.perf_counter() - wall) * 1000
        engine.dispose()
    finally:
        databases.drop_all()
    out = {}
    for kind, row in sorted(per_type.items()):
        n = row["events"] or 1
        out[kind] = {"events": row["events"],
                     "statements_per_event": round(row["statements"] / n, 2),
                     "cpu_ms_per_event": round(row["cpu_ms"] / n, 2),
                     "wall_ms_per_event": round(row["wall_ms"] / n, 2)}
    return out


def replay(args) -> int:
    if not EVENTS.exists():
        sys.exit(f"no captured events: run `{sys.argv[0]} capture` first ({EVENTS})")
    events = json.loads(EVENTS.read_text())
    tickets = len({e["aggregate_id"] for e in events if e["type"] == "ticket.created"})
    tickets = tickets * (1 - args.warm)
    services = [s for s in args.services.split(",") if s] or list(SERVICES)
    results = {service: replay_service(service, events, args) for service in services}
    print(f"{'service':<11} {'event':<22} {'events':>6} {'stmts/ev':>9} {'cpu ms/ev':>9} "
          f"{'wall ms/ev':>10}")
    per_ticket_cpu = per_ticket_stmts = 0.0
    for service, kinds in results.items():
        for kind, row in kinds.items():
            print(f"{service:<11} {kind:<22} {row['events']:>6} "
                  f"{row['statements_per_event']:>9} {row['cpu_ms_per_event']:>9} "
                  f"{row['wall_ms_per_event']:>10}")
            per_ticket_cpu += row["cpu_ms_per_event"] * row["events"] / max(1, tickets)
            per_ticket_stmts += row["statements_per_event"] * row["events"] / max(1, tickets)
    print(f"\nper ticket ({tickets} tickets captured), for the services replayed: "
          f"{per_ticket_stmts:.1f} statements, {per_ticket_cpu:.1f} ms CPU in the handlers")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


def main(argv=None) -> int:
    sys.path.insert(0, str(BENCH))
    import run

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("capture", "replay"))
    parser.add_argument("--tickets", type=int, default=60)
    parser.add_argument("--services", default="")
    parser.add_argument("--warm", type=float, default=0.2,
                        help="share of the events replayed before measuring (caches, compiled "
                             "statements)")
    parser.add_argument("--json", default="")
    parser.add_argument("--database-server", default=os.environ.get(
        "SERVICEDESK_DATABASE_URL") or run.LOCAL_DB)
    parser.add_argument("--amqp", default=os.environ.get("SERVICEDESK_AMQP_URL",
                                                         run.DEFAULT_AMQP))
    args = parser.parse_args(argv)
    return capture(args) if args.what == "capture" else replay(args)


if __name__ == "__main__":
    sys.exit(main())
