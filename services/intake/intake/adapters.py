"""Intake's unit of work and repository: the only place that knows the tables."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, insert, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import lazyload

from servicedesk_common.db import UnitOfWork

from .models import (
    CannedReply,
    HistoryEntry,
    NumberSequence,
    QuarantinedMail,
    ReceivedMail,
    Reply,
    Ticket,
)

TICKETS = Ticket.__table__
REPLIES = Reply.__table__
HISTORY = HistoryEntry.__table__
SEQUENCES = NumberSequence.__table__
_INSERT_TICKET = insert(TICKETS).returning(TICKETS.c.id)
_INSERT_REPLY = insert(REPLIES).returning(REPLIES.c.id)
_INSERT_HISTORY = insert(HISTORY)
_UPDATE_TICKET = update(TICKETS).where(TICKETS.c.id == bindparam("ticket_key"))
_NEXT = (update(SEQUENCES).where(SEQUENCES.c.key == bindparam("sequence_key"))
         .values(last=SEQUENCES.c.last + 1).returning(SEQUENCES.c.last))


class TicketFields:
    """A few columns of one ticket, read to be changed (an event from another service needs
    a handful of the forty, never the replies or attachments). Read and set like a Ticket's
    attributes; what was set to a new value is written by one UPDATE when the unit of work
    commits. As with the ORM's JSON columns, give a changed dict or list as a new value
    rather than changing the loaded one in place."""

    def __init__(self, loaded: dict):
        self.__dict__.update(_loaded=loaded, _set={})

    def __getattr__(self, name):
        for values in (self.__dict__["_set"], self.__dict__["_loaded"]):
            if name in values:
                return values[name]
        raise AttributeError(f"ticket column {name!r} was not loaded: name it to "
                             "Tickets.fields_for_update")

    def __setattr__(self, name, value):
        self._set[name] = value

    def changes(self) -> dict:
        return {name: value for name, value in self._set.items()
                if name not in self._loaded or self._loaded[name] != value}


class Tickets:
    def __init__(self, session):
        self.session = session
        self._changing: list[TicketFields] = []
        self._history: list[dict] = []

    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def get(self, number: str) -> Ticket | None:
        query = select(Ticket).where(Ticket.number == number)
        return self.session.execute(query).scalar_one_or_none()

    def get_for_update(self, number: str, *, collections: bool = True) -> Ticket | None:
        """The whole ticket, locked; without collections its replies and attachments load
        only when touched."""
        query = select(Ticket).where(Ticket.number == number)
        if not collections:
            query = query.options(lazyload(Ticket.replies), lazyload(Ticket.attachments))
        if self._postgresql():
            query = query.with_for_update()
        return self.session.execute(query).scalar_one_or_none()

    def fields_for_update(self, number: str, names: tuple[str, ...]) -> TicketFields | None:
        """Only these columns of the ticket (and its id and number), locked until commit."""
        query = _fields_query(names, lock=self._postgresql())
        row = self.session.execute(query, {"number": number}).mappings().first()
        if row is None:
            return None
        fields = TicketFields(dict(row))
        self._changing.append(fields)
        return fields

    def add(self, ticket: Ticket) -> None:
        """A new ticket, written at once by one INSERT .. RETURNING id (and one for each
        reply it comes with, e.g. the operator's internal note), without the ORM's flush.
        The object stays outside the session: give it all its values before adding it."""
        ticket.id = self.session.execute(_INSERT_TICKET, _values(ticket, TICKETS)).scalar_one()
        for reply in ticket.replies:
            reply.ticket_id = ticket.id
            reply.id = self.session.execute(_INSERT_REPLY, _values(reply, REPLIES)).scalar_one()

    def next_sequence(self, key: str) -> int:
        """The next number of `key` (a type and year), unique and increasing under concurrent
        creation: one UPDATE .. RETURNING on the key's row.

        On PostgreSQL it is taken in a transaction of its own, on a connection of its own,
        and committed at once, so the counter row is locked for that one statement and not
        for the whole creation (which would queue every concurrent creation behind it). Call
        it before the unit of work touches the database. A creation that fails after taking
        its number leaves a gap in the numbering. On SQLite (one writer at a time anyway) the
        number is taken inside the unit of work's own transaction: no gaps."""
        if not self._postgresql():
            self.session.execute(sqlite.insert(NumberSequence).values(key=key, last=0)
                                 .on_conflict_do_nothing(index_elements=["key"]))
            return self.session.execute(_NEXT, {"sequence_key": key}).scalar_one()
        # each statement commits on its own (no BEGIN, no COMMIT round trips)
        with _autocommit(self.session.get_bind()).connect() as conn:
            taken = conn.execute(_NEXT, {"sequence_key": key}).scalar()
            if taken is None:  # the first number of this type and year
                conn.execute(postgresql.insert(SEQUENCES).values(key=key, last=0)
                             .on_conflict_do_nothing(index_elements=["key"]))
                taken = conn.execute(_NEXT, {"sequence_key": key}).scalar_one()
            return taken

    def record(self, ticket, *, what: str, by: str | None, source: str,
               at: datetime, from_value=None, to_value=None) -> None:
        """One history entry; the entries of a unit of work are written together by one
        INSERT when it commits, in the order they were recorded."""
        self._history.append({
            "ticket_id": ticket.id, "at": at, "by": by, "source": source, "what": what,
            "from_value": None if from_value is None else str(from_value),
            "to_value": None if to_value is None else str(to_value)})

    def history(self, ticket: Ticket) -> list[HistoryEntry]:
        self.write_changes()
        return list(self.session.execute(
            select(HistoryEntry).where(HistoryEntry.ticket_id == ticket.id)
            .order_by(HistoryEntry.at, HistoryEntry.id)).scalars())

    def write_changes(self) -> None:
        """What fields_for_update's tickets were set to (one UPDATE each that changed) and
        the history recorded so far (one INSERT; on PostgreSQL inside the last UPDATE's
        statement, as a WITH .. INSERT, when there is one: a round trip fewer)."""
        updates = [(fields.id, changes) for fields in self._changing
                   if (changes := fields.changes())]
        self._changing.clear()
        rows, self._history = self._history, []
        for index, (ticket_id, changes) in enumerate(updates):
            params = {"ticket_key": ticket_id, **changes}
            if index == len(updates) - 1 and rows and self._postgresql():
                params.update(_history_params(rows))
                self.session.execute(_update_recording(len(rows)), params)
                return
            self.session.execute(_UPDATE_TICKET, params)
        if rows:
            self.session.execute(_INSERT_HISTORY, rows if len(rows) > 1 else rows[0])


def _values(entity, table) -> dict:
    """The columns an entity was given (unset ones take the table's defaults)."""
    given = entity.__dict__
    return {column.key: given[column.key] for column in table.columns if column.key in given}


HISTORY_COLUMNS = ("ticket_id", "at", "by", "source", "what", "from_value", "to_value")


@lru_cache(maxsize=16)
def _update_recording(entries: int):
    """UPDATE tickets (SET: the parameters named as columns) WITH an INSERT of `entries`
    history rows, built once per number of rows."""
    rows = [select(*(bindparam(f"history_{row}_{name}", type_=HISTORY.c[name].type)
                     for name in HISTORY_COLUMNS)) for row in range(entries)]
    # INSERT .. SELECT, not a multi-row VALUES: SQLAlchemy caches its compiled form
    recorded = insert(HISTORY).from_select(
        HISTORY_COLUMNS, rows[0] if entries == 1 else union_all(*rows)).cte("recorded")
    return _UPDATE_TICKET.add_cte(recorded)


def _history_params(rows: list[dict]) -> dict:
    return {f"history_{row}_{name}": value
            for row, entry in enumerate(rows) for name, value in entry.items()}


@lru_cache(maxsize=8)
def _autocommit(engine):
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@lru_cache(maxsize=32)
def _fields_query(names: tuple[str, ...], *, lock: bool):
    """Built once per set of columns: the statement is the same for every ticket."""
    columns = [TICKETS.c.id, TICKETS.c.number,
               *(TICKETS.c[name] for name in names if name not in ("id", "number"))]
    query = select(*columns).where(TICKETS.c.number == bindparam("number"))
    return query.with_for_update(of=TICKETS) if lock else query


class Mailroom:
    """Inbound mail already handled, and the quarantine of mail that could not be read."""

    def __init__(self, session):
        self.session = session

    def received(self, key: str) -> ReceivedMail | None:
        return self.session.get(ReceivedMail, key)

    def record(self, received: ReceivedMail) -> None:
        self.session.add(received)

    def tickets_of(self, keys: list[str]) -> list[str]:
        """The tickets earlier mails (by their Message-ID keys) made or answered."""
        if not keys:
            return []
        rows = self.session.execute(select(ReceivedMail.key, ReceivedMail.ticket_number)
                                    .where(ReceivedMail.key.in_(keys))).all()
        by_key = dict(rows)
        return [by_key[k] for k in keys if by_key.get(k)]

    def quarantine(self, mail: QuarantinedMail) -> None:
        self.session.add(mail)

    def quarantined(self) -> list[QuarantinedMail]:
        return list(self.session.execute(
            select(QuarantinedMail).order_by(QuarantinedMail.id.desc()).limit(500)).scalars())

    def quarantined_for_update(self, mail_id: int) -> QuarantinedMail | None:
        return self.session.get(QuarantinedMail, mail_id, with_for_update=True)

    def client_with_email(self, email: str) -> str | None:
        """A client account known to use this address (a ticket it reported carries it)."""
        return self.session.execute(
            select(Ticket.client).where(Ticket.guest_email == email, Ticket.client.is_not(None))
            .order_by(Ticket.id.desc()).limit(1)).scalar_one_or_none()


class IntakeUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        self.tickets = Tickets(self.session)
        self.mail = Mailroom(self.session)
        self.canned = CannedReplies(self.session)

    def commit(self) -> None:
        self.tickets.write_changes()
        super().commit()


class CannedReplies:
    def __init__(self, session):
        self.session = session

    def all(self) -> list[CannedReply]:
        return list(self.session.execute(
            select(CannedReply).order_by(CannedReply.title)).scalars())

    def get(self, reply_id: int, *, for_update: bool = False) -> CannedReply | None:
        return self.session.get(CannedReply, reply_id, with_for_update=for_update)

    def titled(self, title: str) -> CannedReply | None:
        return self.session.execute(
            select(CannedReply).where(CannedReply.title == title)).scalar_one_or_none()

    def add(self, reply: CannedReply) -> None:
        self.session.add(reply)
        self.session.flush()

    def remove(self, reply: CannedReply) -> None:
        self.session.delete(reply)
