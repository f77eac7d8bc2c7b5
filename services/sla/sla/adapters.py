"""Sla's unit of work and repositories: the only place that knows the tables."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from servicedesk_common.db import UnitOfWork

from .calendar import ALWAYS_OPEN, BusinessCalendar, always_open, office_calendar
from .domain.policies import Policy, choose, default_policies
from .domain.replay import Fact
from .domain.snapshot import ALARM_KEYS, Snapshot
from .models import ClockRow, ClosedDate, PolicyRow

SNAPSHOT_COLUMNS = Snapshot.field_names()


def snapshot_of(row) -> Snapshot | None:
    """The stored snapshot of a clock row (ORM object or Core row); None before it started."""
    if row.started_at is None or row.response_due_at is None:
        return None
    return Snapshot(**{name: getattr(row, name) for name in SNAPSHOT_COLUMNS})


def store_snapshot(row: ClockRow, snapshot: Snapshot) -> None:
    for name in SNAPSHOT_COLUMNS:
        setattr(row, name, getattr(snapshot, name))


def sent_of(row) -> frozenset[str]:
    return frozenset(key for key in ALARM_KEYS if getattr(row, key))


def store_sent(row: ClockRow, sent: frozenset[str]) -> None:
    for key in ALARM_KEYS:
        setattr(row, key, key in sent)


def facts_of(row: ClockRow) -> list[Fact]:
    return [Fact.from_json(data) for data in row.facts or []]


def _locking(session, query):
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


class Clocks:
    def __init__(self, session):
        self.session = session

    def get(self, number: str) -> ClockRow | None:
        return self.session.get(ClockRow, number)

    def get_for_update(self, number: str) -> ClockRow | None:
        query = _locking(self.session, select(ClockRow).where(ClockRow.number == number))
        return self.session.execute(query).scalar_one_or_none()

    def ensure(self, number: str) -> ClockRow:
        """The ticket's clock row, locked; created empty if no event of it came before.
        Concurrent first events of one ticket do not collide: insert-if-missing, then lock."""
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        self.session.execute(insert(ClockRow).values(number=number, facts=[])
                             .on_conflict_do_nothing(index_elements=["number"]))
        return self.get_for_update(number)

    def page(self, *, states: list[str] | None, priority: int | None, group: str | None,
             assignee: str | None, page: int, per_page: int) -> tuple[list[ClockRow], int]:
        query = select(ClockRow).where(ClockRow.started_at.is_not(None),
                                       ClockRow.state.is_not(None))
        if states:
            query = query.where(ClockRow.state.in_(states))
        if priority is not None:
            query = query.where(ClockRow.priority == priority)
        if group:
            query = query.where(ClockRow.group == group)
        if assignee:
            query = query.where(ClockRow.assignee == assignee)
        total = self.session.execute(
            select(func.count()).select_from(query.subquery())).scalar_one()
        rows = self.session.execute(query.order_by(ClockRow.started_at, ClockRow.number)
                                    .offset((page - 1) * per_page).limit(per_page)).scalars()
        return list(rows), total

    def open_on_calendar(self, calendar: str) -> list[ClockRow]:
        """Started clocks on a calendar with a target still undecided, locked."""
        query = select(ClockRow).where(
            ClockRow.calendar == calendar, ClockRow.started_at.is_not(None),
            (ClockRow.responded_at.is_(None)) | (ClockRow.resolved_at.is_(None)))
        return list(self.session.execute(_locking(self.session, query)).scalars())

    def started_between(self, start: datetime, end: datetime) -> list[ClockRow]:
        query = select(ClockRow).where(ClockRow.started_at >= start, ClockRow.started_at < end,
                                       ClockRow.response_due_at.is_not(None))
        return list(self.session.execute(query).scalars())


class Policies:
    def __init__(self, session):
        self.session = session

    def _rows(self) -> list[PolicyRow]:
        return list(self.session.execute(
            select(PolicyRow).order_by(PolicyRow.service, PolicyRow.priority)).scalars())

    def defaults(self) -> dict[int, Policy]:
        policies = default_policies()
        for row in self._rows():
            if row.service == "":
                policies[row.priority] = _policy(row)
        return policies

    def overrides(self) -> list[Policy]:
        return [_policy(row) for row in self._rows() if row.service != ""]

    def choose(self, *, priority: int | None, service: str | None) -> Policy:
        return choose(self.defaults(), self.overrides(), priority=priority, service=service)

    def put(self, policy: Policy, *, by: str, at: datetime) -> None:
        key = policy.service or ""
        row = self.session.execute(select(PolicyRow).where(
            PolicyRow.priority == policy.priority, PolicyRow.service == key)).scalar_one_or_none()
        if row is None:
            row = PolicyRow(priority=policy.priority, service=key)
            self.session.add(row)
        row.service_name = policy.service_name
        row.response_seconds, row.resolution_seconds = (policy.response_seconds,
                                                        policy.resolution_seconds)
        row.calendar, row.changed_by, row.changed_at = policy.calendar, by, at
        self.session.flush()

    def delete_override(self, *, priority: int, service: str) -> bool:
        row = self.session.execute(select(PolicyRow).where(
            PolicyRow.priority == priority, PolicyRow.service == service)).scalar_one_or_none()
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        return True


def _policy(row: PolicyRow) -> Policy:
    return Policy(priority=row.priority, response_seconds=row.response_seconds,
                  resolution_seconds=row.resolution_seconds, calendar=row.calendar,
                  service=row.service or None, service_name=row.service_name)


class Calendars:
    def __init__(self, session):
        self.session = session
        self._built: dict[str, BusinessCalendar] = {}

    def closed_dates(self, name: str | None = None) -> list[ClosedDate]:
        query = select(ClosedDate).order_by(ClosedDate.calendar, ClosedDate.day)
        if name is not None:
            query = query.where(ClosedDate.calendar == name)
        return list(self.session.execute(query).scalars())

    def get(self, name: str) -> BusinessCalendar:
        """The calendar as it is now, with the closed dates an admin added (once per unit of
        work: a recomputation of many clocks reads the table once)."""
        if name not in self._built:
            if name == ALWAYS_OPEN:
                self._built[name] = always_open()
            else:
                self._built[name] = office_calendar(
                    extra_closed_dates=[row.day for row in self.closed_dates(name)])
        return self._built[name]

    def closed_date(self, name: str, day: date) -> ClosedDate | None:
        return self.session.execute(select(ClosedDate).where(
            ClosedDate.calendar == name, ClosedDate.day == day)).scalar_one_or_none()

    def add_closed_date(self, row: ClosedDate) -> None:
        self.session.add(row)
        self.session.flush()
        self._built.pop(row.calendar, None)

    def remove_closed_date(self, row: ClosedDate) -> None:
        self.session.delete(row)
        self.session.flush()
        self._built.pop(row.calendar, None)


class SlaUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        self.clocks = Clocks(self.session)
        self.policies = Policies(self.session)
        self.calendars = Calendars(self.session)
