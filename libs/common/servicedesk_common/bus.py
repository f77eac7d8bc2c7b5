"""RabbitMQ: topology, a confirming publisher, a consumer that acks after commit, retries with
back-off through TTL queues, dead-letters what cannot be handled, and reconnects."""
from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import urlparse

import pika
from pika.exceptions import AMQPError, NackError

from . import metrics
from .events import PRODUCERS, Envelope, UnreadableMessage
from .settings import QUEUE_TYPES, bus_user

log = logging.getLogger(__name__)

RETRY_HEADER = "x-servicedesk-retries"
ERROR_HEADER = "x-servicedesk-error"
PERSISTENT = pika.DeliveryMode.Persistent


class Topology:
    """Names and idempotent declarations: one topic exchange, a queue per consumer, TTL retry
    queues that dead-letter back into it, and `<queue>.dlq` behind a dead-letter exchange.

    `queue_type="quorum"` declares every queue as a quorum queue (replicated over a RabbitMQ
    cluster). Quorum queues dead-letter at-least-once, which RabbitMQ allows only with
    `x-overflow: reject-publish`: a full queue then refuses (nacks) a publish instead of dropping
    its oldest message, and the relay keeps the row to try again."""

    def __init__(self, prefix: str, retry_delays_ms: tuple[int, ...], *,
                 queue_type: str = "classic", users: bool = False):
        if queue_type not in QUEUE_TYPES:
            raise ValueError(f"queue type must be one of {QUEUE_TYPES}, got {queue_type!r}")
        self.prefix = prefix
        self.exchange = f"{prefix}.events"
        self.dead_letter_exchange = f"{prefix}.dlx"
        self.retry_delays_ms = retry_delays_ms
        self.queue_type = queue_type
        # Each service its own broker user (bus_users.py): it may declare only its own queues,
        # and a consumer believes an event only from the user the catalogue names.
        self.users = users

    @classmethod
    def for_settings(cls, settings) -> Topology:
        return cls(settings.bus_prefix, settings.retry_delays_ms, queue_type=settings.queue_type,
                   users=settings.bus_users)

    def user(self, service: str) -> str:
        return bus_user(self.prefix, service)

    def _arguments(self, arguments: dict | None = None, *, dead_letters: bool = False) -> dict:
        arguments = dict(arguments or {})
        if self.queue_type == "quorum":
            arguments["x-queue-type"] = "quorum"
            if dead_letters:
                arguments.update({"x-dead-letter-strategy": "at-least-once",
                                  "x-overflow": "reject-publish"})
        return arguments

    def queue(self, service: str) -> str:
        return f"{self.prefix}.{service}"

    def dlq(self, service: str) -> str:
        return f"{self.queue(service)}.dlq"

    def retry_queue(self, service: str, delay_ms: int) -> str:
        # The delay is in the name: queue arguments cannot change once a queue exists.
        return f"{self.queue(service)}.retry.{delay_ms}ms"

    def declare_exchanges(self, channel) -> None:
        channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
        channel.exchange_declare(self.dead_letter_exchange, exchange_type="direct", durable=True)

    def declare_consumer(self, channel, service: str, event_types) -> None:
        queue, dlq = self.queue(service), self.dlq(service)
        channel.queue_declare(dlq, durable=True, arguments=self._arguments())
        channel.queue_bind(dlq, self.dead_letter_exchange, routing_key=dlq)
        channel.queue_declare(queue, durable=True, arguments=self._arguments({
            "x-dead-letter-exchange": self.dead_letter_exchange,
            "x-dead-letter-routing-key": dlq}, dead_letters=True))
        for delay in self.retry_delays_ms:
            channel.queue_declare(self.retry_queue(service, delay), durable=True,
                                  arguments=self._arguments({
                                      "x-message-ttl": delay,
                                      "x-dead-letter-exchange": "",
                                      "x-dead-letter-routing-key": queue}, dead_letters=True))
        for event_type in sorted(event_types):
            channel.queue_bind(queue, self.exchange, routing_key=event_type)

    def declare_all(self, channel, subscriptions: dict[str, list[str]]) -> None:
        """Every process declares every consumer queue: no event is lost because the service
        that wants it has not started yet."""
        self.declare_exchanges(channel)
        for service, event_types in subscriptions.items():
            self.declare_consumer(channel, service, event_types)

    def declare_for(self, channel, service: str, subscriptions: dict[str, list[str]]) -> None:
        """With bus users the administrator declared everything (bus_users.py) and a service
        may declare only its own queues; without them every process declares all."""
        if not self.users:
            self.declare_all(channel, subscriptions)
        elif service in subscriptions:
            self.declare_consumer(channel, service, subscriptions[service])


