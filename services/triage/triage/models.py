"""Triage's tables: catalog entries, the priority matrix, one classification per ticket."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicedesk_common.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class CatalogType(Base):
    """A ticket type and the categories the recording form offers for it."""
    __tablename__ = "catalog_types"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    categories: Mapped[list] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CatalogService(Base):
    __tablename__ = "catalog_services"
    __table_args__ = (UniqueConstraint("category", "name"),
                      UniqueConstraint("code", name="uq_catalog_services_code"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(60), index=True)
    detail: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PriorityMatrix(Base):
    __tablename__ = "priority_matrix"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matrix: Mapped[dict] = mapped_column(JSON)
    changed_by: Mapped[str | None] = mapped_column(String(120))
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CatalogRevision(Base):
    """One row: a random token that every admin write of the catalog (types, services) or the
    matrix replaces in the same transaction. A worker keeps its copy of the catalog while the
    token it reads (once per message) is the one the copy was loaded under."""
    __tablename__ = "catalog_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[str] = mapped_column(String(32))


class Classification(Base):
    __tablename__ = "classifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(60), index=True)
    service: Mapped[str | None] = mapped_column(String(120))
    original_category: Mapped[str | None] = mapped_column(String(60))
    original_service: Mapped[str | None] = mapped_column(String(120))
    recategorisations: Mapped[int] = mapped_column(Integer, default=0)
    urgency: Mapped[str | None] = mapped_column(String(10))
    impact: Mapped[str | None] = mapped_column(String(10))
    computed_priority: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[int | None] = mapped_column(Integer, index=True)
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Events arrive unordered: when each field was last set (ISO text), so older changes lose.
    versions: Mapped[dict | None] = mapped_column(JSON)


class Recategorisation(Base):
    __tablename__ = "recategorisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), index=True)
    from_category: Mapped[str | None] = mapped_column(String(60))
    to_category: Mapped[str | None] = mapped_column(String(60))
    from_service: Mapped[str | None] = mapped_column(String(120))
    to_service: Mapped[str | None] = mapped_column(String(120))
    by: Mapped[str | None] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class PriorityOverride(Base):
    """An operator's override of the matrix's priority, with who, when and why."""
    __tablename__ = "priority_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), index=True)
    computed_priority: Mapped[int | None] = mapped_column(Integer)
    from_priority: Mapped[int | None] = mapped_column(Integer)
    to_priority: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
