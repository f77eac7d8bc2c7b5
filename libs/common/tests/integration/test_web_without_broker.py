"""Web processes never talk to RabbitMQ: they write state and outbox rows in one transaction."""
import importlib

import pika
import pytest

from servicedesk_common.migrations import upgrade
from servicedesk_common.settings import SERVICES
from servicedesk_common.testing import free_port


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


def web_app(service: str, make_settings, **overrides):
    settings = make_settings(service, **overrides)
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


@pytest.mark.parametrize("service", SERVICES + ("gateway",))
def test_a_web_process_stays_ready_while_the_broker_is_down(service, make_settings):
    """Readiness is what the process needs to serve: its database. A broker outage must not
    take every web process out of its load balancer; the outbox keeps the events meanwhile."""
    down = f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F"  # nothing listens there
    if service == "gateway":
        from gateway.api import create_app
        from gateway.prepare import prepare
        settings = make_settings(service, amqp_url=down)
        prepare(settings)
        app = create_app(settings)
    else:
        app = web_app(service, make_settings, amqp_url=down)

    response = app.test_client().get("/readyz")

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"] == {"database": True}
