"""The report's period: dates are whole office days (Asia/Jakarta, `to` included), moments
with an offset are exact (`to` excluded); without them, this month so far."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from servicedesk_common.errors import Invalid

OFFICE = ZoneInfo("Asia/Jakarta")
MAX_DAYS = 400
FORMAT_HELP = "Give a date (2026-01-31) or a moment with an offset (2026-01-31T08:00:00+07:00)."


@dataclass(frozen=True)
class Period:
    start: datetime  # aware, UTC, included
    end: datetime    # aware, UTC, excluded

    @property
    def first_day(self) -> date:
        return self.start.astimezone(OFFICE).date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).astimezone(OFFICE).date()

    def query(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def days(self) -> list[date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=n) for n in range(count)]


def _read(raw: str, name: str) -> date | datetime:
    try:
        value = date.fromisoformat(raw) if len(raw) == 10 else datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid(FORMAT_HELP, field=name) from None
    if isinstance(value, datetime) and value.tzinfo is None:
        raise Invalid("Give the moment's offset, e.g. +07:00 or Z.", field=name)
    return value


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, OFFICE).astimezone(UTC)


def parse(raw_from: str | None, raw_to: str | None, *, now: datetime) -> Period:
    today = now.astimezone(OFFICE).date()
    start = _read(raw_from.strip(), "from") if raw_from and raw_from.strip() \
        else today.replace(day=1)
    end = _read(raw_to.strip(), "to") if raw_to and raw_to.strip() else today
    start = start.astimezone(UTC) if isinstance(start, datetime) else _start_of(start)
    end = end.astimezone(UTC) if isinstance(end, datetime) else _start_of(
        end + timedelta(days=1))
    if end <= start:
        raise Invalid("The period must end after it starts.", field="to")
    if end - start > timedelta(days=MAX_DAYS):
        raise Invalid(f"Ask for at most {MAX_DAYS} days at a time.", field="to")
    return Period(start, end)


def month(year: int, month_number: int) -> Period:
    first = date(year, month_number, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(_start_of(first), _start_of(following))


def previous_month(period: Period) -> Period:
    before = period.first_day - timedelta(days=1)
    return month(before.year, before.month)
