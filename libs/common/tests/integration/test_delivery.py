"""Delivery through the real broker: once per message, retries with back-off, dead letters."""
import json
import logging
import time

import pytest

from servicedesk_common.bus import ERROR_HEADER, RETRY_HEADER
from servicedesk_common.events import Envelope


@pytest.fixture(params=["classic", "quorum"])
def spine(request, make_spine):
    """Each delivery rule holds on classic queues (one broker) and quorum queues (a cluster)."""
    return make_spine(queue_type=request.param)


def test_event_written_with_the_state_is_relayed_and_handled_once(spine):
    spine.start_worker()

    spine.write("INC-1")

    spine.eventually(lambda: spine.effects("INC-1") == 1, "the event was not handled")
    spine.eventually(lambda: spine.unsent() == 0, "the outbox row was not marked sent")


def test_duplicate_delivery_has_one_effect(spine):
    spine.start_worker()
    before = spine.handled()
    event = Envelope(type="ticket.created", payload={"number": "INC-2"}, producer="test")

    spine.publish(event.to_json(), times=3)

    spine.eventually(lambda: spine.handled() - before == 3, "not all three deliveries taken")
    assert spine.effects("INC-2") == 1


def test_handler_failure_is_retried_with_back_off_through_the_ttl_queues(spine):
    spine.start_worker()
    spine.fail_first["INC-3"] = 2

    spine.write("INC-3")

    spine.eventually(lambda: spine.effects("INC-3") == 1, "the event was not handled in the end")
    first, second, third = spine.attempts["INC-3"]
    delays = spine.settings.retry_delays_ms
    # Not a hot loop: each retry waited at least its queue's TTL (lower bounds only).
    assert second - first >= delays[0] / 1000 * 0.9
    assert third - second >= delays[1] / 1000 * 0.9
    assert spine.dead_letters() == []


def test_a_handler_that_raises_after_writing_leaves_no_effect(spine):
    """Acks only after commit: the failed attempts' writes were rolled back, not kept."""
    spine.start_worker()
    spine.fail_first["INC-4"] = 1

    spine.write("INC-4")

    spine.eventually(lambda: len(spine.attempts["INC-4"]) == 2, "the failed event was not retried")
    spine.eventually(lambda: spine.effects("INC-4") == 1, "the retry did not commit")
    assert spine.effects("INC-4") == 1  # two attempts wrote, one committed


def test_poison_message_ends_in_the_dlq_after_its_retries_and_the_next_one_is_handled(spine):
    spine.start_worker()
    spine.fail_first["INC-POISON"] = 1000

    poison = spine.write("INC-POISON")
    spine.write("INC-NEXT")

    spine.eventually(lambda: spine.effects("INC-NEXT") == 1, "the consumer did not go on")
    spine.eventually(lambda: len(spine.dead_letters()) == 1, "the poison message is not in the DLQ")
    properties, body = spine.dead_letters()[0]
    assert Envelope.from_json(body).message_id == poison.message_id
    assert properties.headers[RETRY_HEADER] == len(spine.settings.retry_delays_ms)
    assert "failed on purpose" in properties.headers[ERROR_HEADER]
    assert properties.delivery_mode == 2  # persistent, in the DLQ too
    time.sleep(max(spine.settings.retry_delays_ms) / 1000 * 2)
    assert len(spine.attempts["INC-POISON"]) == 1 + len(spine.settings.retry_delays_ms)
    assert spine.effects("INC-POISON") == 0


def test_unreadable_messages_go_straight_to_the_dlq_and_the_consumer_goes_on(spine, caplog):
    caplog.set_level(logging.INFO)
    spine.start_worker()
    wrong_type = json.loads(Envelope(type="ticket.created", payload={"number": "X"},
                                     producer="test").to_json())
    wrong_type["type"] = ["ticket.created"]

    spine.publish(b"this is not json")
    spine.publish(json.dumps(wrong_type).encode())
    spine.write("INC-AFTER-GARBAGE")

    spine.eventually(lambda: spine.effects("INC-AFTER-GARBAGE") == 1, "the consumer did not go on")
    spine.eventually(lambda: len(spine.dead_letters()) == 2, "the unreadable ones are not in DLQ")
    for properties, _body in spine.dead_letters():
        assert RETRY_HEADER not in (properties.headers or {})  # straight there, no retries
        (death,) = properties.headers["x-death"]
        assert death["reason"] == "rejected"  # nacked by the consumer, dead-lettered by the queue
        assert death["queue"] == spine.topology.queue(spine.SERVICE)
    assert not any("worker_thread_crashed" in r.getMessage() for r in caplog.records)
    assert spine.workers[0].consumer.connected.is_set()
