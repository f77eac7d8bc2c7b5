import time as timer
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.calendar import BusinessCalendar, always_open, office_calendar

WIB = ZoneInfo("Asia/Jakarta")
MINUTE = timedelta(minutes=1)
HOUR = 3600


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture(scope="module")
def office():
    return office_calendar(years=[2026])


# --- the DOMAIN.md examples ---


def test_ten_working_minutes_from_friday_1555_end_monday_0805(office):
    assert office.add_working_time(wib(2026, 1, 9, 15, 55), 600) == wib(2026, 1, 12, 8, 5)


def test_target_running_out_at_closing_is_due_at_1600_not_next_opening(office):
    assert office.add_working_time(wib(2026, 1, 12, 8, 0), 8 * HOUR) == wib(2026, 1, 12, 16, 0)
    assert office.add_working_time(wib(2026, 1, 9, 15, 0), HOUR) == wib(2026, 1, 9, 16, 0)


def test_start_on_saturday_counts_from_monday_0800(office):
    assert office.add_working_time(wib(2026, 1, 10, 11, 30), 600) == wib(2026, 1, 12, 8, 10)


def test_start_after_closing_counts_from_next_morning(office):
    assert office.add_working_time(wib(2026, 1, 13, 19, 0), HOUR) == wib(2026, 1, 14, 9, 0)


def test_start_before_opening_counts_from_0800(office):
    assert office.add_working_time(wib(2026, 1, 13, 6, 0), HOUR) == wib(2026, 1, 13, 9, 0)


def test_independence_day_2026_08_17_is_skipped(office):
    assert office.is_closed(date(2026, 8, 17))
    assert office.add_working_time(wib(2026, 8, 14, 15, 55), 600) == wib(2026, 8, 18, 8, 5)


# --- holidays and closed dates ---


def test_holidays_of_years_not_preloaded_are_still_closed():
    calendar = office_calendar(years=[2026])
    assert calendar.is_closed(date(2041, 8, 17))
    assert not calendar.is_closed(date(2041, 8, 16))
    # Friday 2037-08-14 15:55 + 10 minutes: Monday 2037-08-17 is Independence Day.
    due = calendar.add_working_time(wib(2037, 8, 14, 15, 55), 600)
    assert due == wib(2037, 8, 18, 8, 5)


def test_a_computation_crossing_new_year_skips_next_years_new_years_day():
    calendar = office_calendar(years=[2026])
    # Thursday 2026-12-31 15:00 + 2h: 1h on Thursday, Friday 2027-01-01 is New Year's Day.
    assert calendar.add_working_time(wib(2026, 12, 31, 15, 0), 2 * HOUR) == wib(2027, 1, 4, 9, 0)


def test_collective_leave_added_by_admin_is_skipped():
    calendar = office_calendar(years=[2026], extra_closed_dates=[date(2026, 1, 12)])
    assert calendar.add_working_time(wib(2026, 1, 9, 15, 55), 600) == wib(2026, 1, 13, 8, 5)


def test_weekend_is_not_working_time_but_weekday_hours_are(office):
    assert office.is_working_time(wib(2026, 1, 12, 8, 0))
    assert not office.is_working_time(wib(2026, 1, 12, 16, 0))
    assert not office.is_working_time(wib(2026, 1, 10, 10, 0))


# --- zero, boundaries and input checks ---


def test_zero_seconds_in_working_time_is_the_start_itself(office):
    start = wib(2026, 1, 12, 10, 17, 3)
    assert office.add_working_time(start, 0) == start


def test_zero_seconds_outside_working_time_is_the_next_opening(office):
    assert office.add_working_time(wib(2026, 1, 9, 16, 0), 0) == wib(2026, 1, 12, 8, 0)


def test_result_is_in_utc(office):
    due = office.add_working_time(wib(2026, 1, 12, 8, 0), 60)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 1, 12, 1, 1, tzinfo=UTC)


def test_negative_working_time_is_refused(office):
    with pytest.raises(ValueError, match="negative"):
        office.add_working_time(wib(2026, 1, 12, 8, 0), -1)


