"""Survey's own settings, from the environment (each with a safe default)."""
from __future__ import annotations

from dataclasses import dataclass

from servicedesk_common.mail import MailSettings
from servicedesk_common.settings import SettingsError, env, env_int


@dataclass(frozen=True)
class SurveyConfig:
    public_url: str            # where clients reach the gateway: links in mails and replies
    ttl_days: int              # how long a survey link stays open
    mail: MailSettings         # the shared mailer's: SMTP, Message-ID domain, Reply-To

    @classmethod
    def from_env(cls) -> SurveyConfig:
        ttl = env_int("SERVICEDESK_SURVEY_TTL_DAYS", 14)
        if ttl < 1:
            raise SettingsError(f"SERVICEDESK_SURVEY_TTL_DAYS must be at least 1, got {ttl}")
        return cls(
            public_url=(env("SERVICEDESK_PUBLIC_URL") or default_public_url()).rstrip("/"),
            ttl_days=ttl,
            mail=MailSettings.from_env(),
        )


def default_public_url() -> str:
    """Unset: the gateway on this machine, on the port it listens on."""
    return f"http://localhost:{env_int('SERVICEDESK_GATEWAY_PORT', 8080)}"

