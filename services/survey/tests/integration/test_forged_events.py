"""The reported attack: a `ticket.replied` published straight onto the exchange was mailed to the
client. With bus users the survey worker believes it only from intake's broker user."""
import pytest

from servicedesk_common.bus import Topology, connect, message_properties, wait_until
from servicedesk_common.bus_users import Rabbitmqctl, prepare
from servicedesk_common.events import Envelope
from servicedesk_common.settings import bus_password, with_login
from servicedesk_common.testing import TEST_RETRY_DELAYS_MS, TEST_SECRET_KEY

from .conftest import SurveyDriver

NUMBER = "INC-2026-790001"


@pytest.fixture
def bus_users(amqp_url, test_bus):
    topology = Topology(test_bus.prefix, TEST_RETRY_DELAYS_MS, users=True)
    users = prepare(amqp_url, topology, TEST_SECRET_KEY, admin=Rabbitmqctl())

    def url(service: str) -> str:
        return with_login(amqp_url, topology.user(service),
                          bus_password(TEST_SECRET_KEY, topology.prefix, service))

    yield topology, url
    for user in users:
        Rabbitmqctl().delete(user.name)


def send(url: str, topology: Topology, envelope: Envelope, user_id: str | None) -> None:
    connection = connect(url)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(topology.exchange, envelope.type, envelope.to_json(),
                              message_properties(envelope, user_id=user_id), mandatory=True)
    finally:
        connection.close()


def replied(body: str) -> Envelope:
    return Envelope(type="ticket.replied", producer="intake", aggregate_id=NUMBER, payload={
        "number": NUMBER, "body": body, "internal": False, "by": "operator1",
        "by_role": "operator", "reply_id": 1 if "forged" in body else 2})


def test_a_forged_reply_is_dead_lettered_and_no_mail_goes_to_the_client(
        run_service, bus_users, amqp_url, monkeypatch):
    monkeypatch.delenv("SERVICEDESK_SMTP_HOST", raising=False)
    topology, url = bus_users
    surveys = SurveyDriver(run_service("survey", amqp_url=url("survey"), bus_users=True))
    intake = url("intake")
    send(intake, topology, Envelope(
        type="ticket.created", producer="intake", aggregate_id=NUMBER, payload={
            "number": NUMBER, "type": "incident", "title": "Internet mati", "channel": "web",
            "status": "submitted", "guest_email": "sari@madiunkota.go.id"}),
         user_id=topology.user("intake"))

    forged = replied("forged: transfer the fee to account 123")
    send(amqp_url, topology, forged, user_id="guest")  # the broker's admin, not intake
    send(amqp_url, topology, replied("forged without a sender"), user_id=None)
    send(intake, topology, replied("Teknisi menuju lokasi."), user_id=topology.user("intake"))

    def bodies() -> list[str]:
        return [mail.body for mail in surveys.mails(NUMBER)]

    assert wait_until(lambda: any("Teknisi menuju lokasi." in b for b in bodies()), 15), \
        bodies()
    assert not any("forged" in b for b in bodies())
    assert wait_until(lambda: dlq_depth(amqp_url, topology) == 2, 15)


def dlq_depth(admin_url: str, topology: Topology) -> int:
    connection = connect(admin_url)
    try:
        return connection.channel().queue_declare(topology.dlq("survey"), passive=True
                                                  ).method.message_count
    finally:
        connection.close()