def test_naive_datetimes_are_refused(office):
    with pytest.raises(ValueError, match="timezone-aware"):
        office.add_working_time(datetime(2026, 1, 12, 8, 0), 60)
    with pytest.raises(ValueError, match="timezone-aware"):
        office.working_seconds_between(wib(2026, 1, 12), datetime(2026, 1, 13))


def test_working_seconds_over_a_weekend_count_only_working_hours(office):
    assert office.working_seconds_between(wib(2026, 1, 9, 15, 0), wib(2026, 1, 12, 9, 0)) == (
        2 * HOUR
    )


def test_working_seconds_of_an_empty_or_reversed_range_are_zero(office):
    moment = wib(2026, 1, 12, 10, 0)
    assert office.working_seconds_between(moment, moment) == 0
    assert office.working_seconds_between(moment, moment - MINUTE) == 0


def test_working_intervals_list_each_open_stretch_in_utc(office):
    intervals = office.working_intervals(wib(2026, 1, 9, 15, 0), wib(2026, 1, 12, 9, 30))
    assert intervals == [
        (wib(2026, 1, 9, 15, 0), wib(2026, 1, 9, 16, 0)),
        (wib(2026, 1, 12, 8, 0), wib(2026, 1, 12, 9, 30)),
    ]
    assert all(s.tzinfo is UTC and e.tzinfo is UTC for s, e in intervals)


def test_always_open_calendar_adds_wall_clock_time_and_merges_days():
    calendar = always_open()
    start = datetime(2026, 1, 9, 15, 55, 7, tzinfo=UTC)
    assert calendar.name == "24x7"
    assert calendar.add_working_time(start, 3 * 86400 + 5) == start + timedelta(days=3, seconds=5)
    assert calendar.working_intervals(start, start + timedelta(days=3)) == [
        (start, start + timedelta(days=3))
    ]


def test_split_shift_and_midnight_end_are_honoured():
    calendar = BusinessCalendar(
        name="split",
        weekly_hours={0: [(time(13), time(0)), (time(8), time(12))]},
        closed_dates=frozenset(),
    )
    monday = wib(2026, 1, 12, 11, 0)
    assert calendar.add_working_time(monday, 2 * HOUR) == wib(2026, 1, 12, 14, 0)
    assert calendar.add_working_time(monday, 12 * HOUR) == wib(2026, 1, 13, 0, 0)
    assert calendar.add_working_time(monday, 12 * HOUR + 1) == wib(2026, 1, 19, 8, 0, 1)


def test_calendar_without_any_working_hours_is_refused():
    with pytest.raises(ValueError, match="at least one working interval"):
        BusinessCalendar(name="never", weekly_hours={})


def test_overlapping_or_backwards_hours_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar(name="x", weekly_hours={0: [(time(8), time(12)), (time(11), time(13))]})
    with pytest.raises(ValueError, match="end after they start"):
        BusinessCalendar(name="x", weekly_hours={0: [(time(12), time(8))]})


def test_unknown_timezone_is_refused():
    with pytest.raises(ValueError, match="timezone"):
        BusinessCalendar(name="x", weekly_hours={0: [(time(8), time(9))]}, timezone="Mars/Olympus")


def test_no_working_time_for_ten_years_raises_instead_of_looping():
    closed = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(11 * 366))
    calendar = BusinessCalendar(name="closed", weekly_hours={0: [(time(8), time(9))]},
                                closed_dates=closed)
    with pytest.raises(ValueError, match="no working time"):
        calendar.add_working_time(wib(2026, 1, 1), 60)


def test_three_years_of_working_time_is_found_and_counted_back(office):
    start = wib(2026, 1, 5, 8, 0)
    seconds = 3 * 240 * 8 * HOUR
    due = office.add_working_time(start, seconds)
    assert date(2028, 1, 1) < due.date() < date(2029, 12, 31)
    assert office.working_seconds_between(start, due) == seconds


def test_a_six_day_target_is_computed_in_well_under_a_millisecond(office):
    start = wib(2026, 3, 16, 9, 0)
    began = timer.perf_counter()
    for _ in range(200):
        office.add_working_time(start, 6 * 8 * HOUR)
    assert (timer.perf_counter() - began) / 200 < 0.001


# --- reference: a deliberately simple minute-by-minute model ---


