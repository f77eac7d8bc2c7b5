"""Each service its own broker user: RabbitMQ proves who sent an event (user_id), a consumer
believes only the producer the catalogue names, and a user reaches only its own queues."""
import threading
from collections import Counter

import pika
import pytest
from pika.exceptions import ChannelClosedByBroker

from servicedesk_common import testing
from servicedesk_common.bus import Consumer, Publisher, Topology, connect, wait_until
from servicedesk_common.bus_users import Rabbitmqctl, prepare
from servicedesk_common.dlq import replay
from servicedesk_common.events import Envelope
from servicedesk_common.settings import bus_password, with_login
from servicedesk_common.subscriptions import SUBSCRIPTIONS
from servicedesk_common.testing import TEST_RETRY_DELAYS_MS

SECRET = "bus-users-test-" + "s" * 32
TIMEOUT = 30


class Bus:
    def __init__(self, admin_url: str, prefix: str):
        self.admin_url = admin_url
        self.topology = Topology(prefix, TEST_RETRY_DELAYS_MS, users=True)
        self.users = prepare(admin_url, self.topology, SECRET, admin=Rabbitmqctl())

    def url(self, service: str) -> str:
        return with_login(self.admin_url, self.topology.user(service),
                          bus_password(SECRET, self.topology.prefix, service))

    def publish(self, url: str, event_type: str, **properties) -> Envelope:
        envelope = Envelope(type=event_type, payload={"number": "INC-1", "body": "forged"},
                            producer="intake", aggregate_id="INC-1")
        connection = connect(url)
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            channel.basic_publish(self.topology.exchange, event_type, envelope.to_json(),
                                  pika.BasicProperties(message_id=envelope.message_id,
                                                       type=event_type, **properties),
                                  mandatory=True)
        finally:
            if connection.is_open:
                connection.close()
        return envelope

    def dlq_message_ids(self, service: str) -> set[str]:
        connection = connect(self.admin_url)
        try:
            channel, found = connection.channel(), set()
            while True:
                method, properties, _body = channel.basic_get(self.topology.dlq(service))
                if method is None:
                    return found
                found.add(properties.message_id)
        finally:
            connection.close()

    def remove(self) -> None:
        for user in self.users:
            Rabbitmqctl().delete(user.name)


@pytest.fixture(scope="module")
def bus(amqp_url):
    """One set of users for the module: rabbitmqctl takes seconds per call."""
    names = testing.TestBus(amqp_url)
    made = Bus(amqp_url, names.prefix)
    yield made
    made.remove()
    names.delete_all(SUBSCRIPTIONS, TEST_RETRY_DELAYS_MS)


@pytest.fixture
def survey_consumer(bus):
    handled: list[str] = []
    attempts: Counter = Counter()
    stop = threading.Event()

    def on_replied(event: Envelope) -> None:
        attempts[event.message_id] += 1
        if event.payload["body"] == "fails once" and attempts[event.message_id] == 1:
            raise RuntimeError("failed on purpose")
        handled.append(event.message_id)

    consumer = Consumer(bus.url("survey"), bus.topology, SUBSCRIPTIONS, service="survey",
                        handlers={"ticket.replied": on_replied}, stop=stop)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    assert consumer.connected.wait(TIMEOUT), "survey's user could not consume its own queue"
    yield handled
    stop.set()
    thread.join(10)


def test_a_forged_event_lands_in_the_dlq_and_changes_nothing(bus, survey_consumer):
    forged_as_admin = bus.publish(bus.admin_url, "ticket.replied", user_id="guest")
    forged_without_sender = bus.publish(bus.admin_url, "ticket.replied")
    forged_by_another_service = bus.publish(bus.url("triage"), "ticket.replied",
                                            user_id=bus.topology.user("triage"))
    genuine = Envelope(type="ticket.replied", payload={"number": "INC-1", "body": "real"},
                       producer="intake", aggregate_id="INC-1")
    publisher = Publisher(bus.url("intake"), bus.topology, SUBSCRIPTIONS, service="intake")
    publisher.publish_many([genuine])
    publisher.close()

    assert wait_until(lambda: genuine.message_id in survey_consumer, TIMEOUT), \
        "the genuine event from intake's user was not handled"
    forged = {forged_as_admin.message_id, forged_without_sender.message_id,
              forged_by_another_service.message_id}
    assert wait_until(lambda: bus.dlq_message_ids("survey") == forged, TIMEOUT)
    assert survey_consumer == [genuine.message_id]

    replayed = replay(bus.url("survey"), bus.topology, "survey")
    assert replayed == []  # a forged event stays dead even when an operator replays the DLQ
    assert bus.dlq_message_ids("survey") == forged


def test_a_genuine_event_whose_handler_failed_is_believed_when_its_retry_comes_back(
        bus, survey_consumer):
    genuine = Envelope(type="ticket.replied", payload={"number": "INC-2", "body": "fails once"},
                       producer="intake", aggregate_id="INC-2")
    publisher = Publisher(bus.url("intake"), bus.topology, SUBSCRIPTIONS, service="intake")
    publisher.publish_many([genuine])
    publisher.close()

    assert wait_until(lambda: genuine.message_id in survey_consumer, TIMEOUT), \
        "the retried event (republished by survey's own user) was refused"


def test_rabbitmq_refuses_a_user_id_that_is_not_the_connections_user(bus):
    with pytest.raises(ChannelClosedByBroker) as refused:
        bus.publish(bus.url("triage"), "ticket.replied", user_id=bus.topology.user("intake"))
    assert refused.value.reply_code == 406


def test_a_service_user_cannot_consume_another_services_queue(bus):
    connection = connect(bus.url("triage"))
    try:
        with pytest.raises(ChannelClosedByBroker) as refused:
            connection.channel().basic_get(bus.topology.queue("intake"))
        assert refused.value.reply_code == 403
    finally:
        if connection.is_open:
            connection.close()


def test_a_service_user_cannot_declare_or_delete_another_services_queue(bus):
    connection = connect(bus.url("triage"))
    try:
        with pytest.raises(ChannelClosedByBroker) as refused:
            connection.channel().queue_delete(bus.topology.queue("intake"))
        assert refused.value.reply_code == 403
    finally:
        if connection.is_open:
            connection.close()
