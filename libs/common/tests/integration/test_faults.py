"""Faults the spine survives, each on the real broker."""
import logging
import time

import pytest

from servicedesk_common import bus
from servicedesk_common.bus import Publisher
from servicedesk_common.outbox import relay_once


def test_events_written_while_the_broker_is_unreachable_are_published_once_it_is_back(
        spine, broker_proxy, caplog):
    caplog.set_level(logging.INFO)
    spine.start_worker(amqp_url=broker_proxy.url)
    spine.write("INC-BEFORE")
    spine.eventually(lambda: spine.effects("INC-BEFORE") == 1, "not handled through the proxy")

    broker_proxy.cut()
    spine.write("INC-DURING-1")
    spine.write("INC-DURING-2")
    spine.eventually(lambda: broker_proxy.refused >= 2, "nobody tried to reconnect")
    assert spine.unsent() == 2
    assert spine.effects("INC-DURING-1") == 0

    broker_proxy.restore()

    spine.eventually(lambda: spine.effects("INC-DURING-1") == 1
                     and spine.effects("INC-DURING-2") == 1, "not published after the outage")
    assert spine.unsent() == 0
    assert any("relay_failed" in r.getMessage() for r in caplog.records)


class ProcessDied(BaseException):
    """Stands for the relay's process ending abruptly: nothing after it runs."""


class DiesAfterPublishing:
    def __init__(self, publisher):
        self.publisher = publisher
        self.service = publisher.service

    def publish_many(self, envelopes):
        self.publisher.publish_many(envelopes)
        raise ProcessDied


def test_a_relay_that_dies_between_publishing_and_marking_sent_causes_no_double_effect(spine):
    spine.write("INC-RELAY")
    publisher = Publisher(spine.settings.amqp_url, spine.topology, {"spine": ["ticket.created"]},
                          service="spine")
    try:
        with pytest.raises(ProcessDied):
            relay_once(spine.sessions, DiesAfterPublishing(publisher))
    finally:
        publisher.close()
    assert spine.unsent() == 1  # published, yet not marked sent
    before = spine.handled()

    spine.start_worker()  # its relay publishes the same row again

    spine.eventually(lambda: spine.unsent() == 0, "the restarted relay did not publish the row")
    spine.eventually(lambda: spine.handled() - before == 2, "both copies were not delivered")
    assert spine.effects("INC-RELAY") == 1
    assert len(spine.attempts["INC-RELAY"]) == 1  # the second copy never reached the handler


def test_a_consumer_whose_connection_the_broker_closes_reconnects_and_goes_on(
        spine, broker_admin, caplog):
    caplog.set_level(logging.INFO)
    spine.start_worker()
    name = f"{spine.topology.queue(spine.SERVICE)}.consumer"
    (old_pid,) = broker_admin.pids(name)

    broker_admin.close(old_pid)

    spine.eventually(lambda: broker_admin.pids(name) not in ([], [old_pid]),
                     "the consumer did not open a new connection")
    spine.write("INC-AFTER-CLOSE")
    spine.eventually(lambda: spine.effects("INC-AFTER-CLOSE") == 1,
                     "the consumer did not go on after reconnecting")
    assert any("consumer_disconnected" in r.getMessage() for r in caplog.records)


def test_an_idle_relay_keeps_its_broker_connection_alive(spine, caplog, monkeypatch):
    caplog.set_level(logging.INFO)
    heartbeat = 1  # seconds; the broker drops a connection after about two missed heartbeats
    original = bus.connection_parameters

    def short_heartbeat(url, **kw):
        params = original(url, **kw)
        params.heartbeat = heartbeat
        return params

    monkeypatch.setattr(bus, "connection_parameters", short_heartbeat)
    spine.start_worker()
    spine.write("INC-BEFORE-IDLE")
    spine.eventually(lambda: spine.effects("INC-BEFORE-IDLE") == 1, "not handled")

    time.sleep(heartbeat * 5)  # idle, far past the broker's heartbeat timeout
    spine.write("INC-AFTER-IDLE")

    spine.eventually(lambda: spine.effects("INC-AFTER-IDLE") == 1, "not handled after idling")
    assert not [r.getMessage() for r in caplog.records
                if "relay_failed" in r.getMessage() or "connection_lost" in r.getMessage()]