@dataclass
class Spec:
    """A calendar as the reference sees it: minute-of-day ranges per weekday, closed dates."""

    zone: ZoneInfo
    hours: dict[int, list[tuple[int, int]]]
    closed: set[date] = field(default_factory=set)

    def is_working_minute(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        if local.date() in self.closed:
            return False
        return any(start <= minute < end for start, end in self.hours.get(local.weekday(), []))


REFERENCE_LIMIT = 60 * 24 * 120  # minutes; no example needs more than four months


def reference_add(spec: Spec, start: datetime, minutes: int) -> datetime:
    moment, counted = start, 0
    for _ in range(REFERENCE_LIMIT):
        if spec.is_working_minute(moment):
            if counted == minutes:
                return moment
            counted += 1
            if counted == minutes:
                return moment + MINUTE
        moment += MINUTE
    raise AssertionError("reference gave up")


def reference_between(spec: Spec, a: datetime, b: datetime) -> int:
    count, moment = 0, a
    while moment < b:
        count += spec.is_working_minute(moment)
        moment += MINUTE
    return count


ID_HOLIDAYS = set(holidays.country_holidays("ID", years=range(2025, 2030)))
OFFICE_SPEC_HOURS = {weekday: [(8 * 60, 16 * 60)] for weekday in range(5)}


def minute_moments(first: datetime, last: datetime):
    span = int((last - first) / MINUTE)
    return st.integers(0, span).map(lambda n: (first + n * MINUTE).astimezone(UTC))


starts_2026_2027 = minute_moments(wib(2026, 1, 1), wib(2027, 12, 20))
closed_offsets = st.sets(st.integers(-1, 14), max_size=4)


def office_with_closures(start: datetime, offsets) -> tuple[BusinessCalendar, Spec]:
    extra = {start.astimezone(WIB).date() + timedelta(days=n) for n in offsets}
    spec = Spec(WIB, OFFICE_SPEC_HOURS, ID_HOLIDAYS | extra)
    return office_calendar(extra_closed_dates=extra), spec


@settings(max_examples=150, deadline=None)
@given(start=starts_2026_2027, minutes=st.integers(0, 3 * 480), offsets=closed_offsets)
def test_add_working_time_matches_minute_by_minute_reference(start, minutes, offsets):
    calendar, spec = office_with_closures(start, offsets)
    assert calendar.add_working_time(start, minutes * 60) == reference_add(spec, start, minutes)


@settings(max_examples=150, deadline=None)
@given(a=starts_2026_2027, length=st.integers(0, 60 * 24 * 10), offsets=closed_offsets)
def test_working_seconds_between_match_minute_by_minute_reference(a, length, offsets):
    calendar, spec = office_with_closures(a, offsets)
    b = a + length * MINUTE
    assert calendar.working_seconds_between(a, b) == 60 * reference_between(spec, a, b)


QUARTERS = 96


@st.composite
def weekly_hours(draw, earliest_quarter=0):
    """Random working hours on a quarter-hour grid: up to two intervals per weekday."""
    week = {}
    for weekday in range(7):
        bounds = sorted(draw(st.sets(st.integers(earliest_quarter, QUARTERS), max_size=4)))
        pairs = list(zip(bounds[::2], bounds[1::2], strict=False))
        if pairs:
            week[weekday] = [(a * 15, b * 15) for a, b in pairs]
    assume(week)
    return week


def as_calendar(name: str, zone: str, week: dict, closed=frozenset()) -> BusinessCalendar:
    def clock_time(minute: int) -> time:
        return time(0) if minute == 24 * 60 else time(minute // 60, minute % 60)

    hours = {d: [(clock_time(a), clock_time(b)) for a, b in spans] for d, spans in week.items()}
    return BusinessCalendar(name=name, weekly_hours=hours, timezone=zone, closed_dates=closed)


def weekly_minutes(week: dict) -> int:
    return sum(b - a for spans in week.values() for a, b in spans)


@settings(max_examples=100, deadline=None)
@given(week=weekly_hours(), start=starts_2026_2027, data=st.data())
def test_random_weekly_hours_match_reference(week, start, data):
    minutes = data.draw(st.integers(0, 2 * weekly_minutes(week)), label="minutes")
    closed = {start.astimezone(WIB).date() + timedelta(days=n) for n in data.draw(closed_offsets)}
    calendar = as_calendar("random", "Asia/Jakarta", week, frozenset(closed))
    spec = Spec(WIB, week, closed)
    due = calendar.add_working_time(start, minutes * 60)
    assert due == reference_add(spec, start, minutes)
    assert calendar.working_seconds_between(start, due) == 60 * reference_between(spec, start, due)


BERLIN = ZoneInfo("Europe/Berlin")
around_dst_changes = st.one_of(
    minute_moments(datetime(2026, 3, 22, tzinfo=BERLIN), datetime(2026, 3, 30, tzinfo=BERLIN)),
    minute_moments(datetime(2026, 10, 18, tzinfo=BERLIN), datetime(2026, 10, 26, tzinfo=BERLIN)),
)


@settings(max_examples=100, deadline=None)
@given(week=weekly_hours(earliest_quarter=16), start=around_dst_changes, data=st.data())
def test_hours_in_a_daylight_saving_zone_match_reference(week, start, data):
    # Hours start at 04:00 or later: local times inside a DST jump are not part of the model.
    minutes = data.draw(st.integers(0, 2 * weekly_minutes(week)), label="minutes")
    calendar = as_calendar("berlin", "Europe/Berlin", week)
    spec = Spec(BERLIN, week)
    due = calendar.add_working_time(start, minutes * 60)
    assert due == reference_add(spec, start, minutes)
    end = start + timedelta(days=8)
    assert calendar.working_seconds_between(start, end) == 60 * reference_between(spec, start, end)


# --- properties that need no reference ---

any_moment = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2028, 6, 1), timezones=st.just(UTC)
)


