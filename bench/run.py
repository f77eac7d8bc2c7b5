"""`make bench`: every figure of issue 9 in one run, each next to its ceiling on this machine.

Starts the stack with deploy/run.py (as `make run`) on throwaway PostgreSQL databases and bus
names, and measures, with wrk (fixed concurrency) or bench/pace.py (fixed rate) as the load
generator in its own process, bounded in time:

  ceilings       a bare Flask POST; the minimal chain (bare proxy over a pooled connection to a
                 bare app that inserts the ticket and an outbox row); that app alone; pika
                 publishing with a confirm per message; one broker round trip
  intake         POST /api/v1/tickets through the gateway, realistic bodies: requests/s, p50/p99,
                 and the CPU each process used (how the load spread over gunicorn's workers)
  pipeline       at half the measured intake rate: from the 201 to the ticket showing its
                 priority and SLA due times, p50/p99
  sustained      intake at full load; how long outbox backlogs, queue depths and unfinished
                 tickets take to drain once the load stops
  memory         RSS (and PSS) of every process idle and after the intake runs
  sla tick       bench/sla_tick.py (100,000 open clocks, 100 due)
  kb search      bench/kb_search.py (10,000 articles), when it is there

Writes bench/results/<time>-<commit>.json and prints a Markdown table; --write-doc also puts the
table into docs/PERFORMANCE.md. These are benchmarks, not tests: the exit code is 0 whenever the
run completed, whatever the figures.

    .venv/bin/python bench/run.py [--quick] [--connections 16] [--seconds 20] ...
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

import bodies as ticket_bodies
import pika
import procs
import psycopg
import wrk

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
SERVICES = ("intake", "triage", "escalation", "sla", "survey", "knowledge")
LOCAL_DB = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"
DOC = ROOT / "docs" / "PERFORMANCE.md"
DOC_START, DOC_END = "<!-- bench-results:start -->", "<!-- bench-results:end -->"
WAITING_SQL = """
SELECT count(*) FROM tickets
 WHERE priority IS NULL OR sla->>'response_due_at' IS NULL OR sla->>'resolution_due_at' IS NULL
    OR sla->>'policy' NOT LIKE 'priority-' || priority || '%'
"""
TARGETS = {"intake_vs_chain": 0.7, "pipeline_p50_ms": 20, "pipeline_p99_ms": 100,
           "drain_s": 5, "sla_tick_ms": 50, "search_p95_ms": 20, "idle_web_rss_mb": 80}


def log(message: str) -> None:
    print(f"bench | {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


# --- PostgreSQL --------------------------------------------------------------------------------

class Databases:
    """Throwaway databases `bench_<id>_<name>` on one server; all dropped at the end."""

    def __init__(self, server_url: str):
        server_url = server_url.replace("{service}", "postgres")
        head, _, _ = server_url.rpartition("/")
        self.head = head if "://" in head else server_url
        self.prefix = f"bench_{uuid.uuid4().hex[:8]}"

    def url(self, name: str) -> str:
        return f"{self.head}/{self.prefix}_{name}"

    def template(self) -> str:
        return f"{self.head}/{self.prefix}_{{service}}"

    def admin(self):
        return psycopg.connect(f"{self.head}/postgres", autocommit=True)

    def create(self, name: str) -> str:
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.prefix}_{name}"')
        return self.url(name)

    def drop_all(self) -> None:
        with self.admin() as conn:
            names = [row[0] for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (self.prefix + "\\_%",)).fetchall()]
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def server_version(self) -> str:
        with self.admin() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]


# --- gunicorn ceilings -------------------------------------------------------------------------

class Gunicorn:
    """One of the minimal apps of bench/ceilings, with the stack's gunicorn settings."""

    def __init__(self, app: str, env: dict, log_path: Path):
        self.port = free_port()
        self.log = open(log_path, "ab")
        self.popen = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--bind",
             f"127.0.0.1:{self.port}", "--pythonpath", str(BENCH / "ceilings"), app],
            env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        wait_port(self.port)
        time.sleep(0.5)  # both workers booted

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def names(self) -> dict[str, int]:
        pids = procs.tree(self.popen.pid)
        return {("master" if pid == self.popen.pid else f"worker {i}"): pid
                for i, pid in enumerate(sorted(pids))}

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
        self.log.close()


class WaitSampler(threading.Thread):
    """What the run's PostgreSQL backends were doing, sampled from pg_stat_activity every
    0.1 s: per database, how often a backend was running, idle in a transaction, or waiting
    (and on what: Lock:transactionid is a row lock held by another transaction)."""

    def __init__(self, databases: Databases):
        super().__init__(daemon=True)
        self.databases = databases
        self.stop = threading.Event()
        self.counts: dict[str, dict[str, int]] = {}
        self.samples = 0

    def run(self) -> None:
        try:
            with self.databases.admin() as conn:
                while not self.stop.wait(0.1):
                    rows = conn.execute(
                        "SELECT datname, state, wait_event_type, wait_event FROM pg_stat_activity"
                        " WHERE datname LIKE %s AND state <> 'idle' AND pid <> pg_backend_pid()",
                        (self.databases.prefix + "\\_%",)).fetchall()
                    self.samples += 1
                    for datname, state, wait_type, wait in rows:
                        name = datname[len(self.databases.prefix) + 1:]
                        what = f"{wait_type}:{wait}" if wait_type else state
                        per = self.counts.setdefault(name, {})
                        per[what] = per.get(what, 0) + 1
        except Exception as exc:  # noqa: BLE001 - a diagnostic must not end the run
            self.counts["error"] = {repr(exc): 1}

    def result(self) -> dict:
        """Average number of backends in each state, per database."""
        n = max(1, self.samples)
        return {db: dict(sorted(((k, round(v / n, 2)) for k, v in per.items()),
                                key=lambda kv: -kv[1]))
                for db, per in sorted(self.counts.items())}


