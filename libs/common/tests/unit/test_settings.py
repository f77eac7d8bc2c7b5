"""Settings come from the environment, in one place, with errors that say what to set."""
from pathlib import Path

import pytest

from servicedesk_common.settings import DEFAULT_AMQP_URL, Settings, SettingsError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("SERVICEDESK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", "k" * 32)


def test_a_postgresql_url_with_service_placeholder_gives_each_service_its_own_database(
        monkeypatch):
    monkeypatch.setenv("SERVICEDESK_DATABASE_URL", "postgresql://db.local/desk_{service}")

    triage, sla = Settings.from_env("triage"), Settings.from_env("sla")

    assert triage.database_url == "postgresql://db.local/desk_triage"
    assert sla.database_url == "postgresql://db.local/desk_sla"
    assert not triage.shares_database


def test_a_postgresql_url_without_placeholder_is_shared_and_each_service_gets_a_schema(
        monkeypatch):
    monkeypatch.setenv("SERVICEDESK_DATABASE_URL", "postgresql://db.local/desk")

    settings = Settings.from_env("triage")

    assert settings.database_url == "postgresql://db.local/desk"
    assert settings.shares_database


def test_without_a_database_url_each_service_gets_a_sqlite_file_under_the_data_dir(
        monkeypatch, tmp_path):
    monkeypatch.setenv("SERVICEDESK_DATA_DIR", str(tmp_path / "data"))

    settings = Settings.from_env("intake")

    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'intake.db'}"
    assert not settings.shares_database


def test_the_data_dir_defaults_to_var_in_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    settings = Settings.from_env("survey")

    assert settings.data_dir == tmp_path.resolve() / "var"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'var' / 'survey.db'}"


def test_defaults_point_at_a_local_broker_and_the_standard_prefix():
    settings = Settings.from_env("triage")

    assert settings.amqp_url == DEFAULT_AMQP_URL
    assert settings.bus_prefix == "servicedesk"
    assert settings.gateway_port == 8080


def test_missing_secret_key_outside_demo_mode_is_an_error_that_says_what_to_set(monkeypatch):
    monkeypatch.delenv("SERVICEDESK_SECRET_KEY")

    with pytest.raises(SettingsError, match="SERVICEDESK_SECRET_KEY"):
        Settings.from_env("triage")


def test_demo_mode_runs_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SERVICEDESK_SECRET_KEY")
    monkeypatch.setenv("SERVICEDESK_DEMO_PASSWORD", "demo-pass-123")

    settings = Settings.from_env("gateway")

    assert len(settings.secret_key) >= 32
    assert settings.demo_password == "demo-pass-123"


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", "")

    with pytest.raises(SettingsError):
        Settings.from_env("triage")


@pytest.mark.parametrize("name, value", [
    ("SERVICEDESK_GATEWAY_PORT", "eighty"),
    ("SERVICEDESK_RELAY_IDLE_SECONDS", "soon"),
    ("SERVICEDESK_RETRY_DELAYS_MS", "1000,later"),
])
def test_a_malformed_number_names_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match=name):
        Settings.from_env("triage")


def test_retry_delays_are_read_as_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("SERVICEDESK_RETRY_DELAYS_MS", "100, 2000,30000")

    assert Settings.from_env("triage").retry_delays_ms == (100, 2000, 30000)


def test_data_dir_is_absolute_so_processes_agree_whatever_their_working_directory(
        monkeypatch):
    monkeypatch.setenv("SERVICEDESK_DATA_DIR", "relative/dir")

    assert Path(Settings.from_env("triage").data_dir).is_absolute()