@given(start=any_moment, seconds=st.floats(0, 10 * 8 * HOUR).map(lambda s: round(s, 6)))
def test_working_time_counted_back_from_the_due_moment_is_the_target(office, start, seconds):
    due = office.add_working_time(start, seconds)
    assert office.working_seconds_between(start, due) == pytest.approx(seconds, abs=1e-6)
    assert due >= start


@given(start=any_moment, seconds=st.integers(1, 10 * 8 * HOUR))
def test_due_moment_is_inside_working_hours_or_at_closing(office, start, seconds):
    due = office.add_working_time(start, seconds)
    assert office.is_working_time(due - timedelta(microseconds=1))
    assert office.working_seconds_between(start, due - timedelta(seconds=1)) < seconds


@given(start=any_moment, a=st.integers(0, 5 * 8 * HOUR), b=st.integers(1, 5 * 8 * HOUR))
def test_adding_working_time_in_two_steps_equals_one_step(office, start, a, b):
    # b > 0: zero seconds from a closing time moves to the next opening, by design.
    assert office.add_working_time(office.add_working_time(start, a), b) == (
        office.add_working_time(start, a + b)
    )


@given(a=any_moment, b=any_moment, c=any_moment)
def test_working_seconds_add_up_over_adjacent_ranges(office, a, b, c):
    a, b, c = sorted([a, b, c])
    assert office.working_seconds_between(a, c) == pytest.approx(
        office.working_seconds_between(a, b) + office.working_seconds_between(b, c), abs=1e-6
    )


@given(a=any_moment, length=st.timedeltas(timedelta(0), timedelta(days=40)))
def test_working_intervals_are_ordered_disjoint_and_sum_to_working_seconds(office, a, length):
    b = a + length
    intervals = office.working_intervals(a, b)
    assert sum((e - s).total_seconds() for s, e in intervals) == pytest.approx(
        office.working_seconds_between(a, b), abs=1e-6
    )
    bounds = [moment for interval in intervals for moment in interval]
    assert bounds == sorted(bounds) and len(set(bounds)) == len(bounds)
    assert all(a <= s < e <= b for s, e in intervals)
    assert all(office.is_working_time(s) for s, _ in intervals)


@given(start=any_moment, seconds=st.integers(0, 30 * 86400))
def test_always_open_calendar_is_wall_clock_time(start, seconds):
    assert always_open().add_working_time(start, seconds) == start + timedelta(seconds=seconds)
