"""The worker process of every service: consumer + outbox relay (+ timers), stop on SIGTERM."""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from . import metrics
from .alive import heartbeat
from .bus import Consumer, Publisher, Relay, Topology, connect
from .db import UnitOfWork, listen_url, make_engine, session_factory
from .events import Envelope
from .lifetime import StopSignals
from .logs import configure_logging
from .outbox import OutboxWaker, unsent_count
from .probes import ProbeServer, serve_probes
from .retention import pruning_loop
from .settings import Settings, env, env_int
from .subscriptions import SUBSCRIPTIONS

log = logging.getLogger(__name__)

EventHandler = Callable[..., None]  # handler(event, *, uow) -> None; must not commit
Loop = Callable[[threading.Event], None]


def once_per_message(handler: EventHandler, make_uow: Callable[..., UnitOfWork]):
    """Inbox mark, state and outbox rows of one message commit together, exactly once."""
    def handle(event: Envelope) -> None:
        with make_uow(correlation_id=event.correlation_id, causation_id=event.message_id) as uow:
            if not uow.inbox.first_delivery(event):
                return
            handler(event, uow=uow)
            uow.commit()
    return handle


class Worker:
    def __init__(self, settings: Settings, handlers: dict[str, EventHandler],
                 uow_class: type[UnitOfWork] = UnitOfWork, *, engine=None,
                 loops: tuple[Callable[..., Loop], ...] = (),
                 subscriptions: dict[str, list[str]] = SUBSCRIPTIONS):
        unknown = set(handlers) - set(subscriptions.get(settings.service, ()))
        if unknown:
            raise ValueError(f"{settings.service} handles {sorted(unknown)} but does not "
                             "subscribe to them in servicedesk_common.subscriptions")
        self.settings = settings
        self.engine = engine or make_engine(settings, kind="worker")
        self.sessions = session_factory(self.engine)
        self.stop = threading.Event()
        self.topology = Topology.for_settings(settings)

        def make_uow(**kw):
            return uow_class(self.sessions, producer=settings.service, **kw)

        self.make_uow = make_uow
        self.consumer = Consumer(
            settings.amqp_url, self.topology, subscriptions, service=settings.service,
            handlers={t: once_per_message(h, make_uow) for t, h in handlers.items()},
            stop=self.stop, prefetch=settings.prefetch)
        publisher = Publisher(settings.amqp_url, self.topology, subscriptions,
                              service=settings.service)
        self.relay = Relay(publisher, self.sessions,
                           OutboxWaker(self.engine, settings.service,
                                       settings.relay_idle_seconds,
                                       listen_url=listen_url(settings)),
                           stop=self.stop, batch=settings.relay_batch)
        self.loops = [build(self) for build in loops]
        self.threads: list[threading.Thread] = []
        self.crashed: str | None = None  # the first thread that died of an exception
        self.probes: ProbeServer | None = None

    def serve_probes(self, host: str, port: int) -> int:
        """/healthz, /readyz and /metrics on host:port (0: a free one); the port taken."""
        self.probes = serve_probes(host, port, health=self.health, readiness=self.readiness)
        log.info("event=worker_probes_listening service=%s host=%s port=%d pid=%d",
                 self.settings.service, host, self.probes.port, os.getpid())
        return self.probes.port

    def health(self) -> dict[str, bool]:
        return {"threads": self.crashed is None, "running": not self.stop.is_set()}

    def readiness(self) -> dict[str, bool]:
        return {"database": self._database_ok(), "broker": self.consumer.connected.is_set()}

    def _database_ok(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
            log.warning("event=readiness_database_failed service=%s error=%r",
                        self.settings.service, exc)
            return False

    def start(self) -> None:
        port = self.probes.port if self.probes else None
        targets = [("consumer", self.consumer.run), ("relay", self.relay.run),
                   ("heartbeat", lambda: heartbeat(self.settings, self.consumer.connected,
                                                   self.stop, port=port)),
                   ("depths", self._report_depths_loop),
                   ("retention", lambda: pruning_loop(
                       self.sessions, service=self.settings.service,
                       days=self.settings.retention_days,
                       interval_seconds=self.settings.retention_interval_seconds,
                       stop=self.stop))]
        targets += [(f"loop-{i}", lambda loop=loop: loop(self.stop))
                    for i, loop in enumerate(self.loops)]
        for name, target in targets:
            thread = threading.Thread(target=self._guard(name, target),
                                      name=f"{self.settings.service}-{name}", daemon=True)
            thread.start()
            self.threads.append(thread)
        log.info("event=worker_started service=%s", self.settings.service)

    def _guard(self, name: str, target: Callable[[], None]):
        def run():
            try:
                target()
            except Exception:  # a dead thread must not leave a half-alive worker behind
                log.exception("event=worker_thread_crashed service=%s thread=%s",
                              self.settings.service, name)
                self.crashed = self.crashed or name
                self.stop.set()
        return run

    def report_depths(self) -> dict[str, int] | None:
        """Queue, DLQ and outbox depths as a log line and gauges (None when unavailable)."""
        service = self.settings.service
        queue, dlq = self.topology.queue(service), self.topology.dlq(service)
        try:
            connection = connect(self.settings.amqp_url, name=f"{queue}.depths")
            try:
                channel = connection.channel()
                depths = {name: channel.queue_declare(q, passive=True).method.message_count
                          for name, q in (("queue", queue), ("dlq", dlq))}
            finally:
                if connection.is_open:
                    connection.close()
            depths["outbox_unsent"] = unsent_count(self.sessions)
        except Exception as exc:  # noqa: BLE001 - a report must never stop the worker
            log.warning("event=depths_unavailable service=%s error=%r", service, exc)
            return None
        metrics.QUEUE_DEPTH.labels(service).set(depths["queue"])
        metrics.DLQ_DEPTH.labels(service).set(depths["dlq"])
        metrics.OUTBOX_BACKLOG.labels(service).set(depths["outbox_unsent"])
        level = logging.WARNING if depths["dlq"] else logging.INFO
        log.log(level, "event=depths service=%s queue=%d dlq=%d outbox_unsent=%d", service,
                depths["queue"], depths["dlq"], depths["outbox_unsent"])
        return depths

    def _report_depths_loop(self) -> None:
        if self.settings.queue_report_seconds <= 0:  # 0: reports off
            return
        while not self.stop.wait(self.settings.queue_report_seconds):
            self.report_depths()

    def request_stop(self, *_args) -> None:
        """From another thread; a signal handler must not call this (see StopSignals)."""
        self.stop.set()

    def join(self, timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():  # a daemon thread: it dies with the process, but say so
                log.warning("event=worker_thread_still_running service=%s thread=%s",
                            self.settings.service, thread.name)
        if self.probes:
            self.probes.shutdown()
            self.probes.server_close()
        self.engine.dispose()
        log.info("event=worker_stopped service=%s", self.settings.service)


def yield_to_web(niceness: int) -> None:
    """Run the event work at a lower CPU priority than the web processes on the same host.

    After an outage a burst of tickets arrives at once. With the workers niced, the web
    processes (recording, the operators' lists, tracking) keep their speed while the events are
    handled with the CPU left over: priorities and SLA due times appear later, none is lost."""
    if niceness > 0:
        os.nice(niceness)
        log.info("event=worker_niceness niceness=%d", os.nice(0))


def run_worker(service: str, handlers: dict[str, EventHandler],
               uow_class: type[UnitOfWork] = UnitOfWork, *, migrations=None,
               loops: tuple = ()) -> None:
    settings = Settings.from_env(service)
    configure_logging(f"{service}-worker", settings.log_level)
    yield_to_web(env_int("SERVICEDESK_WORKER_NICE", 0))
    signals = StopSignals().install()  # before migrating: a stop then waits for its end only
    if migrations is not None:
        from .migrations import upgrade
        upgrade(migrations, settings)
    worker = Worker(settings, handlers, uow_class, loops=loops)
    worker.serve_probes(env("SERVICEDESK_WORKER_HOST", "127.0.0.1"),
                        env_int("SERVICEDESK_WORKER_PORT", 0))
    worker.start()
    while not worker.stop.is_set():
        if signals.wait(0.5):
            worker.request_stop()
    worker.join()
    if worker.crashed:  # not a requested stop: say so to whatever restarts us
        sys.exit(1)
