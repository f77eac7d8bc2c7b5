"""Escalation's own settings, from the environment (read when a unit of work opens)."""
from __future__ import annotations

from dataclasses import dataclass, field

from servicedesk_common.mail import MailSettings
from servicedesk_common.settings import env, env_float, env_int


@dataclass(frozen=True)
class Config:
    # Who is told, besides the group, when an escalated ticket's SLA is at risk or breached.
    # The escalation service keeps no accounts: the supervisors are named here.
    supervisors: tuple[str, ...] = ("supervisor1",)
    # How long a command waits for a ticket it has not heard of yet (events lag its creation).
    ticket_wait_seconds: float = 2.0
    # An operator is on duty while they used the console within this many minutes.
    on_duty_minutes: int = 720
    # A priority-1 ticket still unverified after this long warns every operator on duty.
    p1_unverified_minutes: int = 15
    # At most one digest mail per person per this many seconds (a burst is one mail).
    digest_seconds: float = 300.0
    notify_poll_seconds: float = 5.0
    public_url: str = "http://localhost:8080"
    mail: MailSettings = field(default_factory=MailSettings.from_env)

    @classmethod
    def from_env(cls) -> Config:
        raw = env("SERVICEDESK_SUPERVISORS", "supervisor1")
        return cls(
            supervisors=tuple(name.strip() for name in raw.split(",") if name.strip()),
            ticket_wait_seconds=max(0.0, env_float("SERVICEDESK_ESCALATION_TICKET_WAIT", 2.0)),
            on_duty_minutes=max(1, env_int("SERVICEDESK_ON_DUTY_MINUTES", 720)),
            p1_unverified_minutes=max(1, env_int("SERVICEDESK_P1_UNVERIFIED_MINUTES", 15)),
            digest_seconds=max(0.0, env_float("SERVICEDESK_NOTIFY_DIGEST_SECONDS", 300.0)),
            notify_poll_seconds=max(0.1, env_float("SERVICEDESK_NOTIFY_POLL_SECONDS", 5.0)),
            public_url=(env("SERVICEDESK_PUBLIC_URL")
                        or f"http://localhost:{env_int('SERVICEDESK_GATEWAY_PORT', 8080)}"
                        ).rstrip("/"),
            mail=MailSettings.from_env(),
        )
