"""Broker ceilings on RabbitMQ, with throwaway names (deleted at the end); prints one JSON object.

- confirm_each: pika's BlockingChannel in confirm mode publishing one persistent, mandatory message
  at a time, each waiting for its confirm (what a relay that confirms message by message can do);
- round_trip: one persistent message published, received by a consumer on another connection,
  one at a time: the latency of one hop of the event pipeline, without any database.

    python bench/ceilings/broker.py [--amqp URL] [--messages 3000] [--round-trips 1000]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
import uuid

import pika

PERSISTENT = pika.DeliveryMode.Persistent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def declare(channel, exchange: str, queue: str) -> None:
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    channel.queue_declare(queue, durable=True)
    channel.queue_bind(queue, exchange, routing_key="bench.#")


def confirm_each(url: str, exchange: str, queue: str, messages: int, limit_s: float) -> dict:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    declare(channel, exchange, queue)
    channel.confirm_delivery()
    body = json.dumps({"payload": "x" * 600}).encode()
    properties = pika.BasicProperties(content_type="application/json", delivery_mode=PERSISTENT)
    started = time.perf_counter()
    sent = 0
    while sent < messages and time.perf_counter() - started < limit_s:
        channel.basic_publish(exchange, "bench.confirm", body, properties, mandatory=True)
        sent += 1
    elapsed = time.perf_counter() - started
    channel.queue_purge(queue)
    connection.close()
    return {"messages": sent, "seconds": round(elapsed, 3), "msg_per_s": round(sent / elapsed)}


def round_trip(url: str, exchange: str, queue: str, count: int, limit_s: float) -> dict:
    received = threading.Event()
    ready = threading.Event()
    stop = threading.Event()
    arrivals: list[float] = []

    def consume():
        connection = pika.BlockingConnection(pika.URLParameters(url))
        channel = connection.channel()
        channel.basic_qos(prefetch_count=10)
        ready.set()
        for method, _properties, _body in channel.consume(queue, inactivity_timeout=0.2):
            if method is not None:
                arrivals.append(time.perf_counter())
                channel.basic_ack(method.delivery_tag)
                received.set()
            if stop.is_set():
                break
        channel.cancel()
        connection.close()

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    ready.wait(10)
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    properties = pika.BasicProperties(content_type="application/json", delivery_mode=PERSISTENT)
    body = json.dumps({"payload": "x" * 600}).encode()
    latencies = []
    started = time.perf_counter()
    for i in range(count + 20):
        if time.perf_counter() - started > limit_s:
            break
        received.clear()
        sent_at = time.perf_counter()
        channel.basic_publish(exchange, "bench.rtt", body, properties)
        if not received.wait(5):
            break
        if i >= 20:  # the first ones warm the path up
            latencies.append((arrivals[-1] - sent_at) * 1000)
    stop.set()
    consumer.join(5)
    connection.close()
    return {"count": len(latencies), "p50_ms": round(percentile(latencies, 50), 3),
            "p99_ms": round(percentile(latencies, 99), 3),
            "mean_ms": round(statistics.fmean(latencies), 3)} if latencies else {"count": 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--amqp", default=os.environ.get(
        "SERVICEDESK_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"))
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--round-trips", type=int, default=1000)
    parser.add_argument("--limit-seconds", type=float, default=15.0, help="per measurement")
    args = parser.parse_args()
    name = f"bench-{uuid.uuid4().hex[:8]}"
    exchange, queue = f"{name}.events", f"{name}.queue"
    try:
        result = {"confirm_each": confirm_each(args.amqp, exchange, queue, args.messages,
                                               args.limit_seconds),
                  "round_trip": round_trip(args.amqp, exchange, queue, args.round_trips,
                                           args.limit_seconds)}
    finally:
        connection = pika.BlockingConnection(pika.URLParameters(args.amqp))
        channel = connection.channel()
        channel.queue_delete(queue)
        channel.exchange_delete(exchange)
        connection.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
