"""Drive the sla service as the other services would: events on the real bus (or straight into a
handler), its API through the Flask test client, and what it told the others read back from its
outbox or from intake's queue (where every sla.* event lands)."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from servicedesk_common.bus import Topology, connect, message_properties, wait_until
from servicedesk_common.events import Envelope, iso
from servicedesk_common.messaging_tables import outbox
from servicedesk_common.subscriptions import SUBSCRIPTIONS
from servicedesk_common.worker import Worker, once_per_message
from sla import worker as sla_worker
from sla.handlers import EVENT_HANDLERS


def utcnow() -> datetime:
    return datetime.now(UTC)


class SlaDriver:
    def __init__(self, harness):
        self.harness = harness
        self.settings = harness.settings
        self.topology = Topology(self.settings.bus_prefix, self.settings.retry_delays_ms)
        self.received: list[Envelope] = []
        self.workers: list[Worker] = []

    # --- events in ---
    def event(self, type_: str, number: str, **payload) -> Envelope:
        return Envelope(type=type_, payload={"number": number, **payload}, producer="intake",
                        aggregate_id=number)

    def publish(self, *envelopes: Envelope) -> None:
        connection = connect(self.settings.amqp_url)
        channel = connection.channel()
        self.topology.declare_all(channel, SUBSCRIPTIONS)
        for envelope in envelopes:
            channel.basic_publish(self.topology.exchange, envelope.type, envelope.to_json(),
                                  message_properties(envelope))
        connection.close()

    def handle(self, *envelopes: Envelope) -> None:
        """Straight into the handler, as the consumer would (inbox, one transaction)."""
        make_uow = lambda **kw: self.harness.uow()  # noqa: E731
        for envelope in envelopes:
            once_per_message(EVENT_HANDLERS[envelope.type], make_uow)(envelope)

    def created(self, number: str, created_at: datetime, **payload) -> Envelope:
        fields = {"type": "incident", "title": "Server mati", "category": "Hardware",
                  "service": "Server down", "channel": "web", "status": "submitted",
                  "created_at": iso(created_at), **payload}
        return self.event("ticket.created", number, **fields)

    # --- what sla said ---
    def outbox(self, number: str, type_: str | None = None) -> list[dict]:
        with self.harness.uow() as uow:
            rows = uow.session.execute(select(outbox.c.type, outbox.c.payload)
                                       .order_by(outbox.c.id)).all()
        found = []
        for row in rows:
            payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
            if payload["number"] == number and type_ in (None, row.type):
                found.append({"type": row.type, **payload})
        return found

    def types(self, number: str) -> list[str]:
        return [entry["type"] for entry in self.outbox(number)]

    def wait_outbox(self, number: str, type_: str, count: int = 1, timeout: float = 10) -> list:
        assert wait_until(lambda: len(self.outbox(number, type_)) >= count, timeout), (
            f"{type_} x{count} for {number} never written; outbox: {self.types(number)}")
        return self.outbox(number, type_)

    def on_the_bus(self, number: str, type_: str | None = None) -> list[Envelope]:
        """sla.* events published to the broker, as intake's queue holds them."""
        connection = connect(self.settings.amqp_url)
        channel = connection.channel()
        self.topology.declare_all(channel, SUBSCRIPTIONS)
        while True:
            method, _properties, body = channel.basic_get(self.topology.queue("intake"),
                                                          auto_ack=True)
            if method is None:
                break
            self.received.append(Envelope.from_json(body))
        connection.close()
        return [e for e in self.received if e.payload.get("number") == number
                and e.type.startswith("sla.") and type_ in (None, e.type)]

    def row(self, number: str):
        with self.harness.uow() as uow:
            return uow.clocks.get(number)

    # --- API ---
    def as_role(self, role: str, username: str | None = None) -> dict:
        return self.harness.headers(username or f"{role}1", role)

    def api(self, method: str, path: str, role: str | None = "operator", **kwargs):
        headers = self.as_role(role) if role else {}
        return self.harness.http.open(path, method=method, headers=headers, **kwargs)

    def override(self, service: str, priority: int = 3, **targets):
        body = {"response_minutes": 10, "resolution_minutes": 60, "calendar": "24x7", **targets}
        response = self.api("PUT", f"/api/v1/sla/policies/{priority}/services/{service}",
                            role="admin", json=body)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    # --- workers ---
    def start_worker(self) -> Worker:
        running = Worker(self.settings, sla_worker.HANDLERS, sla_worker.UnitOfWork,
                         loops=sla_worker.LOOPS)
        running.start()
        assert running.consumer.connected.wait(10), "the consumer did not connect"
        self.workers.append(running)
        return running


@pytest.fixture
def sla(run_service):
    driver = SlaDriver(run_service("sla"))
    yield driver
    for running in driver.workers:
        running.request_stop()
        running.join()


@pytest.fixture
def sla_idle(run_service):
    """The service without its worker: handlers and the monitor are driven by the test."""
    return SlaDriver(run_service("sla", worker=False))