def measured(url: str, lua: Path, args, names: dict[str, int],
             databases: Databases | None = None) -> dict:
    """A short warm-up, then the measured wrk run with the CPU of each process (and, given
    the databases, what their backends were doing)."""
    wrk.run(url, lua, seconds=args.warmup, connections=args.connections)
    sampler = WaitSampler(databases) if databases is not None else None
    if sampler is not None:
        sampler.start()
    before, started = procs.cpu_of(names), time.monotonic()
    result = wrk.run(url, lua, seconds=args.seconds, connections=args.connections)
    result["cpu"] = procs.cpu_delta(before, procs.cpu_of(names), time.monotonic() - started)
    if sampler is not None:
        sampler.stop.set()
        sampler.join(5)
        result["pg_backends"] = sampler.result()
    return result


def bare_flask(args, databases: Databases, lua: Path, env: dict, logs: Path) -> dict:
    log("ceiling: bare Flask POST")
    bare = Gunicorn("bare:create_app()", env, logs)
    try:
        return {"bare_flask": measured(bare.url + "/api/v1/tickets", lua, args, bare.names())}
    finally:
        bare.stop()


def minimal_chain(args, databases: Databases, lua: Path, env: dict, logs: Path) -> dict:
    log("ceiling: minimal chain (bare proxy -> bare insert + outbox row)")
    sys.path.insert(0, str(BENCH / "ceilings"))
    import store

    url = databases.create("ceiling")
    store.prepare(url)
    app = Gunicorn("store:create_app()", {**env, "BENCH_STORE_DATABASE_URL": url}, logs)
    proxy = None
    out = {}
    try:
        out["store_alone"] = measured(app.url + "/api/v1/tickets", lua, args, app.names(),
                                      databases)
        proxy = Gunicorn("proxy:create_app()", {**env, "BENCH_UPSTREAM": app.url}, logs)
        names = {**{f"proxy {k}": v for k, v in proxy.names().items()},
                 **{f"store {k}": v for k, v in app.names().items()}}
        out["minimal_chain"] = measured(proxy.url + "/api/v1/tickets", lua, args, names,
                                        databases)
        return out
    finally:
        if proxy is not None:
            proxy.stop()
        app.stop()


