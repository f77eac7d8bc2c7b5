"""How policies, calendars and clocks are shown: plain dicts for the schemas."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

import holidays

from ..calendar import ALWAYS_OPEN, BusinessCalendar
from ..domain.clock import Clock, TargetReport
from ..domain.policies import Policy
from ..domain.snapshot import RESOLUTION, RESPONSE

DESCRIPTIONS = {
    "office": "Monday-Friday 08:00-16:00 Asia/Jakarta (WIB), minus Indonesian national "
              "holidays and the closed dates an admin adds",
    ALWAYS_OPEN: "every hour of every day",
}
MAX_CLOSED_DAYS_SPAN = timedelta(days=731)


def policy_view(policy: Policy) -> dict:
    return {"name": policy.name, "priority": policy.priority, "service": policy.service,
            "service_name": policy.service_name, "calendar": policy.calendar,
            "response_minutes": policy.response_seconds / 60,
            "resolution_minutes": policy.resolution_seconds / 60}


def calendar_view(calendar: BusinessCalendar, closed_rows: list, *, year: int | None) -> dict:
    hours = [{"weekday": weekday, "opens": f"{start:%H:%M}", "closes": f"{end:%H:%M}"}
             for weekday, spans in enumerate(calendar.weekly_hours) for start, end in spans]
    view = {"name": calendar.name, "timezone": calendar.timezone,
            "description": DESCRIPTIONS.get(calendar.name, calendar.name), "hours": hours,
            "national_holidays": calendar.holiday_country, "closed_dates": closed_rows}
    if year is not None:
        view["closed_days"] = closed_days(calendar, closed_rows, date(year, 1, 1),
                                          date(year, 12, 31))
    return view


@cache
def _holiday_names(country: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays(country, years=year))


def closed_days(calendar: BusinessCalendar, closed_rows: list, first: date,
                last: date) -> list[dict]:
    """Days that would work by the weekly hours but do not, and why (weekends are left out)."""
    if calendar.name == ALWAYS_OPEN:
        return []
    reasons = {row.day: row.reason for row in closed_rows}
    days, day = [], first
    last = min(last, first + MAX_CLOSED_DAYS_SPAN)
    while day <= last:
        if calendar.weekly_hours[day.weekday()] and calendar.is_closed(day):
            if day in reasons:
                days.append({"date": day, "reason": reasons[day], "kind": "closed_date"})
            else:
                name = _holiday_names(calendar.holiday_country, day.year).get(day)
                days.append({"date": day, "reason": name, "kind": "national_holiday"})
        day += timedelta(days=1)
    return days


def _interval(calendar: BusinessCalendar, start: datetime, end: datetime) -> dict:
    zone = calendar.zone
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    end_format = "%H:%M:%S" if local_start.date() == local_end.date() else "%a %Y-%m-%d %H:%M:%S"
    local = (f"{local_start:%a %Y-%m-%d %H:%M:%S} - {local_end.strftime(end_format)} "
             f"{local_start.tzname()}")
    return {"start": start, "end": end, "minutes": round((end - start).total_seconds() / 60, 4),
            "local": local}


def _target(calendar: BusinessCalendar, report: TargetReport, met: bool | None) -> dict:
    return {"target_minutes": report.target_seconds / 60,
            "elapsed_minutes": round(report.elapsed_seconds / 60, 4),
            "remaining_minutes": round(max(0.0, report.target_seconds
                                           - report.elapsed_seconds) / 60, 4),
            "warning_at": report.warning_at, "due_at": report.due_at,
            "done_at": report.done_at, "state": report.state.value, "met": met,
            "counted": [_interval(calendar, s, e) for s, e in report.counted]}


def explain_view(row, clock: Clock, closed_rows: list, *, now: datetime) -> dict:
    """Why a ticket is due when it is: the working intervals charged to each target, the
    pauses not charged, and the working days the calendar skipped."""
    calendar = clock.calendar
    report = clock.explain(now)
    horizon = max([now] + [r.due_at for r in report.values() if r.due_at is not None])
    zone = calendar.zone
    return {
        "number": row.number, "priority": row.priority, "policy": row.policy,
        "calendar": calendar.name,
        "calendar_description": DESCRIPTIONS.get(calendar.name, calendar.name),
        "timezone": calendar.timezone, "started_at": clock.started_at, "now": now,
        "state": clock.state(now).value,
        "response": _target(calendar, report[RESPONSE], clock.response_met),
        "resolution": _target(calendar, report[RESOLUTION], clock.resolution_met),
        "pauses": [{"start": p.start, "end": p.end, "reason": p.reason} for p in clock.pauses],
        "closed_days": closed_days(calendar, closed_rows,
                                   clock.started_at.astimezone(zone).date(),
                                   horizon.astimezone(zone).date()),
    }

