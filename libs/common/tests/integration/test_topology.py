"""What a worker declares on the broker, and publishing that counts only confirmed messages."""
import logging


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
