"""One relay hop alone: from an outbox row's COMMIT to a consumer holding the message.

The relay (NOTIFY wake-up, SELECT .. FOR UPDATE SKIP LOCKED, publish, confirms, mark sent) in a
thread of this process, on a throwaway database and bus names; the main thread commits one
outbox row at a time, --interval apart, and polls a queue bound to the exchange. Next to the
hop-by-hop split of `make bench` (where the same hop runs inside a busy worker process) it says
how much of a hop is the relay itself.

    .venv/bin/python bench/relay_hop.py [--rows 100] [--interval 0.1]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pika
import run

from servicedesk_common.bus import Publisher, Relay, Topology
from servicedesk_common.db import UnitOfWork, make_engine, session_factory
from servicedesk_common.migrations import upgrade
from servicedesk_common.outbox import OutboxWaker
from servicedesk_common.settings import Settings
from servicedesk_common.subscriptions import SUBSCRIPTIONS


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--database-server", default=os.environ.get(
        "SERVICEDESK_DATABASE_URL") or run.LOCAL_DB)
    parser.add_argument("--amqp", default=os.environ.get("SERVICEDESK_AMQP_URL",
                                                         run.DEFAULT_AMQP))
    args = parser.parse_args(argv)
    import triage.worker

    databases = run.Databases(args.database_server)
    topology = Topology(f"bench-hop-{uuid.uuid4().hex[:6]}", (1000,))
    connection = pika.BlockingConnection(pika.URLParameters(args.amqp))
    channel = connection.channel()
    topology.declare_exchanges(channel)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, topology.exchange, routing_key="#")
    stop = threading.Event()
    try:
        os.environ.setdefault("SERVICEDESK_DEV", "1")
        settings = replace(Settings.from_env("triage"), database_url=databases.create("triage"),
                           shares_database=False, data_dir=Path(tempfile.mkdtemp()))
        engine = make_engine(settings)
        upgrade(triage.worker.MIGRATIONS, settings, engine)
        sessions = session_factory(engine)
        publisher = Publisher(args.amqp, topology, SUBSCRIPTIONS, service="triage")
        relay = Relay(publisher, sessions, OutboxWaker(engine, "triage", 0.5), stop=stop)
        thread = threading.Thread(target=relay.run, daemon=True)
        thread.start()
        time.sleep(1)
        hops = []
        for i in range(args.rows):
            with UnitOfWork(sessions, producer="triage") as uow:
                uow.outbox.add("ticket.prioritized", {
                    "number": f"INC-2026-{i:06d}", "priority": 2, "urgency": "medium",
                    "impact": "medium"}, aggregate_id=f"INC-2026-{i:06d}")
                uow.commit()
            committed = time.perf_counter()
            while channel.basic_get(queue, auto_ack=True)[0] is None:
                pass
            hops.append((time.perf_counter() - committed) * 1000)
            time.sleep(args.interval)
        stop.set()
        thread.join(5)
        engine.dispose()
    finally:
        channel.exchange_delete(topology.exchange)
        channel.exchange_delete(topology.dead_letter_exchange)
        connection.close()
        databases.drop_all()
    hops.sort()
    print(f"commit -> consumer holds it, {len(hops)} rows: p50 {hops[len(hops) // 2]:.2f} ms, "
          f"p90 {hops[int(len(hops) * 0.9)]:.2f} ms, p99 {hops[int(len(hops) * 0.99)]:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
