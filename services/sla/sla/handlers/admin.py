"""An admin's commands: policies, per-service overrides, calendar closed dates."""
from __future__ import annotations

from datetime import UTC, date, datetime

from servicedesk_common.errors import Conflict, Invalid, NotFound

from ..adapters import facts_of
from ..calendar import ALWAYS_OPEN
from ..domain.policies import CALENDARS, PRIORITIES, Policy, check_targets, service_code
from ..models import ClosedDate
from .clocks import settle


def now() -> datetime:
    return datetime.now(UTC)


def require_priority(priority: int) -> int:
    if priority not in PRIORITIES:
        raise NotFound(f"No priority {priority}: priorities are 1, 2 and 3.")
    return priority


def require_calendar(name: str) -> str:
    if name not in CALENDARS:
        raise NotFound(f"No calendar {name!r}: calendars are {', '.join(CALENDARS)}.")
    return name


def put_policy(data: dict, *, priority: int, service: str | None = None, by: str,
               uow) -> Policy:
    """Set a priority's policy, or a service's override of it. Open clocks keep the targets
    they were given; clocks started or re-targeted from now on get these."""
    require_priority(priority)
    # Checked before rounding: a huge float times 60 is infinity, which round() refuses.
    response, resolution = data["response_minutes"] * 60, data["resolution_minutes"] * 60
    errors = check_targets(response, resolution, data["calendar"])
    if service is not None and service_code(service) is None:
        errors["service"] = ["Name the service (as in the catalog)."]
    if errors:
        raise Invalid("The policy is not valid: " + ", ".join(sorted(errors)) + ".",
                      details=errors)
    response, resolution = round(response), round(resolution)
    policy = Policy(priority=priority, response_seconds=response, resolution_seconds=resolution,
                    calendar=data["calendar"], service=service_code(service),
                    service_name=service.strip() if service else None)
    uow.policies.put(policy, by=by, at=now())
    return policy


def delete_override(*, priority: int, service: str, uow) -> None:
    require_priority(priority)
    if not uow.policies.delete_override(priority=priority, service=service_code(service) or ""):
        raise NotFound(f"No override of priority {priority} for service {service!r}.")


def add_closed_date(name: str, *, day: date, reason: str | None, by: str,
                    uow) -> tuple[ClosedDate, int]:
    """Close a date (collective leave): open clocks on the calendar get their due times again.
    Returns the new entry and how many clocks were recomputed."""
    require_calendar(name)
    if name == ALWAYS_OPEN:
        raise Conflict("The 24x7 calendar never closes; add closed dates to the office "
                       "calendar.")
    if uow.calendars.closed_date(name, day) is not None:
        raise Conflict(f"{day.isoformat()} is already a closed date of the {name} calendar.")
    row = ClosedDate(calendar=name, day=day, reason=reason, added_by=by, added_at=now())
    uow.calendars.add_closed_date(row)
    return row, recompute_calendar(name, uow=uow)


def remove_closed_date(name: str, *, day: date, uow) -> int:
    require_calendar(name)
    row = uow.calendars.closed_date(name, day)
    if row is None:
        raise NotFound(f"{day.isoformat()} is not a closed date of the {name} calendar.")
    uow.calendars.remove_closed_date(row)
    return recompute_calendar(name, uow=uow)


def recompute_calendar(name: str, *, uow) -> int:
    """Every open clock on the calendar, rebuilt in this transaction (the same unit of work
    commits the change of the calendar, the new due times and their sla.updated events)."""
    rows = uow.clocks.open_on_calendar(name)
    moment = now()
    with uow.session.no_autoflush:  # the clocks' updates go as one batch at commit
        events = [event for row in rows
                  for event in settle(row, facts_of(row), uow=uow, at=moment)]
    uow.outbox.add_many(events)
    return len(rows)
