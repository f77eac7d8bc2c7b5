"""The outbox and inbox tables, in every service's database (Alembic includes this metadata)."""
from sqlalchemy import JSON, BigInteger, Column, Index, Integer, MetaData, String, Table, text

from .db import UtcDateTime

metadata = MetaData()

BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER keys only

outbox = Table(
    "outbox", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("message_id", String(36), nullable=False, unique=True),
    Column("type", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("aggregate_id", String(64)),
    Column("correlation_id", String(64)),
    Column("causation_id", String(64)),
    Column("producer", String(32), nullable=False),
    Column("occurred_at", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("sent_at", UtcDateTime),
)
# The relay asks only for unsent rows: a partial index keeps that query small forever.
Index("ix_outbox_unsent", outbox.c.id, postgresql_where=text("sent_at IS NULL"),
      sqlite_where=text("sent_at IS NULL"))

inbox = Table(
    "inbox", metadata,
    Column("message_id", String(36), primary_key=True),
    Column("type", String(64), nullable=False),
    Column("processed_at", UtcDateTime, nullable=False),
)
# Retention deletes the oldest marks: without this index each batch would scan the table.
inbox_processed_index = Index("ix_inbox_processed_at", inbox.c.processed_at)