def connection_parameters(url: str, *, name: str | None = None) -> pika.URLParameters:
    params = pika.URLParameters(url)
    if name:  # shown by the broker (management UI, rabbitmqctl): who holds this connection
        params.client_properties = {"connection_name": name}
    params.heartbeat = 30
    params.blocked_connection_timeout = 30
    params.socket_timeout = 5
    params.connection_attempts = 1
    return params


def connect(url: str, *, name: str | None = None) -> pika.BlockingConnection:
    return pika.BlockingConnection(connection_parameters(url, name=name))


def broker_reachable(url: str, timeout: float = 1.0) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5672),
                                      timeout=timeout):
            return True
    except OSError:
        return False


def sender_allowed(topology: Topology, service: str, event_type: str | None,
                   user_id: str | None) -> bool:
    """The catalogue's producer of the type, or the consuming service itself (its own retries
    and replays); anyone when bus users are off."""
    if not topology.users:
        return True
    allowed = {topology.user(service)}
    if event_type in PRODUCERS:
        allowed.add(topology.user(PRODUCERS[event_type]))
    return user_id in allowed


def login_of(url: str) -> str:
    """The broker user a URL connects as: the `user_id` its messages carry."""
    return pika.URLParameters(url).credentials.username


def message_properties(envelope: Envelope, headers: dict | None = None, *,
                       user_id: str | None = None) -> pika.BasicProperties:
    # RabbitMQ refuses a user_id that is not the connection's user: the sender is proven.
    return pika.BasicProperties(
        content_type="application/json", delivery_mode=PERSISTENT,
        message_id=envelope.message_id, type=envelope.type,
        correlation_id=envelope.correlation_id, app_id=envelope.producer, headers=headers or {},
        user_id=user_id)


class Publisher:
    """Publishes with confirms and `mandatory`; returns only when the broker took each message.

    A batch is sent whole, then its confirms are awaited together: pika's BlockingChannel in
    confirm mode waits for each message's confirm before sending the next, which caps a relay at
    one broker round trip (and disk sync) per message. The channel's confirm mode is driven
    through its asynchronous channel (`_impl`, pika 1.x): delivery tags count from 1 on each
    channel, and the broker acks or nacks them, several at once when `multiple` is set."""

    def __init__(self, url: str, topology: Topology, subscriptions: dict[str, list[str]], *,
                 service: str):
        self.url = url
        self.topology = topology
        self.subscriptions = subscriptions
        self.service = service
        self.user_id = login_of(url)
        self._connection = None
        self._channel = None
        self._next_tag = 1
        self._unconfirmed: set[int] = set()
        self._nacked: list[int] = []

    def _ensure_channel(self):
        if self._channel is None or not self._channel.is_open:
            self.close()
            self._connection = connect(self.url,
                                       name=f"{self.topology.queue(self.service)}.publisher")
            channel = self._connection.channel()
            self.topology.declare_for(channel, self.service, self.subscriptions)
            selected = []
            channel._impl.confirm_delivery(ack_nack_callback=self._on_confirm,
                                           callback=lambda _frame: selected.append(True))
            channel._flush_output(lambda: bool(selected))
            channel._impl.add_on_return_callback(self._on_return)
            self._next_tag = 1
            self._unconfirmed.clear()
            self._channel = channel
        return self._channel

    def _on_confirm(self, frame) -> None:
        method = frame.method
        tags = {t for t in self._unconfirmed if t <= method.delivery_tag} if method.multiple \
            else {method.delivery_tag}
        self._unconfirmed -= tags
        if isinstance(method, pika.spec.Basic.Nack):
            self._nacked.extend(tags)

    def _on_return(self, _channel, method, properties, _body) -> None:
        # A mandatory message no queue is bound for; its ack follows. No consumer subscribes
        # to this type: there is nobody to lose it for.
        log.debug("event=unrouted type=%s message_id=%s", method.routing_key,
                  properties.message_id)

    def publish_many(self, envelopes: list[Envelope]) -> None:
        channel = self._ensure_channel()
        self._nacked.clear()
        for envelope in envelopes:
            channel._impl.basic_publish(self.topology.exchange, routing_key=envelope.type,
                                        body=envelope.to_json(),
                                        properties=message_properties(envelope,
                                                                      user_id=self.user_id),
                                        mandatory=True)
            self._unconfirmed.add(self._next_tag)
            self._next_tag += 1
        # Returns when every confirm came; raises when the channel or connection closed.
        channel._flush_output(lambda: not self._unconfirmed)
        if self._unconfirmed:
            raise AMQPError(f"{len(self._unconfirmed)} messages were not confirmed")
        if self._nacked:
            raise NackError([])

    def keep_alive(self) -> None:
        """Serve heartbeats while idle: a blocking connection does so only when called, and the
        broker drops a connection that missed two of them (the next publish would fail)."""
        if self._connection is None or not self._connection.is_open:
            return
        try:
            self._connection.process_data_events(time_limit=0)
        except Exception as exc:  # noqa: BLE001 - reconnect at the next publish
            log.info("event=publisher_connection_lost service=%s error=%r", self.service, exc)
            self.close()

    def close(self) -> None:
        if self._connection is not None and self._connection.is_open:
            try:
                self._connection.close()
            except AMQPError:
                pass
        self._connection = self._channel = None


