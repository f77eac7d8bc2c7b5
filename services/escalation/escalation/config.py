"""Escalation's own settings, from the environment (read when a unit of work opens)."""
from __future__ import annotations

from dataclasses import dataclass

from servicedesk_common.settings import env, env_float


@dataclass(frozen=True)
class Config:
    # Who is told, besides the group, when an escalated ticket's SLA is at risk or breached.
    # The escalation service keeps no accounts: the supervisors are named here.
    supervisors: tuple[str, ...] = ("supervisor1",)
    # How long a command waits for a ticket it has not heard of yet (events lag its creation).
    ticket_wait_seconds: float = 2.0

    @classmethod
    def from_env(cls) -> Config:
        raw = env("SERVICEDESK_SUPERVISORS", "supervisor1")
        return cls(
            supervisors=tuple(name.strip() for name in raw.split(",") if name.strip()),
            ticket_wait_seconds=max(0.0, env_float("SERVICEDESK_ESCALATION_TICKET_WAIT", 2.0)),
        )
