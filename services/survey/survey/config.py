"""Survey's own settings, from the environment (each with a safe default)."""
from __future__ import annotations

from dataclasses import dataclass

from servicedesk_common.settings import SettingsError, env, env_float, env_int


@dataclass(frozen=True)
class SurveyConfig:
    public_url: str            # where clients reach the gateway: links in mails and replies
    ttl_days: int              # how long a survey link stays open
    smtp_host: str | None      # unset: mails stay queued (and are logged), never lost
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    smtp_starttls: bool
    smtp_timeout: float
    mail_poll_seconds: float
    mail_retry_seconds: float      # first back-off after a failed delivery, doubling
    mail_retry_max_seconds: float  # the back-off stops growing here
    mail_batch: int

    @classmethod
    def from_env(cls) -> SurveyConfig:
        ttl = env_int("SERVICEDESK_SURVEY_TTL_DAYS", 14)
        if ttl < 1:
            raise SettingsError(f"SERVICEDESK_SURVEY_TTL_DAYS must be at least 1, got {ttl}")
        return cls(
            public_url=(env("SERVICEDESK_PUBLIC_URL") or default_public_url()).rstrip("/"),
            ttl_days=ttl,
            smtp_host=env("SERVICEDESK_SMTP_HOST"),
            smtp_port=env_int("SERVICEDESK_SMTP_PORT", 25),
            smtp_user=env("SERVICEDESK_SMTP_USER"),
            smtp_password=env("SERVICEDESK_SMTP_PASSWORD"),
            smtp_from=env("SERVICEDESK_SMTP_FROM",
                          "Service Desk Diskominfo <servicedesk@localhost>"),
            smtp_starttls=_flag("SERVICEDESK_SMTP_STARTTLS"),
            smtp_timeout=env_float("SERVICEDESK_SMTP_TIMEOUT", 10.0),
            mail_poll_seconds=env_float("SERVICEDESK_MAIL_POLL_SECONDS", 2.0),
            mail_retry_seconds=env_float("SERVICEDESK_MAIL_RETRY_SECONDS", 30.0),
            mail_retry_max_seconds=env_float("SERVICEDESK_MAIL_RETRY_MAX_SECONDS", 1800.0),
            mail_batch=env_int("SERVICEDESK_MAIL_BATCH", 20),
        )


def default_public_url() -> str:
    """Unset: the gateway on this machine, on the port it listens on."""
    return f"http://localhost:{env_int('SERVICEDESK_GATEWAY_PORT', 8080)}"


def _flag(name: str) -> bool:
    raw = (env(name, "0") or "0").strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0, got {raw!r}")
