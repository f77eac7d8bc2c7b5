"""Inbox: the processed-message table that makes at-least-once delivery have one effect."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .events import Envelope
from .messaging_tables import inbox


class Inbox:
    def __init__(self, session: Session):
        self.session = session

    def seen(self, message_id: str) -> bool:
        return self.session.execute(
            select(inbox.c.message_id).where(inbox.c.message_id == message_id)).first() is not None

    def mark(self, event: Envelope) -> None:
        self.session.execute(insert(inbox).values(
            message_id=event.message_id, type=event.type, processed_at=datetime.now(UTC)))

    def first_delivery(self, event: Envelope) -> bool:
        """True the first time: the mark commits with the handler's own changes."""
        if self.seen(event.message_id):
            return False
        self.mark(event)
        return True
