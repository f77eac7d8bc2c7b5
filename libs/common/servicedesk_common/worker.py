"""The worker process of every service: consumer + outbox relay (+ timers), stop on SIGTERM."""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

from .alive import heartbeat
from .bus import Consumer, Publisher, Relay, Topology
from .db import UnitOfWork, make_engine, session_factory
from .events import Envelope
from .logs import configure_logging
from .outbox import OutboxWaker
from .settings import Settings
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
        self.engine = engine or make_engine(settings)
        self.sessions = session_factory(self.engine)
        self.stop = threading.Event()
        self.topology = Topology(settings.bus_prefix, settings.retry_delays_ms)

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
                                       settings.relay_idle_seconds),
                           stop=self.stop, batch=settings.relay_batch)
        self.loops = [build(self) for build in loops]
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        targets = [("consumer", self.consumer.run), ("relay", self.relay.run),
                   ("heartbeat", lambda: heartbeat(self.settings, self.consumer.connected,
                                                   self.stop))]
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
                self.stop.set()
        return run

    def request_stop(self, *_args) -> None:
        self.stop.set()

    def join(self, timeout: float = 10) -> None:
        for thread in self.threads:
            thread.join(timeout)
        self.engine.dispose()
        log.info("event=worker_stopped service=%s", self.settings.service)


def run_worker(service: str, handlers: dict[str, EventHandler],
               uow_class: type[UnitOfWork] = UnitOfWork, *, migrations=None,
               loops: tuple = ()) -> None:
    settings = Settings.from_env(service)
    configure_logging(f"{service}-worker", settings.log_level)
    if migrations is not None:
        from .migrations import upgrade
        upgrade(migrations, settings)
    worker = Worker(settings, handlers, uow_class, loops=loops)
    signal.signal(signal.SIGTERM, worker.request_stop)
    signal.signal(signal.SIGINT, worker.request_stop)
    worker.start()
    while not worker.stop.wait(1):
        pass
    worker.join()
