"""`make run` with SERVICEDESK_BUS_USERS=1: each service on its own broker user, limited to its
own queues, and a ticket still travels the whole way; without it the launcher says the bus
believes every publisher."""
import pytest

from servicedesk_common.bus_users import Rabbitmqctl
from servicedesk_common.settings import SERVICES, bus_user
from tests.conftest import start_stack, stop_stack


@pytest.fixture(scope="module")
def users_stack(test_databases, amqp_url, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("users-stack")
    stack, process, bus, log_file = start_stack(test_databases, amqp_url, tmp_path,
                                                SERVICEDESK_BUS_USERS="1")
    yield stack
    stop_stack(process, bus, log_file)
    for service in SERVICES:
        Rabbitmqctl().delete(bus_user(bus.prefix, service))


def test_with_bus_users_a_ticket_travels_between_services_on_their_own_users(users_stack):
    anonymous, operator = users_stack.client(), users_stack.client("operator1")
    created = anonymous.post("/api/v1/tickets", json={
        "title": "Internet mati di ruang rapat", "body": "Sejak pagi wifi tidak tersambung.",
        "category": "Jaringan", "service": "Internet mati", "guest_email": "warga@example.com"})
    assert created.status_code == 201, created.text

    seen = operator.eventually(f"/api/v1/tickets/{created.json()['number']}",
                               lambda t: t.get("classification") is not None, timeout=15)
    assert seen["classification"]["category_valid"] is True
    log = users_stack.log()
    prefix = users_stack.env["SERVICEDESK_BUS_PREFIX"]
    assert "event=bus_users_ready" in log
    for service in ("intake", "triage"):
        assert f"user={bus_user(prefix, service)}" in log  # consumer_ready names its user
    assert "event=sender_refused" not in log and "ACCESS_REFUSED" not in log


def test_without_bus_users_the_launcher_says_the_bus_trusts_every_publisher(stack):
    assert "bus users off" in stack.log()
