"""Escalation's unit of work and repositories: the only place that knows the tables."""
from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import (
    JSON,
    String,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from servicedesk_common.db import UnitOfWork
from servicedesk_common.mail import MailQueue

from .config import Config
from .domain import State
from .kpi import Link
from .models import (
    Escalation,
    Group,
    Mail,
    Member,
    Notification,
    NotificationPreference,
    Route,
    StaffMember,
    TicketView,
)

MAX_ID = 2**31 - 1  # integer keys: a larger id in a URL names nothing (and must not be a 500)


def _locked(session, query):
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


class Groups:
    def __init__(self, session):
        self.session = session

    def all(self) -> list[Group]:
        return list(self.session.execute(select(Group).order_by(Group.code)).scalars())

    def get(self, code: str, *, for_update: bool = False) -> Group | None:
        query = select(Group).where(Group.code == code)
        return self.session.execute(
            _locked(self.session, query) if for_update else query).scalar_one_or_none()

    def add(self, group: Group) -> None:
        self.session.add(group)
        self.session.flush()

    def active_flags(self) -> dict[str, bool]:
        return dict(self.session.execute(select(Group.code, Group.active)).all())

    def members(self, code: str) -> list[Member]:
        return list(self.session.execute(
            select(Member).where(Member.group_code == code)
            .order_by(Member.position, Member.id)).scalars())

    def member_map(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for member in self.session.execute(
                select(Member).order_by(Member.group_code, Member.position, Member.id)).scalars():
            found.setdefault(member.group_code, []).append(member.username)
        return found

    def add_member(self, member: Member) -> None:
        self.session.add(member)
        self.session.flush()

    def remove_member(self, member: Member) -> None:
        self.session.delete(member)
        self.session.flush()

    def groups_of(self, username: str) -> set[str]:
        return set(self.session.execute(
            select(Member.group_code).where(Member.username == username)).scalars())

    def routes(self) -> dict[str, str]:
        return dict(self.session.execute(select(Route.category, Route.group_code)).all())

    def set_categories(self, code: str, categories: list[str], *, by: str, at: datetime) -> None:
        """Exactly these categories go to `code` (taken from any other group); others leave."""
        self.session.execute(delete(Route).where(Route.group_code == code,
                                                 Route.category.not_in(categories)))
        for category in categories:
            route = self.session.get(Route, category)
            if route is None:
                self.session.add(Route(category=category, group_code=code, changed_by=by,
                                       changed_at=at))
            elif route.group_code != code:
                route.group_code, route.changed_by, route.changed_at = code, by, at
        self.session.flush()

    def open_loads(self, usernames: list[str]) -> dict[str, int]:
        counts = dict(self.session.execute(
            select(Escalation.assignee, func.count()).where(
                Escalation.state == State.OPEN.value, Escalation.assignee.in_(usernames))
            .group_by(Escalation.assignee)).all())
        return {name: counts.get(name, 0) for name in usernames}


class Tickets:
    def __init__(self, session):
        self.session = session

    def unverified(self, *, priority: int, created_before: datetime) -> list[TicketView]:
        return list(self.session.execute(select(TicketView).where(
            TicketView.status == "submitted", TicketView.priority == priority,
            TicketView.created_at <= created_before).order_by(TicketView.number)).scalars())

    def get(self, number: str, *, for_update: bool = False) -> TicketView | None:
        query = select(TicketView).where(TicketView.number == number)
        return self.session.execute(
            _locked(self.session, query) if for_update else query).scalar_one_or_none()

    def apply(self, number: str, changes: dict[str, dict], *, at: str) -> None:
        """For events, which arrive in any order: each group of fields in `changes` (group ->
        {field: value}) is set unless something newer than `at` (ISO occurred_at) already set
        that group. Whichever event comes first makes the row. One INSERT .. ON CONFLICT DO
        UPDATE: the row is locked, checked and written in a single statement."""
        shape = tuple((key, tuple(group)) for key, group in changes.items())
        statement = _ticket_upsert(self.session.get_bind().dialect.name, shape)
        self.session.execute(statement, {
            "number": number, "at": at, "versions": dict.fromkeys(changes, at),
            **{name: value for group in changes.values() for name, value in group.items()}})


@functools.lru_cache(maxsize=64)
def _ticket_upsert(dialect: str, shape: tuple[tuple[str, tuple[str, ...]], ...]):
    """The statement of `Tickets.apply` for one shape of changes ((group, fields), ...),
    built once: every value is a bind parameter."""
    table, versions = TicketView.__table__, _VERSIONS[dialect]
    names = [name for _key, fields in shape for name in fields]
    upsert = _UPSERT[dialect](table).values(
        number=bindparam("number", type_=table.c.number.type),
        versions=bindparam("versions", type_=table.c.versions.type),
        **{name: bindparam(name, type_=table.c[name].type) for name in names})
    if not shape:
        return upsert.on_conflict_do_nothing(index_elements=["number"])
    moment = bindparam("at", type_=String)
    columns = {}
    for key, fields in shape:
        newer = versions.set_at(table.c.versions, key) <= moment
        columns.update({name: case((newer, upsert.excluded[name]), else_=table.c[name])
                        for name in fields})
    columns["versions"] = versions.merged(table.c.versions, [key for key, _ in shape], moment)
    return upsert.on_conflict_do_update(index_elements=["number"], set_=columns)


class _PostgresVersions:
    """The `versions` JSON column in SQL: when a group of fields was last set ('' if never),
    compared byte by byte as Python compares the ISO strings."""

    @staticmethod
    def set_at(column, key: str):
        return func.coalesce(column[key].as_string(), "").collate("C")

    @classmethod
    def merged(cls, column, keys: list[str], moment):
        """`versions` with each key set to the later of its moment and `moment`."""
        latest = [part for key in keys
                  for part in (literal(key, String), func.greatest(cls.set_at(column, key),
                                                                   moment))]
        base = func.coalesce(cast(column, postgresql.JSONB), cast("{}", postgresql.JSONB))
        return cast(base.op("||")(func.jsonb_build_object(*latest)), JSON)


class _SqliteVersions:
    @staticmethod
    def set_at(column, key: str):
        return func.coalesce(column[key].as_string(), "")  # text compares bytewise (BINARY)

    @classmethod
    def merged(cls, column, keys: list[str], moment):
        latest = [part for key in keys
                  for part in (literal(f'$."{key}"', String),
                               func.max(cls.set_at(column, key), moment))]
        return func.json_set(func.coalesce(column, "{}"), *latest)


_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_VERSIONS = {"postgresql": _PostgresVersions, "sqlite": _SqliteVersions}


class Escalations:
    def __init__(self, session):
        self.session = session

    def add(self, escalation: Escalation) -> None:
        self.session.add(escalation)
        self.session.flush()
        if escalation.chain_id is None:
            escalation.chain_id = escalation.id

    def get(self, escalation_id: int) -> Escalation | None:
        return self.session.get(Escalation, escalation_id) if 0 < escalation_id <= MAX_ID \
            else None

    def open_for(self, number: str) -> Escalation | None:
        return self.session.execute(select(Escalation).where(
            Escalation.number == number, Escalation.state == State.OPEN.value)
        ).scalar_one_or_none()

    def for_ticket(self, number: str) -> list[Escalation]:
        return list(self.session.execute(select(Escalation).where(Escalation.number == number)
                                         .order_by(Escalation.id)).scalars())

    def queue(self, *, assignee: str | None, group: str | None, state: str | None,
              number: str | None, page: int, per_page: int) -> tuple[list, int]:
        """(escalation, ticket) rows, what is due first on top; never-due last."""
        query = select(Escalation, TicketView).outerjoin(
            TicketView, TicketView.number == Escalation.number)
        for column, value in ((Escalation.assignee, assignee), (Escalation.group_code, group),
                              (Escalation.state, state), (Escalation.number, number)):
            if value is not None:
                query = query.where(column == value)
        total = self.session.execute(
            select(func.count()).select_from(query.subquery())).scalar_one()
        rows = self.session.execute(query.order_by(
            TicketView.resolution_due_at.asc().nulls_last(),
            func.coalesce(TicketView.priority, Escalation.priority).asc().nulls_last(),
            Escalation.assigned_at, Escalation.id,
        ).offset((page - 1) * per_page).limit(per_page)).all()
        return rows, total

    def kpi_links(self, start: datetime | None, end: datetime | None) -> list[Link]:
        first = select(Escalation.id).where(Escalation.id == Escalation.chain_id)
        if start is not None:
            first = first.where(Escalation.assigned_at >= start)
        if end is not None:
            first = first.where(Escalation.assigned_at < end)
        rows = self.session.execute(select(Escalation).where(
            Escalation.chain_id.in_(first)).order_by(Escalation.id)).scalars()
        return [Link(chain_id=e.chain_id, id=e.id, number=e.number, group=e.group_code,
                     state=e.state, category=e.category, priority=e.priority,
                     resolved_by_role=e.ended_by_role if e.state == State.RESOLVED.value
                     else None) for e in rows]


class Notifications:
    def __init__(self, session):
        self.session = session

    def add(self, *, recipient: str, kind: str, message: str, at: datetime,
            number: str | None = None, escalation_id: int | None = None,
            dedupe_key: str | None = None) -> None:
        """One with a `dedupe_key` (the event it answers) is added once per person."""
        if dedupe_key is not None:
            self.add_each([recipient], kind=kind, message=message, at=at, number=number,
                          escalation_id=escalation_id, dedupe_key=dedupe_key)
            return
        self.session.add(Notification(recipient=recipient, kind=kind, message=message,
                                      number=number, escalation_id=escalation_id,
                                      created_at=at))

    def add_each(self, recipients: list[str], *, kind: str, message: str, at: datetime,
                 dedupe_key: str, number: str | None = None,
                 escalation_id: int | None = None) -> None:
        """The same notification to each recipient, each told once per `dedupe_key`: one
        INSERT .. ON CONFLICT DO NOTHING for them all (whoever was told already is skipped)."""
        if recipients:
            self.session.execute(_notification_insert(self.session.get_bind().dialect.name), [
                {"recipient": recipient, "kind": kind, "message": message, "number": number,
                 "escalation_id": escalation_id, "dedupe_key": dedupe_key, "created_at": at}
                for recipient in recipients])

    def for_user(self, username: str, *, unread: bool, page: int, per_page: int
                 ) -> tuple[list[Notification], int, int]:
        """(page of notifications, newest first; total matching; unread count)."""
        query = select(Notification).where(Notification.recipient == username)
        if unread:
            query = query.where(Notification.read_at.is_(None))
        total = self.session.execute(
            select(func.count()).select_from(query.subquery())).scalar_one()
        unread_count = self.session.execute(select(func.count()).where(
            Notification.recipient == username, Notification.read_at.is_(None))).scalar_one()
        items = list(self.session.execute(query.order_by(
            Notification.created_at.desc(), Notification.id.desc())
            .offset((page - 1) * per_page).limit(per_page)).scalars())
        return items, total, unread_count

    def get(self, notification_id: int) -> Notification | None:
        return self.session.get(Notification, notification_id) \
            if 0 < notification_id <= MAX_ID else None

    def mark_all_read(self, username: str, *, at: datetime) -> int:
        return self.session.execute(update(Notification).where(
            Notification.recipient == username, Notification.read_at.is_(None))
            .values(read_at=at)).rowcount


    def unmailed_recipients(self) -> list[str]:
        return list(self.session.execute(select(Notification.recipient).where(
            Notification.mail_state.is_(None)).distinct()).scalars())

    def unmailed_for(self, username: str) -> list[Notification]:
        """Oldest first, locked: two workers never mail the same notification."""
        query = (select(Notification).where(Notification.recipient == username,
                                            Notification.mail_state.is_(None))
                 .order_by(Notification.created_at, Notification.id))
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return list(self.session.execute(query).scalars())


class Staff:
    """The staff escalation has seen signed in (see StaffMember)."""

    def __init__(self, session):
        self.session = session

    def seen(self, identity, *, at: datetime) -> None:
        values = {"username": identity.username, "role": identity.role,
                  "email": identity.email, "name": identity.name, "last_seen_at": at}
        insert = _UPSERT[self.session.get_bind().dialect.name](StaffMember.__table__)
        self.session.execute(insert.values(values).on_conflict_do_update(
            index_elements=["username"],
            set_={name: insert.excluded[name] for name in ("role", "email", "name",
                                                           "last_seen_at")}))

    def on_duty(self, role: str, *, since: datetime) -> list[str]:
        return list(self.session.execute(
            select(StaffMember.username).where(StaffMember.role == role,
                                               StaffMember.last_seen_at >= since)
            .order_by(StaffMember.username)).scalars())

    def get(self, username: str, *, for_update: bool = False) -> StaffMember | None:
        return self.session.get(StaffMember, username, with_for_update=for_update or None)


class Preferences:
    def __init__(self, session):
        self.session = session

    def email_off(self, username: str) -> set[str]:
        return set(self.session.execute(select(NotificationPreference.kind).where(
            NotificationPreference.username == username,
            NotificationPreference.email.is_(False))).scalars())

    def set_email(self, username: str, choices: dict[str, bool]) -> None:
        if not choices:
            return
        insert = _UPSERT[self.session.get_bind().dialect.name](NotificationPreference.__table__)
        self.session.execute(insert.values([
            {"username": username, "kind": kind, "email": wanted}
            for kind, wanted in choices.items()]).on_conflict_do_update(
            index_elements=["username", "kind"], set_={"email": insert.excluded.email}))


@functools.lru_cache(maxsize=4)
def _notification_insert(dialect: str):
    table = Notification.__table__
    columns = ("recipient", "kind", "message", "number", "escalation_id", "dedupe_key",
               "created_at")
    return (_UPSERT[dialect](table)
            .values({name: bindparam(name, type_=table.c[name].type) for name in columns})
            .on_conflict_do_nothing(index_elements=["recipient", "dedupe_key"]))


class EscalationUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        self.config = Config.from_env()
        self.groups = Groups(self.session)
        self.tickets = Tickets(self.session)
        self.escalations = Escalations(self.session)
        self.notifications = Notifications(self.session)
        self.staff = Staff(self.session)
        self.preferences = Preferences(self.session)
        self.mails = MailQueue(self.session, Mail, self.config.mail)
