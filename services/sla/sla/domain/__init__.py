"""SLA rules, pure: no Flask, SQLAlchemy or pika.

clock     targets per priority and the per-ticket clock (the rules of DOMAIN.md)
replay    the facts a ticket's events told, in any order -> one clock
snapshot  what a clock says, stored per ticket; its state at any later moment without a calendar
alarms    which events to emit once: started, responded, at_risk, breached, met
policies  policies per priority and per-service overrides; met/breached counts for the KPIs
"""

from sla.domain.clock import (
    DEFAULT_POLICY,
    DONE_UNTIL_REOPENED,
    HOLD_REASONS,
    HOUR,
    SEVERITY,
    WARNING_SHARE,
    WORKING_DAY,
    Clock,
    Deadlines,
    Pause,
    Priority,
    SlaState,
    TargetReport,
    Targets,
    targets_for,
)

__all__ = [
    "DEFAULT_POLICY", "DONE_UNTIL_REOPENED", "HOLD_REASONS", "HOUR", "SEVERITY", "WARNING_SHARE",
    "WORKING_DAY", "Clock", "Deadlines", "Pause", "Priority", "SlaState", "TargetReport",
    "Targets", "targets_for",
]
