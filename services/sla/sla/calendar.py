"""Business calendars: when the SLA clocks run.

Moments going in and out are timezone-aware datetimes, returned in UTC; the calendar's own
timezone is used only to decide which local hours are working hours.

Working time is half-open: 08:00-16:00 includes 08:00 and excludes 16:00.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

JAKARTA = "Asia/Jakarta"
OFFICE = "office"
ALWAYS_OPEN = "24x7"
MIDNIGHT = time(0)
ONE_DAY = timedelta(days=1)
# A search for working time gives up after this many consecutive closed days (about 10 years).
MAX_CLOSED_DAYS = 3653
# Local dates whose working spans a calendar remembers (a calendar lives as long as the policies
# and closed dates it was built from: the days its clocks reach, a few years' worth at most).
REMEMBERED_DAYS = 4096

OFFICE_HOURS = {weekday: ((time(8), time(16)),) for weekday in range(5)}
ALL_DAY = {weekday: ((MIDNIGHT, MIDNIGHT),) for weekday in range(7)}

Span = tuple[datetime, datetime]
DayHours = tuple[tuple[time, time], ...]


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekly working hours in local time, minus closed dates.

    `weekly_hours` maps a weekday (Monday 0 .. Sunday 6) to (start, end) local times; an end of
    00:00 means midnight at the end of that day. It is stored as a 7-tuple indexed by weekday.
    A date is closed when it is in `closed_dates` or a national holiday of `holiday_country`
    (looked up per year on demand, so any year a computation reaches is covered).
    """

    name: str
    weekly_hours: tuple[DayHours, ...] | Mapping[int, Sequence[tuple[time, time]]]
    timezone: str = JAKARTA
    closed_dates: frozenset[date] = field(default_factory=frozenset)
    holiday_country: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekly_hours", _normalised_week(self.weekly_hours))
        object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))
        _require_zone(self.timezone)
        # not fields: the zone, and the working spans of the local dates already asked about
        object.__setattr__(self, "_zone", ZoneInfo(self.timezone))
        object.__setattr__(self, "_spans_by_day", {})

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def is_closed(self, day: date) -> bool:
        """True on a closed date or national holiday (working hours or not)."""
        if day in self.closed_dates:
            return True
        return self.holiday_country is not None and day in _national_holidays(
            self.holiday_country, day.year
        )

    def is_working_time(self, moment: datetime) -> bool:
        moment = _as_utc(moment, "moment")
        return any(s <= moment < e for s, e in self._opening_hours_on(self._local_date(moment)))

    def add_working_time(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of working time after `start` have elapsed.

        A start outside working hours counts from the next opening. A target used up exactly at
        closing time is due at closing time, not at the next opening. Zero seconds gives `start`
        itself when it is working time, otherwise the next opening.
        """
        start = _as_utc(start, "start")
        remaining = _duration(seconds)
        for opening, closing in self._open_spans_from(start):
            if remaining <= closing - opening:
                return opening + remaining
            remaining -= closing - opening
        raise AssertionError("unreachable: _open_spans_from ends by raising")

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Working time in [a, b), in seconds; 0 when b is not after a."""
        total = sum((e - s for s, e in self._open_spans_within(a, b)), timedelta())
        return total.total_seconds()

    def working_intervals(self, a: datetime, b: datetime) -> list[Span]:
        """The working time in [a, b) as sorted, disjoint, non-touching UTC intervals."""
        return _merged(self._open_spans_within(a, b))

    def _open_spans_from(self, start: datetime) -> Iterator[Span]:
        day, closed_days = self._local_date(start), 0
        while closed_days <= MAX_CLOSED_DAYS:
            spans = self._opening_hours_on(day)
            closed_days = 0 if spans else closed_days + 1
            yield from ((max(s, start), e) for s, e in spans if e > start)
            day += ONE_DAY
        raise ValueError(
            f"calendar {self.name!r} has no working time in the ten years after "
            f"{start.isoformat()}; give it working hours or fewer closed dates"
        )

    def _open_spans_within(self, a: datetime, b: datetime) -> Iterator[Span]:
        a, b = _as_utc(a, "a"), _as_utc(b, "b")
        day, last_day = self._local_date(a), self._local_date(b)
        while day <= last_day:
            for s, e in self._opening_hours_on(day):
                s, e = max(s, a), min(e, b)
                if s < e:
                    yield s, e
            day += ONE_DAY

    def _opening_hours_on(self, day: date) -> tuple[Span, ...]:
        """The working spans of one local date, in UTC; empty on a closed date."""
        spans = self._spans_by_day.get(day)
        if spans is None:
            if len(self._spans_by_day) >= REMEMBERED_DAYS:
                self._spans_by_day.clear()
            spans = self._spans_by_day[day] = tuple(self._working_spans_on(day))
        return spans

    def _working_spans_on(self, day: date) -> list[Span]:
        if self.is_closed(day):
            return []
        zone = self.zone
        spans = []
        for start, end in self.weekly_hours[day.weekday()]:
            end_day = day + ONE_DAY if end == MIDNIGHT else day
            opening = datetime.combine(day, start, zone).astimezone(UTC)
            closing = datetime.combine(end_day, end, zone).astimezone(UTC)
            if opening < closing:  # a span swallowed by a daylight-saving jump is skipped
                spans.append((opening, closing))
        return spans

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def office_calendar(
    years: Iterable[int] = (), extra_closed_dates: Iterable[date] = ()
) -> BusinessCalendar:
    """Monday-Friday 08:00-16:00 WIB, minus Indonesian national holidays and `extra_closed_dates`
    (collective leave an admin adds). `years` are loaded now; other years load when reached."""
    for year in years:
        _national_holidays("ID", year)
    return BusinessCalendar(
        name=OFFICE,
        weekly_hours=OFFICE_HOURS,
        closed_dates=frozenset(extra_closed_dates),
        holiday_country="ID",
    )


def always_open() -> BusinessCalendar:
    """The `24x7` calendar: every moment is working time."""
    return BusinessCalendar(name=ALWAYS_OPEN, weekly_hours=ALL_DAY, timezone="UTC")


@cache
def _national_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


def _normalised_week(weekly_hours) -> tuple[DayHours, ...]:
    if isinstance(weekly_hours, Mapping):
        unknown = set(weekly_hours) - set(range(7))
        if unknown:
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), not {sorted(unknown)}")
        weekly_hours = [weekly_hours.get(weekday, ()) for weekday in range(7)]
    week = tuple(_normalised_day(hours) for hours in weekly_hours)
    if len(week) != 7:
        raise ValueError(f"weekly hours need 7 weekdays, got {len(week)}")
    if not any(week):
        raise ValueError("a calendar needs at least one working interval in the week")
    return week


def _normalised_day(hours: Sequence[tuple[time, time]]) -> DayHours:
    day = tuple(sorted((start, end) for start, end in hours))
    previous_end = 0
    for start, end in day:
        opens, closes = _second_of_day(start), _second_of_day(end, closing=True)
        if opens < previous_end or closes <= opens:
            raise ValueError(
                f"working hours {start:%H:%M}-{end:%H:%M} must end after they start and not "
                "overlap another interval of the same day (use 00:00 as the end for midnight)"
            )
        previous_end = closes
    return day


def _second_of_day(moment: time, *, closing: bool = False) -> int:
    if closing and moment == MIDNIGHT:
        return 86400
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _merged(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for s, e in spans:
        if merged and merged[-1][1] == s:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _duration(seconds: float) -> timedelta:
    if seconds < 0:
        raise ValueError(f"working time must not be negative, got {seconds} seconds")
    return timedelta(seconds=seconds)


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")
    return moment.astimezone(UTC)


def _require_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown IANA timezone {name!r}") from error
