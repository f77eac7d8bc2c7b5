"""What a worker declares on the broker, and publishing that counts only confirmed messages."""
import logging
from dataclasses import replace

import pytest
from pika.exceptions import ChannelClosedByBroker

from servicedesk_common.bus import Topology, connect


def arguments(queue: dict) -> dict:
    return {name: value for name, _type, value in queue["arguments"]}


def test_the_topology_is_durable_with_a_dead_letter_queue_and_ttl_retry_queues(
        spine, broker_admin):
    spine.start_worker()
    prefix, topology = spine.settings.bus_prefix, spine.topology
    queue, dlq = topology.queue(spine.SERVICE), topology.dlq(spine.SERVICE)
    retries = {delay: topology.retry_queue(spine.SERVICE, delay)
               for delay in spine.settings.retry_delays_ms}

    exchanges = broker_admin.listing("exchanges", prefix, "type", "durable")
    queues = broker_admin.listing("queues", prefix, "durable", "arguments")

    assert {(n, e["type"], e["durable"]) for n, e in exchanges.items()} == {
        (topology.exchange, "topic", True), (topology.dead_letter_exchange, "direct", True)}
    assert set(queues) == {queue, dlq, *retries.values()}
    assert all(q["durable"] for q in queues.values())
    assert arguments(queues[queue]) == {"x-dead-letter-exchange": topology.dead_letter_exchange,
                                        "x-dead-letter-routing-key": dlq}
    for delay, name in retries.items():
        assert arguments(queues[name]) == {"x-message-ttl": delay, "x-dead-letter-exchange": "",
                                           "x-dead-letter-routing-key": queue}
    assert {(topology.exchange, queue, spine.CREATED),
            (topology.dead_letter_exchange, dlq, dlq)} <= broker_admin.bindings(prefix)


def test_quorum_mode_declares_every_queue_as_a_quorum_queue_that_dead_letters_at_least_once(
        make_spine, broker_admin):
    spine = make_spine(queue_type="quorum")
    spine.start_worker()
    prefix, topology = spine.settings.bus_prefix, spine.topology
    queue, dlq = topology.queue(spine.SERVICE), topology.dlq(spine.SERVICE)

    queues = broker_admin.listing("queues", prefix, "type", "durable", "arguments")

    assert {name: q["type"] for name, q in queues.items()} == {
        name: "quorum" for name in queues}
    assert set(queues) >= {queue, dlq}
    assert arguments(queues[queue]) == {
        "x-queue-type": "quorum", "x-dead-letter-exchange": topology.dead_letter_exchange,
        "x-dead-letter-routing-key": dlq, "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish"}
    spine.write("INC-Q1")
    spine.eventually(lambda: spine.effects("INC-Q1") == 1, "not handled on quorum queues")


def test_a_classic_queue_is_not_silently_redeclared_as_quorum(make_spine):
    """The broker refuses (406) to change a queue's type: the switch needs the documented
    migration (docs/DEPLOY.md), and the worker says why instead of consuming a classic queue."""
    classic = make_spine()
    classic.start_worker()
    quorum_settings = replace(classic.settings, queue_type="quorum")
    connection = connect(quorum_settings.amqp_url)
    try:
        with pytest.raises(ChannelClosedByBroker) as refused:
            Topology.for_settings(quorum_settings).declare_all(
                connection.channel(), {classic.SERVICE: [classic.CREATED]})
    finally:
        if connection.is_open:
            connection.close()
    assert refused.value.reply_code == 406


def test_a_second_process_declaring_the_same_topology_shares_the_queue(spine):
    spine.start_worker()
    spine.start_worker()  # declares everything again: idempotent

    for number in ("INC-S1", "INC-S2", "INC-S3", "INC-S4"):
        spine.write(number)

    spine.eventually(lambda: all(spine.effects(n) == 1 for n in (
        "INC-S1", "INC-S2", "INC-S3", "INC-S4")), "not every event was handled once")


def test_an_outbox_row_stays_unsent_until_the_broker_confirms_it(spine, broker_admin, caplog):
    caplog.set_level(logging.INFO)
    queue = spine.topology.queue(spine.SERVICE)

    with broker_admin.policy(queue, {"max-length": 0, "overflow": "reject-publish"}):
        spine.start_worker()
        spine.write("INC-NACKED")

        spine.eventually(lambda: any("relay_failed" in r.getMessage() and "Nack" in r.getMessage()
                                     for r in caplog.records), "the broker's refusal went unseen")
        assert spine.unsent() == 1

    spine.eventually(lambda: spine.effects("INC-NACKED") == 1, "not published once accepted")
    assert spine.unsent() == 0
