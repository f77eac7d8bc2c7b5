"""Intake's tables: tickets (with the read model of what other services decided), replies,
attachments, history, number sequences."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from servicedesk_common.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(60))
    service: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    urgency: Mapped[str | None] = mapped_column(String(10))
    impact: Mapped[str | None] = mapped_column(String(10))
    priority: Mapped[int | None] = mapped_column(Integer, index=True)
    priority_reason: Mapped[str | None] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(String(120), index=True)
    guest_email: Mapped[str | None] = mapped_column(String(254))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    agency: Mapped[str | None] = mapped_column(String(160))
    recorded_by: Mapped[str | None] = mapped_column(String(120))
    group: Mapped[str | None] = mapped_column(String(40), index=True)
    assignee: Mapped[str | None] = mapped_column(String(120), index=True)
    hold_reason: Mapped[str | None] = mapped_column(String(20))
    hold_note: Mapped[str | None] = mapped_column(Text)
    hold_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    solution: Mapped[str | None] = mapped_column(Text)  # level 2's, from escalation.resolved
    resolution: Mapped[str | None] = mapped_column(Text)  # what the closing operator wrote
    tracking_token_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sla: Mapped[dict | None] = mapped_column(JSON)
    sla_state: Mapped[str | None] = mapped_column(String(20), index=True)
    sla_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # sla's resolution due
    escalations: Mapped[list | None] = mapped_column(JSON)
    survey: Mapped[dict | None] = mapped_column(JSON)
    classification: Mapped[dict | None] = mapped_column(JSON)
    # Events from other services may arrive out of order: keep when each field was last set.
    versions: Mapped[dict | None] = mapped_column(JSON)
    # client replies no staff member has opened the ticket to read yet
    unread_client_replies: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    replies: Mapped[list[Reply]] = relationship(back_populates="ticket",
                                                  order_by="Reply.id", lazy="selectin")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="ticket",
                                                           order_by="Attachment.id",
                                                           lazy="selectin")


class Reply(Base):
    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author: Mapped[str | None] = mapped_column(String(254))
    author_role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(20), default="reply")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ticket: Mapped[Ticket] = relationship(back_populates="replies")


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


class AttachmentChunk(Base):
    """An attachment's bytes when SERVICEDESK_ATTACHMENT_STORE=database (storage.py)."""
    __tablename__ = "attachment_chunks"

    storage_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class HistoryEntry(Base):
    __tablename__ = "history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str | None] = mapped_column(String(254))
    source: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(String(60))
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)


class NumberSequence(Base):
    __tablename__ = "number_sequences"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ReceivedMail(Base):
    """Each inbound mail handled, by its Message-ID: written with the ticket or reply it made,
    so a mail seen again (a crash before it was moved) changes nothing."""
    __tablename__ = "received_mail"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the Message-ID
    message_id: Mapped[str] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(254))
    outcome: Mapped[str] = mapped_column(String(20))  # ticket, reply, ignored, quarantined
    ticket_number: Mapped[str | None] = mapped_column(String(20), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class QuarantinedMail(Base):
    """A mail that could not be read, kept whole for the operators."""
    __tablename__ = "mail_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ticket_number: Mapped[str | None] = mapped_column(String(20))


Index("ix_tickets_status_created", Ticket.status, Ticket.created_at)
# GET /api/v1/tickets?sort=...: one index per sort field with the id as the tie-break.
SORT_INDEXES = tuple(
    Index(f"ix_tickets_sort_{name}", getattr(Ticket, name), Ticket.id)
    for name in ("created_at", "updated_at", "priority", "status", "title", "type", "category",
                 "service", "channel", "group", "assignee", "client", "agency", "sla_due_at",
                 "sla_state"))



def searched_text():
    """What `q` looks in on the ticket itself, as one text: PostgreSQL keeps a trigram index
    of exactly this expression (migration 0005_desk), so a search reads the index, not every
    ticket. The separators are inline constants, as the index's expression has them."""
    space = literal_column("' '")
    return (Ticket.title + space + Ticket.body + space + Ticket.number + space
            + func.coalesce(Ticket.guest_email, literal_column("''")) + space
            + func.coalesce(Ticket.client, literal_column("''")))


class CannedReply(Base):
    """A reply template the supervisor keeps; {number}, {title}, ... are the ticket's fields."""
    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120), unique=True)
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
