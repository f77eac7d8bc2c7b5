"""SERVICEDESK_BUS_USERS=1: each service's processes log in as that service's own user."""
import os
from urllib.parse import urlparse

import pytest

from servicedesk_common.events import EVENT_TYPES, PRODUCERS
from servicedesk_common.settings import SERVICES, Settings, SettingsError, bus_password

KEY = "Zq3vX8-long-enough-and-random-Kp2wL9mN4"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("SERVICEDESK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", KEY)
    monkeypatch.setenv("SERVICEDESK_AMQP_URL", "amqp://rabbitmq:5672/%2F")


def test_with_bus_users_each_service_logs_in_as_its_own_user(monkeypatch):
    monkeypatch.setenv("SERVICEDESK_BUS_USERS", "1")

    for service in SERVICES:
        url = urlparse(Settings.from_env(service).amqp_url)
        assert (url.username, url.password) == (f"servicedesk.{service}",
                                                bus_password(KEY, "servicedesk", service))
        assert (url.hostname, url.port, url.path) == ("rabbitmq", 5672, "/%2F")
    assert len({bus_password(KEY, "servicedesk", s) for s in SERVICES}) == len(SERVICES)


def test_without_bus_users_the_url_is_used_as_given():
    assert Settings.from_env("intake").amqp_url == "amqp://rabbitmq:5672/%2F"
    assert not Settings.from_env("intake").bus_users


def test_a_malformed_flag_names_the_variable(monkeypatch):
    monkeypatch.setenv("SERVICEDESK_BUS_USERS", "yes")

    with pytest.raises(SettingsError, match="SERVICEDESK_BUS_USERS"):
        Settings.from_env("intake")


def test_every_event_type_has_one_producer_among_the_services():
    assert set(PRODUCERS) == EVENT_TYPES
    assert set(PRODUCERS.values()) <= set(SERVICES)
