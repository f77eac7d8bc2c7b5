"""Survey's settings: safe defaults, and a clear error for a value that cannot work."""
import pytest

from servicedesk_common.settings import SettingsError
from survey.config import SurveyConfig

NAMES = ("SERVICEDESK_PUBLIC_URL", "SERVICEDESK_GATEWAY_PORT", "SERVICEDESK_SURVEY_TTL_DAYS",
         "SERVICEDESK_SMTP_HOST", "SERVICEDESK_SMTP_PORT", "SERVICEDESK_SMTP_STARTTLS")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_keep_mails_queued_and_links_on_the_local_gateway(monkeypatch):
    config = SurveyConfig.from_env()
    assert config.mail.smtp_host is None and config.mail.smtp_port == 25
    assert not config.mail.smtp_starttls
    assert config.ttl_days == 14
    assert config.public_url == "http://localhost:8080"
    monkeypatch.setenv("SERVICEDESK_GATEWAY_PORT", "9123")
    assert SurveyConfig.from_env().public_url == "http://localhost:9123"
    monkeypatch.setenv("SERVICEDESK_PUBLIC_URL", "https://layanan.madiunkota.go.id/")
    assert SurveyConfig.from_env().public_url == "https://layanan.madiunkota.go.id"


@pytest.mark.parametrize("name, value", [("SERVICEDESK_SURVEY_TTL_DAYS", "0"),
                                         ("SERVICEDESK_SURVEY_TTL_DAYS", "dua"),
                                         ("SERVICEDESK_SMTP_PORT", "smtp"),
                                         ("SERVICEDESK_SMTP_STARTTLS", "maybe")])
def test_a_setting_that_cannot_work_is_refused_by_name(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        SurveyConfig.from_env()


def test_starttls_is_a_flag(monkeypatch):
    monkeypatch.setenv("SERVICEDESK_SMTP_STARTTLS", "1")
    assert SurveyConfig.from_env().mail.smtp_starttls is True
