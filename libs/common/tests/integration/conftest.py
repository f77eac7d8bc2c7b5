"""A tiny test-only service, "spine", on the real broker and database: its worker consumes
ticket.created, records an effect per event in a table of its own, and relays its outbox."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import replace
from urllib.parse import urlparse

import pika
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from servicedesk_common import messaging_tables
from servicedesk_common.bus import PERSISTENT, Topology, connect, wait_until
from servicedesk_common.db import UnitOfWork, make_engine, session_factory
from servicedesk_common.events import Envelope, read_payload
from servicedesk_common.outbox import unsent_count
from servicedesk_common.worker import Worker

SERVICE = "spine"
CREATED = "ticket.created"
SUBSCRIPTIONS = {SERVICE: [CREATED]}
TIMEOUT = 30  # generous: a bound on waiting, never a measure of speed

spine_metadata = MetaData()
effects = Table("spine_effects", spine_metadata,
                Column("id", Integer, primary_key=True, autoincrement=True),
                Column("number", String(64), nullable=False),
                Column("message_id", String(36), nullable=False))


class Spine:
    SERVICE, CREATED, TIMEOUT = SERVICE, CREATED, TIMEOUT

    def __init__(self, settings):
        self.settings = settings
        self.engine = make_engine(settings)
        messaging_tables.metadata.create_all(self.engine)
        spine_metadata.create_all(self.engine)
        self.sessions = session_factory(self.engine)
        self.topology = Topology.for_settings(settings)
        self.attempts: dict[str, list[float]] = defaultdict(list)  # number -> monotonic times
        self.fail_first: dict[str, int] = {}  # number -> how many attempts raise after writing
        self.workers: list[Worker] = []

    def on_created(self, event: Envelope, *, uow) -> None:
        number = read_payload(event)["number"]
        self.attempts[number].append(time.monotonic())
        uow.session.execute(insert(effects).values(number=number, message_id=event.message_id))
        if len(self.attempts[number]) <= self.fail_first.get(number, 0):
            raise RuntimeError(f"spine failed on purpose for {number}")

    def start_worker(self, *, wait: bool = True, **overrides) -> Worker:
        worker = Worker(replace(self.settings, **overrides), {CREATED: self.on_created},
                        subscriptions=SUBSCRIPTIONS)
        worker.start()
        self.workers.append(worker)
        if wait:
            assert worker.consumer.connected.wait(TIMEOUT), "the spine consumer did not connect"
        return worker

    def write(self, number: str) -> Envelope:
        """What a web process does: state and outbox row in one transaction, no broker."""
        with UnitOfWork(self.sessions, producer=SERVICE) as uow:
            envelope = uow.outbox.add(CREATED, {"number": number}, aggregate_id=number)
            uow.commit()
        return envelope

    def publish(self, body: bytes, *, times: int = 1) -> None:
        """Straight onto the exchange, bypassing the outbox (duplicates, garbage)."""
        connection = connect(self.settings.amqp_url)
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            for _ in range(times):
                channel.basic_publish(self.topology.exchange, CREATED, body, mandatory=True,
                                      properties=pika.BasicProperties(delivery_mode=PERSISTENT))
        finally:
            connection.close()

    @staticmethod
    def eventually(predicate, message: str, timeout: float = TIMEOUT) -> None:
        assert wait_until(predicate, timeout), message

    @staticmethod
    def handled(outcome: str = "ok") -> float:
        """Deliveries the spine consumer finished with this outcome (duplicates count as ok)."""
        return REGISTRY.get_sample_value("servicedesk_events_handled_total", {
            "service": SERVICE, "type": CREATED, "outcome": outcome}) or 0.0

    def effects(self, number: str) -> int:
        with self.sessions() as session:
            return session.execute(select(func.count()).select_from(effects)
                                   .where(effects.c.number == number)).scalar_one()

    def unsent(self) -> int:
        return unsent_count(self.sessions)

    def dead_letters(self) -> list[tuple[pika.BasicProperties, bytes]]:
        """The DLQ's messages, left in place."""
        connection = connect(self.settings.amqp_url)
        try:
            channel = connection.channel()
            found = []
            while True:
                method, properties, body = channel.basic_get(self.topology.dlq(SERVICE))
                if method is None:
                    return found
                found.append((properties, body))
        finally:
            connection.close()  # unacked: back into the DLQ

    def stop(self) -> None:
        for worker in self.workers:
            worker.request_stop()
        for worker in self.workers:
            worker.join()
        self.engine.dispose()


@pytest.fixture
def make_spine(make_settings):
    """Spines with settings of the test's choosing (`queue_type="quorum"`, ...)."""
    made: list[Spine] = []

    def build(**overrides) -> Spine:
        made.append(Spine(make_settings(SERVICE, **overrides)))
        return made[-1]

    yield build
    for running in made:
        running.stop()


@pytest.fixture
def spine(make_spine):
    return make_spine()


class TcpProxy:
    """Between a client and the broker; `cut()` drops every connection and refuses new ones
    (the broker unreachable for that client only) until `restore()`."""

    def __init__(self, target_url: str):
        parsed = urlparse(target_url)
        self.target = (parsed.hostname or "127.0.0.1", parsed.port or 5672)
        self.listener = socket.create_server(("127.0.0.1", 0))
        port = self.listener.getsockname()[1]
        self.url = parsed._replace(netloc=f"{parsed.username}:{parsed.password}@127.0.0.1:{port}"
                                   ).geturl()
        self.up = True
        self.refused = 0
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                self.refused += 1
                client.close()
                continue
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        self.up = False
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def broker_proxy(amqp_url):
    proxy = TcpProxy(amqp_url)
    yield proxy
    proxy.close()


def rabbitmqctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


class BrokerAdmin:
    """The broker's side of connections, through rabbitmqctl (this test's connections only)."""

    @staticmethod
    def pids(name: str) -> list[str]:
        """Pids of the connections whose client gave this connection name."""
        lines = rabbitmqctl("list_connections", "pid", "client_properties", "--no-table-headers")
        return [line.split()[0] for line in lines.splitlines() if f'"{name}"' in line]

    @staticmethod
    def close(pid: str) -> None:
        rabbitmqctl("close_connection", pid, "closed by a servicedesk fault test")

    @staticmethod
    def listing(what: str, prefix: str, *columns: str) -> dict[str, dict]:
        """`rabbitmqctl list_<what>` of this test's objects (by name prefix), keyed by name."""
        rows = json.loads(rabbitmqctl(f"list_{what}", "name", *columns, "--formatter", "json"))
        return {row["name"]: row for row in rows if row["name"].startswith(prefix + ".")}

    @staticmethod
    def bindings(prefix: str) -> set[tuple[str, str, str]]:
        rows = json.loads(rabbitmqctl("list_bindings", "source_name", "destination_name",
                                      "routing_key", "--formatter", "json"))
        return {(r["source_name"], r["destination_name"], r["routing_key"]) for r in rows
                if r["destination_name"].startswith(prefix + ".")}

    @contextmanager
    def policy(self, queue: str, definition: dict):
        """A policy on exactly this queue while the block runs."""
        name = f"{queue}.test-policy"
        rabbitmqctl("set_policy", "--apply-to", "queues", "--priority", "100", name,
                    f"^{re.escape(queue)}$", json.dumps(definition))
        try:
            yield
        finally:
            rabbitmqctl("clear_policy", name)


@pytest.fixture
def broker_admin():
    try:
        rabbitmqctl("status")
    except (OSError, AssertionError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"rabbitmqctl is needed to close a connection from the broker: {exc}")
    return BrokerAdmin()
