"""Escalation's tables: level-2 groups, members and category routing; the escalations (FRM-006
forms and their outcomes); notifications; and a small read model of each ticket."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicedesk_common.db import UtcDateTime
from servicedesk_common.mail import MailColumns


class Base(DeclarativeBase):
    pass


class Group(Base):
    __tablename__ = "groups"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Member(Base):
    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_code", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_code: Mapped[str] = mapped_column(ForeignKey("groups.code"), index=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Round-robin among equally loaded members: who was given a ticket longest ago goes first.
    last_assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Route(Base):
    """Which group takes a category by default (SOP step 11)."""
    __tablename__ = "category_routes"

    category: Mapped[str] = mapped_column(String(60), primary_key=True)
    group_code: Mapped[str] = mapped_column(ForeignKey("groups.code"), index=True)
    changed_by: Mapped[str | None] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketView(Base):
    """What escalation knows of a ticket, from intake's, triage's and sla's events."""
    __tablename__ = "tickets"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    type: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(60))
    priority: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sla_state: Mapped[str | None] = mapped_column(String(20))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    # Events arrive in any order: when each group of fields was last set (ISO occurred_at).
    versions: Mapped[dict | None] = mapped_column(JSON)


class Escalation(Base):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), index=True)
    # A reassignment closes one escalation and opens the next: one chain, counted once in KPIs.
    chain_id: Mapped[int | None] = mapped_column(Integer, index=True)
    previous_id: Mapped[int | None] = mapped_column(Integer)
    group_code: Mapped[str] = mapped_column(String(40), index=True)
    assignee: Mapped[str] = mapped_column(String(120), index=True)
    diagnosis: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(60))
    priority: Mapped[int | None] = mapped_column(Integer)
    assigned_by: Mapped[str] = mapped_column(String(120))
    assigned_by_role: Mapped[str | None] = mapped_column(String(20))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(120))
    ended_by_role: Mapped[str | None] = mapped_column(String(20))
    end_reason: Mapped[str | None] = mapped_column(Text)
    solution: Mapped[str | None] = mapped_column(Text)
    kb_article: Mapped[str | None] = mapped_column(String(120))


# At most one open escalation per ticket, whatever two operators click at the same moment.
Index("uq_escalations_open_ticket", Escalation.number, unique=True,
      postgresql_where=text("state = 'open'"), sqlite_where=text("state = 'open'"))


class Notification(Base):
    __tablename__ = "notifications"
    # `dedupe_key` names the event a notification answers: told once per event and person.
    __table_args__ = (UniqueConstraint("recipient", "dedupe_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    number: Mapped[str | None] = mapped_column(String(20), index=True)
    escalation_id: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # NULL: not yet considered for a digest mail; then mailed, off (the person turned this
    # kind off), read (seen in the console first) or no_address.
    mail_state: Mapped[str | None] = mapped_column(String(12))


# The digest loop asks only for notifications not yet considered: a partial index keeps that small.
Index("ix_notifications_unmailed", Notification.recipient,
      postgresql_where=text("mail_state IS NULL"), sqlite_where=text("mail_state IS NULL"))


class StaffMember(Base):
    """Who escalation has seen signed in (the gateway's signed identity on each console
    request): their role, their e-mail address, when they were last active (on duty), and
    when their last digest mail was queued. The gateway keeps the accounts."""
    __tablename__ = "staff_members"

    username: Mapped[str] = mapped_column(String(120), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str | None] = mapped_column(String(120))
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_digest_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NotificationPreference(Base):
    """A kind of notification a person wants (or not) by e-mail; no row: e-mail on."""
    __tablename__ = "notification_preferences"

    username: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean)


class Mail(MailColumns, Base):
    """Digest mails to staff, delivered by the shared mail loop."""