def broker(args, databases: Databases, lua: Path, env: dict, logs: Path) -> dict:
    log("ceiling: broker (confirm per message, round trip)")
    done = subprocess.run([PYTHON, str(BENCH / "ceilings" / "broker.py"), "--amqp", args.amqp,
                           "--messages", str(args.broker_messages), "--round-trips",
                           str(args.broker_messages // 3)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    out = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 \
        else {"error": done.stderr[-2000:]}
    log("ceiling: the relay's Publisher.publish_many, batches of 200")
    done = subprocess.run([PYTHON, str(BENCH / "relay_publish.py"), "--amqp", args.amqp,
                           "--messages", str(args.broker_messages * 2)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    out["relay_publish"] = json.loads(done.stdout.strip().splitlines()[-1]) \
        if done.returncode == 0 else {"error": done.stderr[-2000:]}
    return {"broker": out}


def ceilings(args, databases: Databases, lua: Path, env: dict, logs: Path) -> dict:
    out = {}
    for step in (bare_flask, minimal_chain, broker):
        try:
            out.update(step(args, databases, lua, env, logs))
        except Exception as exc:  # noqa: BLE001 - record it, go on with the next ceiling
            log(f"ceiling {step.__name__} failed: {exc!r}")
            out[step.__name__] = {"error": repr(exc)}
    return out


# --- the stack ---------------------------------------------------------------------------------

class Stack:
    def __init__(self, args, databases: Databases, env: dict, log_path: Path):
        self.port = free_port()
        self.password = secrets.token_urlsafe(12)
        self.prefix = f"bench-{databases.prefix[6:]}"
        self.databases = databases
        self.amqp = args.amqp
        self.env = {**env, "SERVICEDESK_DATABASE_URL": databases.template(),
                    "SERVICEDESK_AMQP_URL": args.amqp, "SERVICEDESK_BUS_PREFIX": self.prefix,
                    "SERVICEDESK_GATEWAY_PORT": str(self.port),
                    "SERVICEDESK_GATEWAY_HOST": "127.0.0.1",
                    "SERVICEDESK_DEMO_PASSWORD": self.password,
                    "SERVICEDESK_DATA_DIR": tempfile.mkdtemp(prefix="bench-data-"),
                    # the load posts as operator1: measure the limiter's cost, not its refusals
                    "SERVICEDESK_USER_WRITE_RATE": "1000000",
                    "SERVICEDESK_USER_WRITE_BURST": "1000000"}
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.popen = None
        self.names: dict[str, int] = {}
        self._channel = None
        self._connection = None
        self._dbs: dict[str, psycopg.Connection] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.popen = subprocess.Popen([PYTHON, str(ROOT / "deploy" / "run.py")], env=self.env,
                                      cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError("the launcher exited; see " + str(self.log_path))
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise RuntimeError("the stack did not become ready; see " + str(self.log_path))
        self.wait_consumers()
        self.names = procs.named(procs.tree(self.popen.pid))

    def channel(self):
        if self._channel is None or not self._channel.is_open:
            self._connection = pika.BlockingConnection(pika.URLParameters(self.amqp))
            self._channel = self._connection.channel()
        return self._channel

    def queue(self, service: str):
        try:
            channel = self.channel()
            return channel.queue_declare(f"{self.prefix}.{service}", passive=True).method
        except pika.exceptions.AMQPError:  # dropped while idle (heartbeats): once more
            self._channel = None
            return self.channel().queue_declare(f"{self.prefix}.{service}",
                                                passive=True).method

    def wait_consumers(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if all(self.queue(s).consumer_count >= 1 for s in SERVICES):
                    return
            except pika.exceptions.AMQPError:
                self._channel = None
            time.sleep(0.3)
        raise RuntimeError("the workers' consumers did not start; see " + str(self.log_path))

    def db(self, service: str) -> psycopg.Connection:
        if service not in self._dbs:
            self._dbs[service] = psycopg.connect(self.databases.url(service), autocommit=True)
        return self._dbs[service]

    def depths(self) -> dict:
        """Unsent outbox rows and ready messages per service, and the tickets not yet showing
        their priority and SLA due times."""
        outbox = {s: self.db(s).execute(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
            for s in SERVICES}
        queues = {s: self.queue(s).message_count for s in SERVICES}
        waiting = self.db("intake").execute(WAITING_SQL).fetchone()[0]
        return {"outbox": outbox, "queues": queues, "tickets_waiting": waiting}

    def pg_connections(self) -> dict:
        """Server connections this stack holds, all of the server's, and its limit: the stack
        needs a few dozen, and "too many clients" from a shared server spoils a run."""
        with self.databases.admin() as conn:
            ours, total = conn.execute(
                "SELECT count(*) FILTER (WHERE datname LIKE %s), count(*) FROM pg_stat_activity",
                (self.databases.prefix + "\\_%",)).fetchone()
            limit = int(conn.execute("SHOW max_connections").fetchone()[0])
        return {"stack": ours, "server": total, "max_connections": limit}

    def login(self, username: str) -> str:
        request = urllib.request.Request(
            self.url + "/api/v1/auth/login", method="POST",
            data=json.dumps({"username": username, "password": self.password}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["access_token"]

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
        self.log.close()
        for conn in self._dbs.values():
            conn.close()
        try:  # an idle blocking connection may have been dropped for missed heartbeats
            if self._connection is not None and self._connection.is_open:
                self._connection.close()
        except pika.exceptions.AMQPError:
            pass
        self.delete_bus()

    def delete_bus(self) -> None:
        from servicedesk_common.bus import Topology
        from servicedesk_common.subscriptions import SUBSCRIPTIONS

        delays = [int(d) for d in self.env.get("SERVICEDESK_RETRY_DELAYS_MS",
                                               "1000,5000,30000").split(",")]
        topology = Topology(self.prefix, tuple(delays))
        try:
            connection = pika.BlockingConnection(pika.URLParameters(self.amqp))
            channel = connection.channel()
            for service in SUBSCRIPTIONS:
                for queue in [topology.queue(service), topology.dlq(service)] + [
                        topology.retry_queue(service, d) for d in delays]:
                    channel.queue_delete(queue)
            channel.exchange_delete(topology.exchange)
            channel.exchange_delete(topology.dead_letter_exchange)
            connection.close()
        except Exception as exc:  # noqa: BLE001 - a leftover name must not lose the results
            log(f"could not delete the bus names {self.prefix}.*: {exc!r}")


def drained(d: dict) -> bool:
    return not any(d["outbox"].values()) and not any(d["queues"].values()) \
        and d["tickets_waiting"] == 0


def wait_drained(stack: Stack, timeout: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if drained(stack.depths()):
            return round(time.monotonic() - started, 2)
        time.sleep(0.25)
    return None


class DepthSampler(threading.Thread):
    """Depths every `interval` while the load runs, and the first drained sample after it."""

    def __init__(self, stack: Stack, interval: float, limit: float):
        super().__init__(daemon=True)
        self.stack, self.interval, self.limit = stack, interval, limit
        self.samples: list[dict] = []
        self.load_ended: float | None = None
        self.drained_at: float | None = None
        self.start_time = time.monotonic()
        self.stop = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                asked = time.monotonic()
                depths = self.stack.depths()
                self.samples.append({"t": round(asked - self.start_time, 2), **depths})
                if self.load_ended is not None and asked >= self.load_ended and drained(depths):
                    self.drained_at = asked
                    return
                if self.load_ended is not None and asked - self.load_ended > self.limit:
                    return
                self.stop.wait(max(0.0, self.interval - (time.monotonic() - asked)))
        except Exception as exc:  # noqa: BLE001 - reported in the results
            self.error = repr(exc)


def sustained(stack: Stack, lua: Path, args) -> dict:
    sampler = DepthSampler(stack, 0.25, args.drain_limit)
    before, started = procs.cpu_of(stack.names), time.monotonic()
    sampler.start()
    load = wrk.run(stack.url + "/api/v1/tickets", lua, seconds=args.sustained,
                   connections=args.connections)
    sampler.load_ended = time.monotonic()
    load["cpu"] = procs.cpu_delta(before, procs.cpu_of(stack.names),
                                  sampler.load_ended - started)
    sampler.join(args.drain_limit + 30)
    whole = procs.cpu_delta(before, procs.cpu_of(stack.names), time.monotonic() - started)
    at_stop = next((s for s in reversed(sampler.samples)
                    if s["t"] <= sampler.load_ended - sampler.start_time), None)
    peak_outbox = max((sum(s["outbox"].values()) for s in sampler.samples), default=None)
    peak_queues = max((sum(s["queues"].values()) for s in sampler.samples), default=None)
    peak_waiting = max((s["tickets_waiting"] for s in sampler.samples), default=None)
    # A coarser series for the JSON: about one sample a second.
    series = sampler.samples[::4]
    finished = (sampler.drained_at or time.monotonic()) - started
    return {
        "load": load, "at_stop": at_stop,
        # Tickets carried the whole way (created, classified, prioritised, SLA shown) per
        # second of load plus drain: what the stack sustains end to end.
        "end_to_end_tickets_per_s": round(load["ok"] / finished, 1) if finished else None,
        "cpu_ms_per_ticket": cpu_per_ticket(whole, load["ok"]),
        "peak": {"outbox": peak_outbox, "queues": peak_queues, "tickets_waiting": peak_waiting},
        "drain_s": round(sampler.drained_at - sampler.load_ended, 2)
        if sampler.drained_at else None,
        "drain_limit_s": args.drain_limit, "sampler_error": sampler.error, "series": series,
    }


def cpu_per_ticket(cpu: dict, tickets: int) -> dict | None:
    """CPU ms the stack's processes spent per ticket over the load and its drain: the web path
    (gateway, intake's web workers) and the event workers (consumers and relays)."""
    if not tickets:
        return None

    def ms(names):
        return round(1000 * sum(v["cpu_s"] for k, v in cpu.items() if k in names) / tickets, 1)

    web = [k for k in cpu if k.startswith(("gateway ", "intake-web "))]
    workers = [k for k in cpu if k.endswith("-worker")]
    return {"web": ms(web), "workers": ms(workers), "all": ms(list(cpu)),
            "per_worker": {k: ms([k]) for k in sorted(workers)}}


def pipeline(stack: Stack, token: str, bodies: list[str], rate: float, args) -> dict:
    config = {"gateway": stack.url, "token": token, "bodies": bodies, "rate": rate,
              "seconds": args.pipeline_seconds, "intake_db": stack.databases.url("intake"),
              "connections": 8, "poll_ms": 2, "settle_seconds": 20}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
    try:
        done = subprocess.run([PYTHON, str(BENCH / "pace.py"), handle.name], capture_output=True,
                              text=True, timeout=args.pipeline_seconds + 90, cwd=ROOT)
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        return {"error": done.stderr[-3000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


STAGES = ("intake commit -> ticket.created relayed", "relayed -> triage handles it",
          "triage handling -> ticket.prioritized written", "written -> relayed",
          "relayed -> sla handles it", "sla handling -> sla.* written", "written -> relayed",
          "relayed -> intake's read model handles it")


def breakdown(stack: Stack, numbers: list[str]) -> dict:
    """Where a ticket's pipeline time goes, hop by hop, from the timestamps the spine keeps:
    each outbox row's occurred_at (written) and sent_at (marked sent after the confirm), each
    inbox row's processed_at (handling began). Follows ticket.created -> triage's
    ticket.prioritized -> sla's first sla.* caused by it -> intake's inbox. A consumer may start
    before its producer's relay marked the row sent: such a stage can be slightly negative."""
    def rows(service: str, sql: str, params) -> list:
        return stack.db(service).execute(sql, params).fetchall()

    def parse(value) -> float:
        return (datetime.fromisoformat(value) if isinstance(value, str) else value).timestamp()

    outbox_sql = ("SELECT message_id, causation_id, occurred_at, sent_at, aggregate_id "
                  "FROM outbox WHERE {} = ANY(%s) AND type {} AND sent_at IS NOT NULL")
    inbox_sql = "SELECT message_id, processed_at FROM inbox WHERE message_id = ANY(%s)"
    created = {r[4]: r for r in rows("intake", outbox_sql.format(
        "aggregate_id", "= 'ticket.created'"), (numbers,))}
    triage_in = dict(rows("triage", inbox_sql, ([r[0] for r in created.values()],)))
    prioritized = {r[1]: r for r in rows("triage", outbox_sql.format(
        "causation_id", "= 'ticket.prioritized'"), (list(triage_in),))}
    sla_in = dict(rows("sla", inbox_sql, ([r[0] for r in prioritized.values()],)))
    announced = {}
    for r in sorted(rows("sla", outbox_sql.format("causation_id", "LIKE 'sla.%%'"),
                         (list(sla_in),)), key=lambda r: r[2], reverse=True):
        announced[r[1]] = r
    intake_in = dict(rows("intake", inbox_sql, ([r[0] for r in announced.values()],)))
    stages: list[list[float]] = [[] for _ in STAGES]
    for a in created.values():
        b = prioritized.get(a[0])
        c = announced.get(b[0]) if b else None
        if not (b and c and a[0] in triage_in and b[0] in sla_in and c[0] in intake_in):
            continue
        moments = [parse(a[2]), parse(a[3]), parse(triage_in[a[0]]), parse(b[2]),
                   parse(b[3]), parse(sla_in[b[0]]), parse(c[2]), parse(c[3]),
                   parse(intake_in[c[0]])]
        for i in range(len(STAGES)):
            stages[i].append((moments[i + 1] - moments[i]) * 1000)

    def pct(values, q):
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))],
                     2) if ordered else None
    return {"tickets": len(stages[0]),
            "stages_ms": [{"stage": name, "p50": pct(v, 50), "p99": pct(v, 99)}
                          for name, v in zip(STAGES, stages, strict=True)]}


def spread(cpu: dict, prefix: str) -> list[float]:
    """The CPU share of each gunicorn worker of one web process: how gthread spread the load."""
    return [v["cpu_s"] for k, v in sorted(cpu.items()) if k.startswith(prefix + " worker")]


def run_stack(args, databases: Databases, lua_for, env: dict, logs: Path) -> dict:
    out: dict = {}
    stack = Stack(args, databases, env, logs)
    log(f"stack: starting (bus prefix {stack.prefix}, gateway port {stack.port})")
    try:
        stack.start()
        time.sleep(args.idle_settle)
        stack.names = procs.named(procs.tree(stack.popen.pid))
        out["processes"] = {name: " ".join(procs.cmdline(pid))[:200]
                            for name, pid in stack.names.items()}
        out["memory_idle"] = procs.memory_of(stack.names)
        before, started = procs.cpu_of(stack.names), time.monotonic()
        time.sleep(args.idle_settle)  # what the stack burns doing nothing (polls, heartbeats)
        out["cpu_idle"] = procs.cpu_delta(before, procs.cpu_of(stack.names),
                                          time.monotonic() - started)
        props = stack.channel().connection._impl.server_properties or {}
        version = props.get("version")
        out["rabbitmq"] = version.decode() if isinstance(version, bytes) else version
        token = stack.login("operator1")
        lua = lua_for(token)

        def intake():
            log("stack: intake through the gateway")
            result = measured(stack.url + "/api/v1/tickets", lua, args, stack.names,
                              databases)
            result["depths_at_end"] = stack.depths()
            result["pg_connections"] = stack.pg_connections()
            result["spread"] = {name: spread(result["cpu"], name)
                                for name in ("gateway", "intake-web")}
            out["memory_after_intake"] = procs.memory_of(stack.names)
            log("stack: letting the backlog drain")
            result["drain_after_s"] = wait_drained(stack, args.drain_limit * 4)
            return result

        def intake_workers_paused():
            """The web path alone: the event workers are stopped (SIGSTOP) during the run, as
            if the events were handled later, then resumed; how fast the backlog goes."""
            log("stack: intake through the gateway with the event workers paused")
            workers = [pid for name, pid in stack.names.items() if name.endswith("-worker")]
            for pid in workers:
                os.kill(pid, signal.SIGSTOP)
            try:
                result = measured(stack.url + "/api/v1/tickets", lua,
                                  argparse.Namespace(**{**vars(args),
                                                        "seconds": args.paused_seconds}),
                                  stack.names)
            finally:
                for pid in workers:
                    os.kill(pid, signal.SIGCONT)
            log("stack: resumed; the backlog drains")
            result["backlog_tickets"] = result["ok"]
            result["drain_s"] = wait_drained(stack, args.drain_limit * 4)
            if result["drain_s"]:
                result["backlog_tickets_per_s"] = round(result["ok"] / result["drain_s"], 1)
            return result

        def event_pipeline_at(rate: float, why: str):
            log(f"stack: event pipeline at {rate:g} tickets/s ({why})")
            result = pipeline(stack, token, lua_for.bodies, rate, args)
            wait_drained(stack, args.drain_limit * 4)
            numbers = result.pop("numbers", None)
            if numbers:
                try:
                    result["breakdown"] = breakdown(stack, numbers)
                except Exception as exc:  # noqa: BLE001 - a diagnostic must not end the run
                    result["breakdown"] = {"error": repr(exc)}
            return result

        def event_pipeline():
            rate = max(1.0, round((out.get("intake") or {}).get("rps", 2) / 2, 1))
            return event_pipeline_at(rate, "half the intake rate")

        def event_pipeline_low():
            return event_pipeline_at(args.pipeline_low_rate, "well within capacity")

        def sustained_load():
            log(f"stack: sustained intake for {args.sustained:g}s, then the drain")
            result = sustained(stack, lua, args)
            result["pg_connections"] = stack.pg_connections()
            out["memory_after_sustained"] = procs.memory_of(stack.names)
            return result

        for name, step in (("intake", intake), ("intake_paused", intake_workers_paused),
                           ("pipeline", event_pipeline),
                           ("pipeline_low", event_pipeline_low),
                           ("sustained", sustained_load)):
            try:
                out[name] = step()
            except Exception as exc:  # noqa: BLE001 - record it, go on with the next figure
                log(f"stack: {name} failed: {exc!r}")
                out[name] = {"error": repr(exc)}
        out["tickets_created"] = stack.db("intake").execute(
            "SELECT count(*) FROM tickets").fetchone()[0]
    except Exception as exc:  # noqa: BLE001
        log(f"stack: failed: {exc!r}; its log: {stack.log_path}")
        out["error"] = repr(exc)
    finally:
        log("stack: stopping")
        stack.stop()
    return out


# --- the others' benchmarks --------------------------------------------------------------------

def external(script: str, argv: list[str], timeout: float) -> dict:
    path = BENCH / script
    if not path.exists():
        return {"missing": f"bench/{script} is not there yet"}
    started = time.monotonic()
    done = subprocess.run([PYTHON, str(path), *argv], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    text = done.stdout.strip()
    result = None
    start = text.find("{")
    while start != -1 and result is None:
        try:
            result = json.loads(text[start:])
        except ValueError:
            start = text.find("{", start + 1)
    return {"exit": done.returncode, "seconds": round(time.monotonic() - started, 1),
            "result": result, **({} if result else {"output": (text + done.stderr)[-2000:]})}


def find_number(data, pattern: str):
    """The first number under a key matching pattern, anywhere in data."""
    if isinstance(data, dict):
        for key, value in data.items():
            if re.search(pattern, key) and isinstance(value, (int, float)):
                return value
        for value in data.values():
            found = find_number(value, pattern)
            if found is not None:
                return found
    if isinstance(data, list):
        for value in data:
            found = find_number(value, pattern)
            if found is not None:
                return found
    return None


# --- report ------------------------------------------------------------------------------------

def figures(result: dict) -> dict:
    c, s = result.get("ceilings", {}), result.get("stack", {})
    intake = s.get("intake", {}).get("rps")
    f = {
        "intake_rps": intake,
        "intake_p50_ms": s.get("intake", {}).get("p50_ms"),
        "intake_p99_ms": s.get("intake", {}).get("p99_ms"),
        "bare_flask_rps": c.get("bare_flask", {}).get("rps"),
        "minimal_chain_rps": c.get("minimal_chain", {}).get("rps"),
        "store_alone_rps": c.get("store_alone", {}).get("rps"),
        "pipeline_p50_ms": s.get("pipeline", {}).get("pipeline", {}).get("p50_ms"),
        "pipeline_p99_ms": s.get("pipeline", {}).get("pipeline", {}).get("p99_ms"),
        "pipeline_rate": s.get("pipeline", {}).get("achieved_rate"),
        "paused_rps": s.get("intake_paused", {}).get("rps"),
        "paused_p50_ms": s.get("intake_paused", {}).get("p50_ms"),
        "paused_p99_ms": s.get("intake_paused", {}).get("p99_ms"),
        "paused_backlog": s.get("intake_paused", {}).get("backlog_tickets"),
        "paused_drain_s": s.get("intake_paused", {}).get("drain_s"),
        "pipeline_low_p50_ms": s.get("pipeline_low", {}).get("pipeline", {}).get("p50_ms"),
        "pipeline_low_p99_ms": s.get("pipeline_low", {}).get("pipeline", {}).get("p99_ms"),
        "pipeline_low_rate": s.get("pipeline_low", {}).get("achieved_rate"),
        "broker_rtt_p50_ms": c.get("broker", {}).get("round_trip", {}).get("p50_ms"),
        "broker_rtt_p99_ms": c.get("broker", {}).get("round_trip", {}).get("p99_ms"),
        "confirm_each_msg_s": c.get("broker", {}).get("confirm_each", {}).get("msg_per_s"),
        "relay_publish_msg_s": c.get("broker", {}).get("relay_publish", {}).get("msg_per_s"),
        "sustained_rps": s.get("sustained", {}).get("load", {}).get("rps"),
        "end_to_end_tickets_per_s": s.get("sustained", {}).get("end_to_end_tickets_per_s"),
        "drain_s": s.get("sustained", {}).get("drain_s"),
        # Not drained within the limit: the figure is "more than the limit".
        "drain_limit_s": s.get("sustained", {}).get("drain_limit_s")
        if s.get("sustained", {}).get("load") and s["sustained"].get("drain_s") is None
        and not s["sustained"].get("sampler_error") else None,
        "sla_tick_ms": find_number(result.get("sla_tick", {}).get("result"), r"^median_ms$"),
        "search_p95_ms": find_number(result.get("kb_search", {}).get("result"), r"p95"),
        "suggest_p95_ms": find_number(
            ((result.get("kb_search") or {}).get("result") or {}).get("suggest"), r"p95"),
    }
    web = [m["rss_mb"] for name, m in (s.get("memory_idle") or {}).items()
           if m and ("web" in name or "gateway" in name)]
    f["idle_web_rss_max_mb"] = max(web) if web else None
    f["intake_vs_bare"] = round(intake / f["bare_flask_rps"], 2) \
        if intake and f["bare_flask_rps"] else None
    f["intake_vs_chain"] = round(intake / f["minimal_chain_rps"], 2) \
        if intake and f["minimal_chain_rps"] else None
    f["paused_vs_chain"] = round(f["paused_rps"] / f["minimal_chain_rps"], 2) \
        if f["paused_rps"] and f["minimal_chain_rps"] else None
    return f


def verdicts(f: dict) -> dict:
    def check(value, limit, at_least=False):
        if value is None:
            return None
        return value >= limit if at_least else value <= limit
    return {
        "intake_vs_chain": check(f["intake_vs_chain"], TARGETS["intake_vs_chain"], True),
        "pipeline_p50_ms": check(f["pipeline_p50_ms"], TARGETS["pipeline_p50_ms"]),
        "pipeline_p99_ms": check(f["pipeline_p99_ms"], TARGETS["pipeline_p99_ms"]),
        "paused_vs_chain": check(f["paused_vs_chain"], TARGETS["intake_vs_chain"], True),
        "pipeline_low_p50_ms": check(f["pipeline_low_p50_ms"], TARGETS["pipeline_p50_ms"]),
        "pipeline_low_p99_ms": check(f["pipeline_low_p99_ms"], TARGETS["pipeline_p99_ms"]),
        "drain_s": False if f.get("drain_limit_s") else check(f["drain_s"], TARGETS["drain_s"]),
        "sla_tick_ms": check(f["sla_tick_ms"], TARGETS["sla_tick_ms"]),
        "search_p95_ms": check(f["search_p95_ms"], TARGETS["search_p95_ms"]),
        "suggest_p95_ms": check(f["suggest_p95_ms"], TARGETS["search_p95_ms"]),
        "idle_web_rss_mb": check(f["idle_web_rss_max_mb"], TARGETS["idle_web_rss_mb"]),
    }


def table(result: dict) -> str:
    f, v = result["figures"], result["verdicts"]

    def mark(key):
        return {True: "met", False: "**missed**", None: "not measured"}[v.get(key)]

    def num(value, unit=""):
        return "—" if value is None else f"{value:g}{unit}"

    drain = num(f["drain_s"], " s") if not f.get("drain_limit_s") \
        else f"more than {f['drain_limit_s']:g} s"
    rows = [
        ("Ticket intake through the gateway (POST /api/v1/tickets)",
         f"{num(f['intake_rps'])} req/s, p50 {num(f['intake_p50_ms'])} ms, "
         f"p99 {num(f['intake_p99_ms'])} ms",
         f"bare Flask POST {num(f['bare_flask_rps'])} req/s (ratio {num(f['intake_vs_bare'])}); "
         f"minimal chain {num(f['minimal_chain_rps'])} req/s (ratio "
         f"{num(f['intake_vs_chain'])}); insert + outbox alone {num(f['store_alone_rps'])} "
         "req/s", f"≥ 0.7 of the chain: {mark('intake_vs_chain')}"),
        ("The same intake with the event workers paused (the web path alone), then the "
         "backlog handled",
         f"{num(f['paused_rps'])} req/s, p50 {num(f['paused_p50_ms'])} ms, p99 "
         f"{num(f['paused_p99_ms'])} ms; the {num(f['paused_backlog'])} tickets' events then "
         f"handled in {num(f['paused_drain_s'], ' s')}",
         f"minimal chain {num(f['minimal_chain_rps'])} req/s (ratio "
         f"{num(f['paused_vs_chain'])})", f"≥ 0.7 of the chain: {mark('paused_vs_chain')}"),
        ("Event pipeline: 201 → priority and SLA due times shown",
         f"p50 {num(f['pipeline_p50_ms'])} ms, p99 {num(f['pipeline_p99_ms'])} ms at "
         f"{num(f['pipeline_rate'])} tickets/s"
         + (" (above what the stack carries end to end: a growing backlog)"
            if f["pipeline_rate"] and f["end_to_end_tickets_per_s"]
            and f["pipeline_rate"] > f["end_to_end_tickets_per_s"] else ""),
         f"one broker round trip p50 {num(f['broker_rtt_p50_ms'])} ms, p99 "
         f"{num(f['broker_rtt_p99_ms'])} ms",
         f"p50 ≤ 20 ms: {mark('pipeline_p50_ms')}; p99 ≤ 100 ms: {mark('pipeline_p99_ms')}"),
        ("The same pipeline at a fixed low rate, within what the stack carries",
         f"p50 {num(f['pipeline_low_p50_ms'])} ms, p99 {num(f['pipeline_low_p99_ms'])} ms at "
         f"{num(f['pipeline_low_rate'])} tickets/s", "",
         f"p50 ≤ 20 ms: {mark('pipeline_low_p50_ms')}; p99 ≤ 100 ms: "
         f"{mark('pipeline_low_p99_ms')}"),
        ("Sustained intake, then drain of outboxes, queues and unfinished tickets",
         f"{num(f['sustained_rps'])} req/s; drained in {drain}; end to end "
         f"{num(f['end_to_end_tickets_per_s'])} tickets/s",
         f"relay publishing (batches of 200) {num(f['relay_publish_msg_s'])} msg/s; pika, a "
         f"confirm per message: {num(f['confirm_each_msg_s'])} msg/s",
         f"≤ 5 s: {mark('drain_s')}"),
        ("SLA monitor tick, 100,000 open clocks, 100 due", f"{num(f['sla_tick_ms'], ' ms')}",
         "", f"≤ 50 ms: {mark('sla_tick_ms')}"),
        ("Knowledge search and suggestions, 10,000 articles",
         f"search p95 {num(f['search_p95_ms'], ' ms')}, suggestions p95 "
         f"{num(f['suggest_p95_ms'], ' ms')}", "",
         f"≤ 20 ms: {mark('search_p95_ms')}, {mark('suggest_p95_ms')}"),
        ("Idle web process (largest RSS of any gunicorn process)",
         f"{num(f['idle_web_rss_max_mb'], ' MB')}", "", f"≤ 80 MB: {mark('idle_web_rss_mb')}"),
    ]
    lines = ["| figure | measured | ceiling on the same machine | target |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    for phase, label in (("pipeline", "at half the intake rate"),
                         ("pipeline_low", "at the low rate")):
        hops = (result.get("stack", {}).get(phase, {}).get("breakdown") or {})
        if hops.get("stages_ms"):
            lines += ["", f"The pipeline hop by hop {label} ({hops['tickets']} tickets; p50 / "
                      "p99 ms): " + "; ".join(f"{h['stage']} {h['p50']} / {h['p99']}"
                                              for h in hops["stages_ms"]) + "."]
    per_ticket = result.get("stack", {}).get("sustained", {}).get("cpu_ms_per_ticket")
    if per_ticket:
        lines += ["", f"CPU per ticket over the sustained run and its drain (the stack's "
                  f"processes, not PostgreSQL or RabbitMQ): {per_ticket['all']} ms; web path "
                  f"(gateway, intake-web) {per_ticket['web']} ms; event workers "
                  f"{per_ticket['workers']} ms ("
                  + ", ".join(f"{k.removesuffix('-worker')} {v}"
                              for k, v in per_ticket["per_worker"].items()) + ")."]
    spreads = []
    for label, cpu, prefixes in (
            ("bare Flask", result.get("ceilings", {}).get("bare_flask", {}).get("cpu"), [""]),
            ("minimal chain", result.get("ceilings", {}).get("minimal_chain", {}).get("cpu"),
             ["proxy ", "store "]),
            ("intake", result.get("stack", {}).get("intake", {}).get("cpu"),
             ["gateway ", "intake-web "])):
        for prefix in prefixes if cpu else []:
            workers = [v["cpu_s"] for k, v in sorted(cpu.items())
                       if k.startswith(prefix + "worker")]
            spreads.append(f"{label} {prefix.strip() or 'app'} {' / '.join(map(str, workers))}")
    if spreads:
        lines += ["", "How gthread spread the load (CPU seconds of each gunicorn worker during the "
                  "measured run): " + "; ".join(spreads) + "."]
    memory = result.get("stack", {}).get("memory_idle") or {}
    after = result.get("stack", {}).get("memory_after_sustained") or {}
    if memory:
        lines += ["", "| process | RSS idle (MB) | RSS after the intake runs (MB) |",
                  "|---|---|---|"]
        lines += [f"| {name} | {num((m or {}).get('rss_mb'))} | "
                  f"{num((after.get(name) or {}).get('rss_mb'))} |"
                  for name, m in sorted(memory.items())]
    return "\n".join(lines)


def write_doc(result: dict, path: Path) -> None:
    c = result["conditions"]
    block = "\n".join([
        DOC_START,
        f"Run `{result['file']}`: commit `{result['commit']['sha'][:10]}`"
        f"{' (the working tree had uncommitted changes)' if result['commit']['dirty'] else ''}, "
        f"{result['machine'].get('cpu', '?')}, {result['machine']['nproc']} cores, "
        f"load average {c['loadavg_start'][0]:g} at the start and {c['loadavg_end'][0]:g} at "
        f"the end; {c['mode']}; {c['connections']} connections, {c['seconds']:g} s per intake "
        f"phase, {c['sustained_seconds']:g} s sustained."
        + (f" Settings: {', '.join(f'`{k}={v}`' for k, v in c['settings'].items())}."
           if c.get("settings") else "")
        + (f" **{c['note'].capitalize()}.**" if c.get("note") else ""),
        "",
        table(result),
        DOC_END,
    ])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if DOC_START in text and DOC_END in text:
        head, rest = text.split(DOC_START, 1)
        text = head + block + rest.split(DOC_END, 1)[1]
    else:
        text = text + "\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


# --- main --------------------------------------------------------------------------------------

def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a few seconds per phase: proves the harness, not the figures")
    parser.add_argument("--connections", type=int, default=16, help="wrk's fixed concurrency")
    parser.add_argument("--seconds", type=float, default=None, help="per measured wrk run")
    parser.add_argument("--warmup", type=float, default=None)
    parser.add_argument("--sustained", type=float, default=None, help="seconds at full load")
    parser.add_argument("--pipeline-seconds", type=float, default=None)
    parser.add_argument("--paused-seconds", type=float, default=None,
                        help="the intake run with the event workers paused (its backlog is "
                             "then drained, ~1 s per 10 tickets)")
    parser.add_argument("--pipeline-low-rate", type=float, default=5.0,
                        help="tickets/s of the second pipeline run, within the stack's capacity")
    parser.add_argument("--drain-limit", type=float, default=60.0,
                        help="give up waiting for the drain after this many seconds")
    parser.add_argument("--web-workers", type=int, default=None,
                        help="SERVICEDESK_WEB_WORKERS for the stack and the ceilings")
    parser.add_argument("--web-threads", type=int, default=None)
    parser.add_argument("--database-server", default=os.environ.get(
        "SERVICEDESK_DATABASE_URL") or LOCAL_DB,
        help="a PostgreSQL URL: throwaway databases bench_<id>_* are made on its server")
    parser.add_argument("--amqp", default=os.environ.get("SERVICEDESK_AMQP_URL", DEFAULT_AMQP))
    parser.add_argument("--skip", default="",
                        help="comma-separated: ceilings,stack,sla,kb")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="a SERVICEDESK_* setting for the stack (repeatable), e.g. "
                             "SERVICEDESK_WORKER_NICE=10; recorded with the results")
    parser.add_argument("--note", default="", help="recorded with the results, e.g. 'quiet'")
    parser.add_argument("--write-doc", action="store_true",
                        help="put the table into docs/PERFORMANCE.md")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    args = parser.parse_args(argv)
    quick = args.quick
    args.seconds = args.seconds or (5 if quick else 20)
    args.warmup = args.warmup or (2 if quick else 5)
    args.sustained = args.sustained or (10 if quick else 60)
    args.pipeline_seconds = args.pipeline_seconds or (5 if quick else 20)
    args.paused_seconds = args.paused_seconds or (3 if quick else 8)
    args.idle_settle = 3 if quick else 10
    args.broker_messages = 1000 if quick else 3000
    return args


def main(argv=None) -> int:
    args = parse(argv)
    if not wrk.available():
        sys.exit("bench needs wrk (Debian: apt-get install wrk; `make bench` installs it)")
    skip = set(filter(None, args.skip.split(",")))
    databases = Databases(args.database_server)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEDESK_")}
    env.update({"PYTHONUNBUFFERED": "1", "SERVICEDESK_AMQP_URL": args.amqp})
    settings = dict(item.split("=", 1) for item in args.env)
    env.update(settings)
    for name in ("web_workers", "web_threads"):
        if getattr(args, name) is not None:
            env[f"SERVICEDESK_{name.upper()}"] = str(getattr(args, name))
    sha = git("rev-parse", "HEAD")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{stamp}-{sha[:8]}{'-quick' if args.quick else ''}"
    args.out.mkdir(parents=True, exist_ok=True)
    logs = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    result: dict = {
        "file": f"bench/results/{name}.json",
        "machine": {**procs.machine(), "python": sys.version.split()[0],
                    "postgresql": databases.server_version(), "wrk": wrk.version()},
        "commit": {"sha": sha, "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
                   "subject": git("log", "-1", "--format=%s")},
        "conditions": {"mode": "quick" if args.quick else "full", "note": args.note,
                       "settings": settings,
                       "started": stamp, "loadavg_start": procs.loadavg(),
                       "connections": args.connections, "seconds": args.seconds,
                       "warmup_seconds": args.warmup, "sustained_seconds": args.sustained,
                       "pipeline_seconds": args.pipeline_seconds,
                       "web_workers": int(env.get("SERVICEDESK_WEB_WORKERS", 2)),
                       "web_threads": int(env.get("SERVICEDESK_WEB_THREADS", 4)),
                       "worker_class": "gthread", "load_generator": "wrk -t1 (fixed "
                       "concurrency); bench/pace.py (fixed rate) for the pipeline"},
        "targets": TARGETS,
    }
    all_bodies = ticket_bodies.bodies(200)

    def lua_for(token: str = "") -> Path:
        return wrk.script(all_bodies, token=token)
    lua_for.bodies = all_bodies

    log(f"results: {result['file']}; logs: {logs}")
    try:
        if "ceilings" not in skip:
            result["ceilings"] = ceilings(args, databases, lua_for(), env, logs / "ceilings.log")
        if "stack" not in skip:
            result["stack"] = run_stack(args, databases, lua_for, env, logs / "stack.log")
    finally:
        databases.drop_all()
    if "sla" not in skip:
        log("sla: one monitor tick with 100,000 open clocks (bench/sla_tick.py)")
        result["sla_tick"] = external("sla_tick.py", ["--ticks", "3" if args.quick else "9"],
                                      timeout=900)
    if "kb" not in skip:
        log("knowledge: search and suggestions with 10,000 articles (bench/kb_search.py)")
        result["kb_search"] = external("kb_search.py",
                                       ["--rounds", "1" if args.quick else "3"], timeout=900)
    result["conditions"]["loadavg_end"] = procs.loadavg()
    result["figures"] = figures(result)
    result["verdicts"] = verdicts(result["figures"])
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    print(table(result), flush=True)
    if args.write_doc:
        write_doc(result, DOC)
        log(f"table written to {DOC.relative_to(ROOT)}")
    log(f"results written to {result['file']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
