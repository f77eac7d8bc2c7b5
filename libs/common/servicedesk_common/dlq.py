"""A service's dead-letter queue, for operators:

    python -m servicedesk_common.dlq list SERVICE [--limit N]
    python -m servicedesk_common.dlq replay SERVICE [--limit N]

`replay` moves messages from `<prefix>.<service>.dlq` back to `<prefix>.<service>` with the retry
count reset, each published with a confirm before it is acked off the DLQ (a crash in between
leaves a duplicate, which the consumer's inbox absorbs). Needs only SERVICEDESK_AMQP_URL and
SERVICEDESK_BUS_PREFIX.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass

import pika
from pika.exceptions import AMQPError, ChannelClosedByBroker

from .bus import ERROR_HEADER, PERSISTENT, RETRY_HEADER, Topology, connect, login_of, sender_allowed
from .settings import DEFAULT_AMQP_URL, Settings, env, env_flag

REPLAYED_HEADER = "x-servicedesk-replayed"


@dataclass(frozen=True)
class DeadLetter:
    message_id: str | None
    type: str | None
    retries: int
    error: str | None

    def line(self) -> str:
        return (f"message_id={self.message_id} type={self.type} retries={self.retries} "
                f"error={json.dumps(self.error)}")


def _describe(properties, body: bytes) -> DeadLetter:
    headers = properties.headers or {}
    error = headers.get(ERROR_HEADER)
    if error is None and headers.get("x-death"):  # rejected by the consumer: unreadable
        error = "unreadable: " + body[:80].decode(errors="replace")
    return DeadLetter(message_id=properties.message_id, type=properties.type,
                      retries=int(headers.get(RETRY_HEADER, 0)),
                      error=error.decode(errors="replace") if isinstance(error, bytes) else error)


def _take(channel, queue: str, limit: int | None):
    """Up to `limit` of the messages in the queue now (never those put back meanwhile)."""
    count = channel.queue_declare(queue, passive=True).method.message_count
    for _ in range(count if limit is None else min(count, limit)):
        method, properties, body = channel.basic_get(queue, auto_ack=False)
        if method is None:
            return
        yield method, properties, body


def peek(url: str, topology: Topology, service: str, *, limit: int | None = None
         ) -> tuple[int, list[DeadLetter]]:
    """How many wait in the DLQ and the first of them; they stay there (unacked, then returned
    when the connection closes)."""
    connection = connect(url, name=f"{topology.dlq(service)}.tool")
    try:
        channel = connection.channel()
        total = channel.queue_declare(topology.dlq(service), passive=True).method.message_count
        return total, [_describe(properties, body)
                       for _, properties, body in _take(channel, topology.dlq(service), limit)]
    finally:
        if connection.is_open:
            connection.close()


def replay(url: str, topology: Topology, service: str, *, limit: int | None = None
           ) -> list[DeadLetter]:
    connection = connect(url, name=f"{topology.dlq(service)}.tool")
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        moved = []
        for method, properties, body in _take(channel, topology.dlq(service), limit):
            if not sender_allowed(topology, service, properties.type, properties.user_id):
                continue  # a forged event stays dead: unacked, it goes back when we close
            headers = {k: v for k, v in (properties.headers or {}).items()
                       if k not in (RETRY_HEADER, ERROR_HEADER)}
            headers[REPLAYED_HEADER] = int(headers.get(REPLAYED_HEADER, 0)) + 1
            channel.basic_publish("", topology.queue(service), body, pika.BasicProperties(
                content_type=properties.content_type, delivery_mode=PERSISTENT,
                message_id=properties.message_id, type=properties.type,
                correlation_id=properties.correlation_id, app_id=properties.app_id,
                headers=headers, user_id=login_of(url)), mandatory=True)
            channel.basic_ack(method.delivery_tag)
            moved.append(_describe(properties, body))
        return moved
    finally:
        if connection.is_open:
            connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m servicedesk_common.dlq",
                                     description="Look into or replay a service's DLQ.")
    parser.add_argument("command", choices=("list", "replay"))
    parser.add_argument("service")
    parser.add_argument("--limit", type=int, default=None, help="at most this many messages")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be 1 or more")
    url = env("SERVICEDESK_AMQP_URL", DEFAULT_AMQP_URL)
    users = env_flag("SERVICEDESK_BUS_USERS")
    if users:  # the service's own user, the only one allowed on its queues
        url = Settings.from_env(args.service).amqp_url
    topology = Topology(env("SERVICEDESK_BUS_PREFIX", "servicedesk"), (), users=users)
    dlq = topology.dlq(args.service)
    try:
        if args.command == "list":
            total, found = peek(url, topology, args.service, limit=args.limit)
            print(f"queue={dlq} messages={total} listed={len(found)}")
        else:
            found = replay(url, topology, args.service, limit=args.limit)
            print(f"queue={dlq} replayed={len(found)} to={topology.queue(args.service)}")
    except ChannelClosedByBroker as exc:
        print(f"error=no_such_queue queue={dlq} detail={exc.reply_text!r}", file=sys.stderr)
        return 1
    except AMQPError as exc:
        print(f"error=broker_unavailable url_host={url.split('@')[-1]} detail={exc!r}",
              file=sys.stderr)
        return 1
    for dead_letter in found:
        print(dead_letter.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
