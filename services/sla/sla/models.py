"""Sla's tables: one clock per ticket, policies and service overrides, calendar closed dates."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicedesk_common.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class ClockRow(Base):
    """A ticket's clock: the facts its events told (`facts`, replayed in time order), the policy
    it runs under, what the clock says (the snapshot columns), the warnings and breaches already
    announced, and when the monitor must look at it next (`next_check_at`, indexed)."""

    __tablename__ = "clocks"
    __table_args__ = (
        # The monitor's query: only clocks with a pending deadline are in this index.
        Index("ix_clocks_next_check_at", "next_check_at",
              postgresql_where=text("next_check_at IS NOT NULL"),
              sqlite_where=text("next_check_at IS NOT NULL")),
        Index("ix_clocks_state_started_at", "state", "started_at"),
        Index("ix_clocks_started_at", "started_at"),
    )

    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # None: not created yet
    facts: Mapped[list] = mapped_column(JSON, default=list)
    priority: Mapped[int | None] = mapped_column(Integer)
    service: Mapped[str | None] = mapped_column(String(120))
    group: Mapped[str | None] = mapped_column(String(60))
    assignee: Mapped[str | None] = mapped_column(String(120))
    policy: Mapped[str | None] = mapped_column(String(200))
    calendar: Mapped[str | None] = mapped_column(String(20))
    response_seconds: Mapped[int | None] = mapped_column(Integer)
    resolution_seconds: Mapped[int | None] = mapped_column(Integer)
    # the snapshot (sla.domain.snapshot.Snapshot)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    hold_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_warning_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution_warning_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_met: Mapped[bool | None] = mapped_column(Boolean)
    resolution_met: Mapped[bool | None] = mapped_column(Boolean)
    state: Mapped[str | None] = mapped_column(String(10))
    # announced already (sla.domain.alarms): one flag per target and level
    response_at_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    response_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_at_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    next_check_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PolicyRow(Base):
    """An admin's policy: `service` '' is the priority's default, else a service's override."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("priority", "service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    priority: Mapped[int] = mapped_column(Integer)
    service: Mapped[str] = mapped_column(String(120), default="")
    service_name: Mapped[str | None] = mapped_column(String(120))
    response_seconds: Mapped[int] = mapped_column(Integer)
    resolution_seconds: Mapped[int] = mapped_column(Integer)
    calendar: Mapped[str] = mapped_column(String(20))
    changed_by: Mapped[str | None] = mapped_column(String(120))
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ClosedDate(Base):
    """A date a calendar does not work besides weekends and national holidays (cuti bersama)."""

    __tablename__ = "closed_dates"
    __table_args__ = (UniqueConstraint("calendar", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))
    added_by: Mapped[str | None] = mapped_column(String(120))
    added_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReferenceRevision(Base):
    """One row: the revision of the policies and calendars (closed dates). Every admin write
    gives it a new random value in the same transaction, so a process that holds a copy of
    them knows from this value alone whether its copy is still the database's."""

    __tablename__ = "reference_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[str] = mapped_column(String(32))
