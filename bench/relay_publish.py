"""The outbox relay's publishing rate: servicedesk_common.bus.Publisher.publish_many with
batches of SERVICEDESK_RELAY_BATCH-sized lists of real envelopes (ticket.created payloads), on
throwaway bus names that route to one durable queue, as the relay does (persistent, mandatory,
publisher confirms). Prints one JSON object; compare with ceilings/broker.py's confirm_each.

    python bench/relay_publish.py [--messages 4000] [--batch 200]
"""
from __future__ import annotations

import argparse
import json
import os
import time
import uuid

import pika

from servicedesk_common.bus import Publisher, Topology
from servicedesk_common.events import Envelope


def envelopes(count: int) -> list[Envelope]:
    payload = {"number": "INC-2026-000001", "title": "Internet mati di Dinas Kesehatan",
               "body": "Sejak pagi koneksi putus-sambung. " * 10, "type": "incident",
               "category": "Jaringan", "service": "Internet mati", "channel": "phone",
               "status": "new", "urgency": "high", "impact": "medium"}
    return [Envelope(type="ticket.created", payload=payload, producer="intake",
                     aggregate_id=payload["number"]) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--amqp", default=os.environ.get(
        "SERVICEDESK_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"))
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--limit-seconds", type=float, default=20.0)
    args = parser.parse_args()
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    topology = Topology(prefix, (1000,))
    subscriptions = {"bench": ["ticket.created"]}
    publisher = Publisher(args.amqp, topology, subscriptions, service="bench")
    batch = envelopes(args.batch)
    try:
        publisher.publish_many(batch[:10])  # connect and declare outside the timing
        sent, started = 0, time.perf_counter()
        while sent < args.messages and time.perf_counter() - started < args.limit_seconds:
            publisher.publish_many(batch)
            sent += len(batch)
        elapsed = time.perf_counter() - started
    finally:
        publisher.close()
        connection = pika.BlockingConnection(pika.URLParameters(args.amqp))
        channel = connection.channel()
        for queue in (topology.queue("bench"), topology.dlq("bench"),
                      topology.retry_queue("bench", 1000)):
            channel.queue_delete(queue)
        channel.exchange_delete(topology.exchange)
        channel.exchange_delete(topology.dead_letter_exchange)
        connection.close()
    print(json.dumps({"messages": sent, "batch": args.batch, "seconds": round(elapsed, 3),
                      "msg_per_s": round(sent / elapsed)}))


if __name__ == "__main__":
    main()
