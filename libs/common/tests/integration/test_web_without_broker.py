"""Web processes never talk to RabbitMQ: they write state and outbox rows in one transaction."""
import importlib

import pika
import pytest

from servicedesk_common.migrations import upgrade
from servicedesk_common.settings import SERVICES


@pytest.fixture
def broker_connections(monkeypatch):
    """Every AMQP connection any code in this process tries to open."""
    opened = []

    class Refused:
        def __init__(self, *args, **kwargs):
            opened.append(args)
            raise AssertionError("a web process opened a broker connection")

    for name in ("BlockingConnection", "SelectConnection"):
        monkeypatch.setattr(pika, name, Refused)
    return opened


def web_app(service: str, make_settings):
    settings = make_settings(service)
    upgrade(importlib.import_module(f"{service}.worker").MIGRATIONS, settings)
    return importlib.import_module(f"{service}.api").create_app(settings)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_web_app_opens_no_broker_connection(service, make_settings,
                                                      broker_connections):
    app = web_app(service, make_settings)
    client = app.test_client()

    for path in ("/healthz", "/readyz", "/openapi.json", "/api/v1/no-such-thing"):
        client.get(path)

    assert broker_connections == []


def test_a_command_writes_state_and_event_in_one_transaction_without_the_broker(
        spine, broker_connections):
    spine.write("INC-WEB")  # what a view does: unit of work, outbox row, commit

    assert spine.unsent() == 1
    assert broker_connections == []
