"""Survey's tables: question sets, one survey per ticket, what it knows of each ticket's client,
and the outbox of e-mails to clients."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicedesk_common.db import UtcDateTime
from servicedesk_common.mail import MailColumns


class Base(DeclarativeBase):
    pass


class QuestionSet(Base):
    __tablename__ = "question_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    ticket_types: Mapped[list] = mapped_column(JSON)
    questions: Mapped[list] = mapped_column(JSON)
    changed_by: Mapped[str | None] = mapped_column(String(120))
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class UserGroup(Base):
    """A respondent's user group on the survey form (FRM-004's Kelompok Pengguna)."""
    __tablename__ = "user_groups"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # one survey per ticket
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_type: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(60), index=True)
    service: Mapped[str | None] = mapped_column(String(120))
    priority: Mapped[int | None] = mapped_column(Integer)
    assignee: Mapped[str | None] = mapped_column(String(120))
    group: Mapped[str | None] = mapped_column(String(40))
    client: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    closed_by: Mapped[str | None] = mapped_column(String(120))
    # the questions as they were asked: a later change of the set does not rewrite answers
    question_set: Mapped[str] = mapped_column(String(20))
    questions: Mapped[list] = mapped_column(JSON)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sends: Mapped[int] = mapped_column(Integer, default=1)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    answers: Mapped[list | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    respondent: Mapped[dict | None] = mapped_column(JSON)
    suggestion: Mapped[str | None] = mapped_column(Text)
    evaluation: Mapped[dict | None] = mapped_column(JSON)
    evaluated_by: Mapped[str | None] = mapped_column(String(120))
    evaluated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TicketContact(Base):
    """What the survey service keeps of a ticket to write to its client."""
    __tablename__ = "ticket_contacts"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    client: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(200))
    solution: Mapped[str | None] = mapped_column(Text)
    tracking_token: Mapped[str | None] = mapped_column(String(120))  # for the link in each mail


class Mail(MailColumns, Base):
    """An e-mail to a client waiting for (or past) the SMTP server: written in the same
    transaction as the change it reports, sent by the shared mail loop, never lost."""
