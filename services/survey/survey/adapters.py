"""Survey's unit of work and repositories: the only place that knows the tables."""
from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from servicedesk_common.db import UnitOfWork
from servicedesk_common.mail import MailQueue

from .config import SurveyConfig
from .domain import DEFAULT_QUESTION_SETS
from .models import Mail, QuestionSet, Survey, TicketContact, UserGroup


def _locked(session, query):
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


class Surveys:
    def __init__(self, session):
        self.session = session

    def by_number(self, number: str, *, for_update: bool = False) -> Survey | None:
        query = select(Survey).where(Survey.number == number)
        if for_update:
            query = _locked(self.session, query)
        return self.session.execute(query).scalar_one_or_none()

    def by_token_hash(self, token_hash: str, *, for_update: bool = False) -> Survey | None:
        query = select(Survey).where(Survey.token_hash == token_hash)
        if for_update:
            query = _locked(self.session, query)
        return self.session.execute(query).scalar_one_or_none()

    def get(self, survey_id: int, *, for_update: bool = False) -> Survey | None:
        query = select(Survey).where(Survey.id == survey_id)
        if for_update:
            query = _locked(self.session, query)
        return self.session.execute(query).scalar_one_or_none()

    def add(self, survey: Survey) -> None:
        self.session.add(survey)
        self.session.flush()

    def page(self, conditions: list, *, page: int, per_page: int) -> tuple[list[Survey], int]:
        query = select(Survey).where(*conditions)
        total = self.session.execute(
            select(func.count()).select_from(query.subquery())).scalar_one()
        items = self.session.execute(
            query.order_by(Survey.sent_at.desc(), Survey.id.desc())
            .offset((page - 1) * per_page).limit(per_page)).scalars().all()
        return list(items), total

    def answered_between(self, low: datetime | None, high: datetime | None) -> list[Survey]:
        return list(self.session.execute(
            select(Survey).where(*answered_conditions(low, high))
            .order_by(Survey.answered_at)).scalars())

    def count_sent_between(self, low: datetime | None, high: datetime | None) -> int:
        conditions = []
        if low is not None:
            conditions.append(Survey.sent_at >= low)
        if high is not None:
            conditions.append(Survey.sent_at < high)
        return self.session.execute(
            select(func.count()).select_from(Survey).where(*conditions)).scalar_one()


def answered_conditions(low: datetime | None, high: datetime | None) -> list:
    conditions = [Survey.answered_at.is_not(None)]
    if low is not None:
        conditions.append(Survey.answered_at >= low)
    if high is not None:
        conditions.append(Survey.answered_at < high)
    return conditions


class QuestionSets:
    def __init__(self, session):
        self.session = session

    def all(self) -> list[QuestionSet]:
        return list(self.session.execute(select(QuestionSet).order_by(QuestionSet.code))
                    .scalars())

    def get(self, code: str) -> QuestionSet | None:
        return self.session.execute(
            select(QuestionSet).where(QuestionSet.code == code)).scalar_one_or_none()

    def as_data(self) -> list[dict]:
        rows = self.all()
        if not rows:  # never seeded (or all removed): the SOP's own forms
            return DEFAULT_QUESTION_SETS
        return [{"code": r.code, "name": r.name, "ticket_types": r.ticket_types,
                 "questions": r.questions} for r in rows]


class UserGroups:
    def __init__(self, session):
        self.session = session

    def labels(self) -> dict[str, str]:
        """code -> label, in the admin's order."""
        rows = self.session.execute(select(UserGroup).order_by(UserGroup.position)).scalars()
        return {row.code: row.label for row in rows}

    def replace(self, groups: list[dict]) -> None:
        """The admin's list as it is now; answers already given keep the code they chose."""
        self.session.execute(delete(UserGroup))
        self.session.add_all(UserGroup(code=g["value"].strip().lower(), label=g["label"].strip(),
                                       position=index) for index, g in enumerate(groups))
        self.session.flush()


class Contacts:
    def __init__(self, session):
        self.session = session

    def get(self, number: str) -> TicketContact | None:
        return self.session.get(TicketContact, number)

    def remember(self, number: str, **fields) -> None:
        """Keep what is known; a field given as None does not erase an earlier value. One
        INSERT .. ON CONFLICT DO UPDATE of the fields given (a contact loaded earlier in the
        same unit of work does not see it)."""
        known = {name: value for name, value in fields.items() if value is not None}
        statement = _contact_upsert(self.session.get_bind().dialect.name, tuple(known))
        self.session.execute(statement, {"number": number, **known})


@functools.lru_cache(maxsize=32)
def _contact_upsert(dialect: str, names: tuple[str, ...]):
    """The statement of `Contacts.remember` for these fields, built once."""
    table = TicketContact.__table__
    upsert = _UPSERT[dialect](table).values(
        {name: bindparam(name, type_=table.c[name].type) for name in ("number", *names)})
    if not names:
        return upsert.on_conflict_do_nothing(index_elements=["number"])
    return upsert.on_conflict_do_update(
        index_elements=["number"], set_={name: upsert.excluded[name] for name in names})


_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class SurveyUnitOfWork(UnitOfWork):
    def __init__(self, sessions, *, config: SurveyConfig | None = None, **kw):
        super().__init__(sessions, **kw)
        self._config = config

    def _open(self) -> None:
        self.config = self._config or SurveyConfig.from_env()
        self.surveys = Surveys(self.session)
        self.question_sets = QuestionSets(self.session)
        self.user_groups = UserGroups(self.session)
        self.contacts = Contacts(self.session)
        self.mails = MailQueue(self.session, Mail, self.config.mail)
