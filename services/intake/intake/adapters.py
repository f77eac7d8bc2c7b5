"""Intake's unit of work and repository: the only place that knows the tables."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from servicedesk_common.db import UnitOfWork

from .models import HistoryEntry, NumberSequence, Ticket


class Tickets:
    def __init__(self, session):
        self.session = session

    def get(self, number: str) -> Ticket | None:
        query = select(Ticket).where(Ticket.number == number)
        return self.session.execute(query).scalar_one_or_none()

    def get_for_update(self, number: str) -> Ticket | None:
        query = select(Ticket).where(Ticket.number == number)
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return self.session.execute(query).scalar_one_or_none()

    def add(self, ticket: Ticket) -> None:
        self.session.add(ticket)
        self.session.flush()

    def next_sequence(self, key: str) -> int:
        """Atomic under concurrent creation: one UPDATE .. RETURNING on a row per key."""
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        self.session.execute(insert(NumberSequence).values(key=key, last=0)
                             .on_conflict_do_nothing(index_elements=["key"]))
        return self.session.execute(
            update(NumberSequence).where(NumberSequence.key == key)
            .values(last=NumberSequence.last + 1).returning(NumberSequence.last)).scalar_one()

    def record(self, ticket: Ticket, *, what: str, by: str | None, source: str,
               at: datetime, from_value=None, to_value=None) -> None:
        self.session.add(HistoryEntry(
            ticket_id=ticket.id, at=at, by=by, source=source, what=what,
            from_value=None if from_value is None else str(from_value),
            to_value=None if to_value is None else str(to_value)))

    def history(self, ticket: Ticket) -> list[HistoryEntry]:
        return list(self.session.execute(
            select(HistoryEntry).where(HistoryEntry.ticket_id == ticket.id)
            .order_by(HistoryEntry.at, HistoryEntry.id)).scalars())


class IntakeUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        self.tickets = Tickets(self.session)
