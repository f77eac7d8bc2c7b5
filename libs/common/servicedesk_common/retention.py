"""Retention: sent outbox rows and old inbox marks are deleted by age, a small batch per
transaction, so that neither table grows for ever and no relay or consumer waits on a long
delete. Unsent outbox rows are never touched, however old."""
from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, select

from .db import UtcDateTime
from .messaging_tables import inbox, inbox_processed_index, outbox

log = logging.getLogger(__name__)

_CUTOFF = bindparam("cutoff", type_=UtcDateTime)
_BATCH = bindparam("batch")
# Oldest first by id: sent rows are the oldest, so the scan finds a batch at the table's start.
_SENT_OUTBOX = delete(outbox).where(outbox.c.id.in_(
    select(outbox.c.id).where(outbox.c.sent_at.is_not(None), outbox.c.sent_at < _CUTOFF)
    .order_by(outbox.c.id).limit(_BATCH)))
_OLD_INBOX = delete(inbox).where(inbox.c.message_id.in_(
    select(inbox.c.message_id).where(inbox.c.processed_at < _CUTOFF).limit(_BATCH)))


def add_inbox_index(op) -> None:
    """For a service's Alembic migration: the index retention deletes old inbox marks by."""
    op.create_index(inbox_processed_index.name, "inbox", ["processed_at"])


def drop_inbox_index(op) -> None:
    op.drop_index(inbox_processed_index.name, table_name="inbox")


def prune(sessions, *, older_than: timedelta, batch: int = 1000,
          now: datetime | None = None, stop: threading.Event | None = None) -> dict[str, int]:
    """Delete sent outbox rows and inbox marks older than `older_than`; returns the counts.

    An inbox mark is what makes a duplicate delivery harmless, so it must outlive any
    redelivery: the broker redelivers within seconds (retries within the retry delays), far
    inside the retention of days."""
    cutoff = (now or datetime.now(UTC)) - older_than
    return {name: _in_batches(sessions, statement, cutoff, batch, stop)
            for name, statement in (("outbox", _SENT_OUTBOX), ("inbox", _OLD_INBOX))}


def _in_batches(sessions, statement, cutoff: datetime, batch: int,
                stop: threading.Event | None) -> int:
    total = 0
    while stop is None or not stop.is_set():
        with sessions() as session, session.begin():
            deleted = session.execute(statement, {"cutoff": cutoff, "batch": batch}).rowcount
        total += deleted
        if deleted < batch:
            break
    return total


def pruning_loop(sessions, *, service: str, days: float, interval_seconds: float,
                 stop: threading.Event) -> None:
    """A worker thread: prune once soon after start, then every `interval_seconds`."""
    if days <= 0:  # 0: keep everything
        return
    delay = min(60.0, interval_seconds)
    while not stop.wait(delay):
        delay = interval_seconds
        try:
            counts = prune(sessions, older_than=timedelta(days=days), stop=stop)
        except Exception as exc:  # noqa: BLE001 - the next round tries again
            log.warning("event=prune_failed service=%s error=%r", service, exc)
            continue
        log.info("event=pruned service=%s outbox=%d inbox=%d older_than_days=%g", service,
                 counts["outbox"], counts["inbox"], days)