class Backoff:
    def __init__(self, first: float = 0.5, cap: float = 15.0):
        self.first, self.cap, self.attempt = first, cap, 0

    def next_delay(self) -> float:
        delay = min(self.cap, self.first * (2 ** self.attempt))
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0


Handler = Callable[[Envelope], None]


class Consumer:
    """Consumes one service's queue. Acks after the handler (and so its commit) returned; a
    failing handler is retried later through the TTL queues, then dead-lettered."""

    def __init__(self, url: str, topology: Topology, subscriptions: dict[str, list[str]], *,
                 service: str, handlers: dict[str, Handler], stop: threading.Event,
                 prefetch: int = 20):
        self.url = url
        self.topology = topology
        self.subscriptions = subscriptions
        self.service = service
        self.handlers = handlers
        self.stop = stop
        self.prefetch = prefetch
        self.user_id = login_of(url)
        self.connected = threading.Event()

    def run(self) -> None:
        backoff = Backoff()
        while not self.stop.is_set():
            try:
                self._consume(backoff)
            except AMQPError as exc:
                self.connected.clear()
                delay = backoff.next_delay()
                log.warning("event=consumer_disconnected service=%s error=%r retry_in=%.1fs",
                            self.service, exc, delay)
                self.stop.wait(delay)

    def _consume(self, backoff: Backoff) -> None:
        connection = connect(self.url, name=f"{self.topology.queue(self.service)}.consumer")
        try:
            channel = connection.channel()
            self.topology.declare_for(channel, self.service, self.subscriptions)
            channel.confirm_delivery()
            channel.basic_qos(prefetch_count=self.prefetch)
            backoff.reset()
            self.connected.set()
            log.info("event=consumer_ready service=%s queue=%s user=%s", self.service,
                     self.topology.queue(self.service), self.user_id)
            if not self.topology.users:
                log.warning("event=bus_users_off service=%s user=%s: every publisher on this "
                            "broker is believed (development only; SERVICEDESK_BUS_USERS=1 "
                            "gives each service its own user)", self.service, self.user_id)
            for method, properties, body in channel.consume(self.topology.queue(self.service),
                                                            inactivity_timeout=0.5):
                if self.stop.is_set():
                    break
                if method is not None:
                    self._on_message(channel, method, properties, body)
            channel.cancel()
        finally:
            self.connected.clear()
            if connection.is_open:
                connection.close()

    def _on_message(self, channel, method, properties, body) -> None:
        try:
            envelope = Envelope.from_json(body)
        except UnreadableMessage as exc:
            log.error("event=message_unreadable service=%s error=%s", self.service, exc)
            metrics.EVENTS_HANDLED.labels(self.service, "?", "unreadable").inc()
            channel.basic_nack(method.delivery_tag, requeue=False)  # -> <queue>.dlq
            return
        if not self._sender_allowed(envelope, properties):
            log.error("event=sender_refused service=%s type=%s message_id=%s user_id=%s "
                      "allowed=%s", self.service, envelope.type, envelope.message_id,
                      properties.user_id, self.topology.user(PRODUCERS.get(envelope.type, "?")))
            metrics.EVENTS_HANDLED.labels(self.service, envelope.type, "refused").inc()
            channel.basic_nack(method.delivery_tag, requeue=False)  # -> <queue>.dlq
            return
        handler = self.handlers.get(envelope.type)
        if handler is None:
            channel.basic_ack(method.delivery_tag)
            return
        try:
            handler(envelope)
        except UnreadableMessage as exc:
            self._dead_letter(channel, envelope, properties, exc)
        except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then DLQ
            self._retry_or_dead_letter(channel, envelope, properties, exc)
        else:
            metrics.EVENTS_HANDLED.labels(self.service, envelope.type, "ok").inc()
        channel.basic_ack(method.delivery_tag)

    def _sender_allowed(self, envelope: Envelope, properties) -> bool:
        return sender_allowed(self.topology, self.service, envelope.type, properties.user_id)

    def _retry_or_dead_letter(self, channel, envelope, properties, exc) -> None:
        headers = dict(properties.headers or {})
        retries = int(headers.get(RETRY_HEADER, 0))
        delays = self.topology.retry_delays_ms
        if retries >= len(delays):
            self._dead_letter(channel, envelope, properties, exc)
            return
        log.warning("event=handler_failed service=%s type=%s message_id=%s retry=%d error=%r",
                    self.service, envelope.type, envelope.message_id, retries + 1, exc)
        metrics.EVENTS_HANDLED.labels(self.service, envelope.type, "retry").inc()
        headers.update({RETRY_HEADER: retries + 1, ERROR_HEADER: repr(exc)[:500]})
        channel.basic_publish("", self.topology.retry_queue(self.service, delays[retries]),
                              body=envelope.to_json(),
                              properties=message_properties(envelope, headers,
                                                            user_id=self.user_id))

    def _dead_letter(self, channel, envelope, properties, exc) -> None:
        log.error("event=dead_lettered service=%s type=%s message_id=%s error=%r",
                  self.service, envelope.type, envelope.message_id, exc)
        metrics.EVENTS_HANDLED.labels(self.service, envelope.type, "dead_lettered").inc()
        headers = dict(properties.headers or {})
        headers[ERROR_HEADER] = repr(exc)[:500]
        channel.basic_publish(self.topology.dead_letter_exchange, self.topology.dlq(self.service),
                              body=envelope.to_json(),
                              properties=message_properties(envelope, headers,
                                                            user_id=self.user_id))


class Relay:
    """Moves outbox rows to the broker; wakes on NOTIFY (PostgreSQL) or polls (SQLite)."""

    def __init__(self, publisher: Publisher, sessions, waker, *, stop: threading.Event,
                 batch: int = 200):
        self.publisher = publisher
        self.sessions = sessions
        self.waker = waker
        self.stop = stop
        self.batch = batch

    def run(self) -> None:
        from .outbox import relay_once

        backoff = Backoff()
        while not self.stop.is_set():
            try:
                published = relay_once(self.sessions, self.publisher, batch=self.batch)
                backoff.reset()
            except Exception as exc:  # noqa: BLE001 - broker or database away: rows stay unsent
                self.publisher.close()
                delay = backoff.next_delay()
                log.warning("event=relay_failed service=%s error=%r retry_in=%.1fs",
                            self.publisher.service, exc, delay)
                self.stop.wait(delay)
                continue
            if published < self.batch:
                self.waker.wait(self.stop)
                self.publisher.keep_alive()
        self.publisher.close()
        self.waker.close()


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
