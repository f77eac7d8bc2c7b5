"""Sla's unit of work and repositories: the only place that knows the tables."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from servicedesk_common.db import UnitOfWork
from servicedesk_common.revisions import RevisionCopies, new_revision

from .calendar import ALWAYS_OPEN, BusinessCalendar, always_open, office_calendar
from .domain.policies import CALENDARS, Policy, choose, default_policies
from .domain.replay import Fact
from .domain.snapshot import ALARM_KEYS, Snapshot
from .models import ClockRow, ClosedDate, PolicyRow, ReferenceRevision

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
    def __init__(self, session, reference: Reference):
        self.session = session
        self.reference = reference

    def get(self, number: str) -> ClockRow | None:
        return self.session.get(ClockRow, number)

    def get_for_update(self, number: str) -> ClockRow | None:
        query = _locking(self.session, select(ClockRow).where(ClockRow.number == number))
        return self.session.execute(query).scalar_one_or_none()

    def ensure(self, number: str) -> ClockRow:
        """The ticket's clock row, locked; created empty if no event of it came before.

        One round trip: INSERT .. ON CONFLICT DO UPDATE (a no-op update, which locks the row
        like FOR UPDATE) RETURNING the row, new or existing. Concurrent first events of one
        ticket do not collide: the second waits for the first and gets its row. The same
        statement reads the revision of the policies and calendars (see Reference), which
        rebuilding the clock needs next."""
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        statement = (insert(ClockRow).values(number=number, facts=[])
                     .on_conflict_do_update(index_elements=["number"],
                                            set_={"number": number})
                     .returning(ClockRow, REVISION.scalar_subquery()))
        row, revision = self.session.execute(
            statement, execution_options={"populate_existing": True}).one()
        self.reference.known(revision)
        return row

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


REVISION = select(ReferenceRevision.revision).where(ReferenceRevision.id == 1)


@dataclass(frozen=True)
class ReferenceData:
    """Policies and calendars (with their closed dates) as of one revision. Never changed once
    built, so the threads of a process share it."""

    defaults: dict[int, Policy]
    overrides: tuple[Policy, ...]
    calendars: dict[str, BusinessCalendar]

    def calendar(self, name: str) -> BusinessCalendar:
        built = self.calendars.get(name)
        return built if built is not None else _calendar(name, ())


def _calendar(name: str, closed: Iterable[date]) -> BusinessCalendar:
    if name == ALWAYS_OPEN:
        return always_open()
    return office_calendar(extra_closed_dates=closed)


def _load(session) -> ReferenceData:
    """Three queries' worth, only when the revision changed (or nothing is kept yet)."""
    policies = [_policy(row) for row in session.execute(
        select(PolicyRow).order_by(PolicyRow.service, PolicyRow.priority)).scalars()]
    defaults = default_policies()
    defaults.update({p.priority: p for p in policies if p.service is None})
    closed: dict[str, list[date]] = {}
    for name, day in session.execute(select(ClosedDate.calendar, ClosedDate.day)):
        closed.setdefault(name, []).append(day)
    return ReferenceData(
        defaults=defaults, overrides=tuple(p for p in policies if p.service is not None),
        calendars={name: _calendar(name, closed.get(name, ()))
                   for name in {*CALENDARS, *closed}})


COPIES: RevisionCopies[ReferenceData] = RevisionCopies()


class Reference:
    """Policies and calendars for one unit of work, without reading them on every event
    (servicedesk_common.revisions says how the revision keeps the copies current).

    A unit of work reads the revision once (with the clock row, in Clocks.ensure, or on first
    use) and takes the process's copy of that revision, loading and keeping it on a miss. The
    data is always read after the revision (same or later snapshot), never older than it. A
    unit of work that writes policies or closed dates reads its own, uncommitted state and
    shares nothing of it.
    """

    def __init__(self, session):
        self.session = session
        self.revision: str | None = None
        self._read = False
        self._changing = False
        self._data: ReferenceData | None = None

    def known(self, revision: str | None) -> None:
        self.revision, self._read = revision, True

    def data(self) -> ReferenceData:
        if self._data is None:
            self._data = _load(self.session) if self._changing else self._shared()
        return self._data

    def _shared(self) -> ReferenceData:
        if not self._read:
            self.known(self.session.execute(REVISION).scalar_one_or_none())
        if self.revision is None:  # no revision row: nothing to compare a copy with
            return _load(self.session)
        data = COPIES.get(self.revision)
        if data is None:
            data = _load(self.session)
            COPIES.put(self.revision, data)
        return data

    def changed(self) -> None:
        """Every write of policies or closed dates calls this, in its transaction."""
        self.session.execute(update(ReferenceRevision).values(revision=new_revision()))
        self._changing, self._data = True, None


class Policies:
    def __init__(self, session, reference: Reference):
        self.session = session
        self.reference = reference

    def defaults(self) -> dict[int, Policy]:
        return dict(self.reference.data().defaults)

    def overrides(self) -> list[Policy]:
        return list(self.reference.data().overrides)

    def choose(self, *, priority: int | None, service: str | None) -> Policy:
        data = self.reference.data()
        return choose(data.defaults, data.overrides, priority=priority, service=service)

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
        self.reference.changed()

    def delete_override(self, *, priority: int, service: str) -> bool:
        row = self.session.execute(select(PolicyRow).where(
            PolicyRow.priority == priority, PolicyRow.service == service)).scalar_one_or_none()
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        self.reference.changed()
        return True


def _policy(row: PolicyRow) -> Policy:
    return Policy(priority=row.priority, response_seconds=row.response_seconds,
                  resolution_seconds=row.resolution_seconds, calendar=row.calendar,
                  service=row.service or None, service_name=row.service_name)


class Calendars:
    def __init__(self, session, reference: Reference):
        self.session = session
        self.reference = reference

    def closed_dates(self, name: str | None = None) -> list[ClosedDate]:
        """The closed dates as rows, for the pages that list them (who added them, why)."""
        query = select(ClosedDate).order_by(ClosedDate.calendar, ClosedDate.day)
        if name is not None:
            query = query.where(ClosedDate.calendar == name)
        return list(self.session.execute(query).scalars())

    def get(self, name: str) -> BusinessCalendar:
        """The calendar as it is now, with the closed dates an admin added."""
        return self.reference.data().calendar(name)

    def closed_date(self, name: str, day: date) -> ClosedDate | None:
        return self.session.execute(select(ClosedDate).where(
            ClosedDate.calendar == name, ClosedDate.day == day)).scalar_one_or_none()

    def add_closed_date(self, row: ClosedDate) -> None:
        self.session.add(row)
        self.session.flush()
        self.reference.changed()

    def remove_closed_date(self, row: ClosedDate) -> None:
        self.session.delete(row)
        self.session.flush()
        self.reference.changed()


class SlaUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        self.reference = Reference(self.session)
        self.clocks = Clocks(self.session, self.reference)
        self.policies = Policies(self.session, self.reference)
        self.calendars = Calendars(self.session, self.reference)
