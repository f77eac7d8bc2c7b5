"""SLA policies (targets per priority, per-service overrides, each naming its calendar) and the
met/breached counts the KPI report reads.

A clock keeps the targets of the policy it was given when it started or was last re-targeted:
editing a policy changes the clocks that start (or change priority) afterwards, never silently
the due times already promised on open tickets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sla.calendar import ALWAYS_OPEN, OFFICE
from sla.domain.clock import DEFAULT_POLICY, Priority, SlaState, Targets
from sla.domain.snapshot import TARGETS, Snapshot

CALENDARS = (OFFICE, ALWAYS_OPEN)
DEFAULT_CALENDAR = OFFICE
PRIORITIES = tuple(int(p) for p in Priority)
UNPRIORITISED = Priority.LOW  # DOMAIN.md: measured against the priority 3 targets until set
MAX_TARGET_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class Policy:
    priority: int
    response_seconds: int
    resolution_seconds: int
    calendar: str = DEFAULT_CALENDAR
    service: str | None = None  # the service's code; None for the priority's default policy
    service_name: str | None = None

    @property
    def name(self) -> str:
        base = f"priority-{self.priority}"
        return base if self.service is None else f"{base}/{self.service}"

    @property
    def targets(self) -> Targets:
        return Targets(self.response_seconds, self.resolution_seconds)


def default_policies() -> dict[int, Policy]:
    return {int(p): Policy(int(p), int(t.response_seconds), int(t.resolution_seconds))
            for p, t in DEFAULT_POLICY.items()}


def service_code(name: str | None) -> str | None:
    """"Internet lambat", "internet-lambat" and " Internet  Lambat " name the same service."""
    if name is None or not name.strip():
        return None
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def effective_priority(priority: int | None) -> int:
    return int(UNPRIORITISED) if priority is None else int(priority)


def choose(defaults: dict[int, Policy], overrides: list[Policy], *, priority: int | None,
           service: str | None) -> Policy:
    """The service's override for the priority if there is one, else the priority's policy."""
    level = effective_priority(priority)
    code = service_code(service)
    for override in overrides:
        if override.priority == level and code is not None and override.service == code:
            return override
    return defaults[level]


def check_targets(response_seconds: float, resolution_seconds: float,
                  calendar: str) -> dict[str, list[str]]:
    """Errors per field (empty when the policy is acceptable)."""
    errors: dict[str, list[str]] = {}
    for field, seconds in (("response_minutes", response_seconds),
                           ("resolution_minutes", resolution_seconds)):
        if not 1 <= seconds <= MAX_TARGET_SECONDS:
            errors[field] = ["Give at least one second (1/60 minute) and at most 365 days."]
    if calendar not in CALENDARS:
        errors["calendar"] = [f"Unknown calendar; choose one of {', '.join(CALENDARS)}."]
    if not errors and response_seconds > resolution_seconds:
        errors["response_minutes"] = ["The response target cannot be longer than the "
                                      "resolution target."]
    return errors


# --- KPIs ---

def outcome(snapshot: Snapshot, target: str, now: datetime) -> str:
    """met / breached once known (an open target past its due time can only be breached),
    pending while it still may be met."""
    state = snapshot.target_state(target, now)
    if state == SlaState.MET:
        return "met"
    return "breached" if state == SlaState.BREACHED else "pending"


def kpi(clocks: list[tuple[int | None, Snapshot]], now: datetime) -> dict:
    """Met/breached counts and the share met, per priority and overall, for both targets."""
    empty = {"met": 0, "breached": 0, "pending": 0}
    table = {p: {t: dict(empty) for t in TARGETS} for p in PRIORITIES}
    for priority, snapshot in clocks:
        for target in TARGETS:
            table[effective_priority(priority)][target][outcome(snapshot, target, now)] += 1
    overall = {t: {k: sum(table[p][t][k] for p in PRIORITIES) for k in empty} for t in TARGETS}
    return {"priorities": [{"priority": p, **{t: _shares(table[p][t]) for t in TARGETS}}
                           for p in PRIORITIES],
            "all": {t: _shares(overall[t]) for t in TARGETS}}


def _shares(counts: dict) -> dict:
    decided = counts["met"] + counts["breached"]
    return {**counts, "total": decided + counts["pending"],
            "met_share": round(counts["met"] / decided, 4) if decided else None,
            "breached_share": round(counts["breached"] / decided, 4) if decided else None}
