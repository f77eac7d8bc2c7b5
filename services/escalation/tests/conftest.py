"""Escalation on real PostgreSQL: its API through the Flask test client, and other services'
events handed to its handlers the way its worker does (once per message, own transaction)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from servicedesk_common.db import session_factory
from servicedesk_common.events import Envelope, iso
from servicedesk_common.messaging_tables import outbox
from servicedesk_common.worker import once_per_message

ROLES = {"operator1": "operator", "operator2": "operator", "supervisor1": "supervisor",
         "admin": "admin", "km1": "knowledge_manager", "client1": "client",
         "tech-egov-1": "technician", "tech-egov-2": "technician",
         "tech-webapi-1": "technician", "tech-network-1": "technician",
         "tech-network-2": "technician"}


class Desk:
    """One escalation service; `as_(user)` sends requests as that demo account."""

    def __init__(self, harness):
        from escalation.worker import HANDLERS, UnitOfWork

        self.harness = harness
        self.http = harness.http
        sessions = session_factory(harness.app.extensions["servicedesk"].engine)
        self.make_uow = lambda **kw: UnitOfWork(sessions, producer="escalation", **kw)
        self.handlers = {t: once_per_message(h, self.make_uow) for t, h in HANDLERS.items()}
        self._count = 0

    def headers(self, user: str) -> dict:
        return self.harness.headers(user, ROLES.get(user, "technician"))

    def post(self, path: str, body: dict | None = None, *, user: str = "operator1"):
        return self.http.post(path, json=body if body is not None else {},
                              headers=self.headers(user))

    def get(self, path: str, *, user: str = "operator1", **query):
        return self.http.get(path, query_string=query, headers=self.headers(user))

    # events from other services
    def deliver(self, event_type: str, number: str, *, occurred_at: datetime | None = None,
                envelope: Envelope | None = None, **payload) -> Envelope:
        if envelope is None:
            kwargs = {"occurred_at": iso(occurred_at)} if occurred_at else {}
            envelope = Envelope(type=event_type, payload={"number": number, **payload},
                                producer=event_type.split(".")[0], aggregate_id=number,
                                **kwargs)
        self.handlers[envelope.type](envelope)
        return envelope

    def ticket(self, category: str = "Jaringan", *, number: str | None = None,
               priority: int | None = 2, title: str = "Internet mati di ruang rapat",
               status: str = "new") -> str:
        """A ticket escalation has heard of, as intake and triage announce it."""
        self._count += 1
        number = number or f"INC-2026-{900000 + self._count:06d}"
        self.deliver("ticket.created", number, type="incident", title=title,
                     category=category, status=status, channel="phone",
                     created_at=iso(datetime.now(UTC)))
        if priority is not None:
            self.deliver("ticket.prioritized", number, priority=priority, urgency="high",
                         impact="medium", category=category)
        return number

    def assign(self, number: str, *, user: str = "operator1", **form):
        body = {"diagnosis": "Sudah cek kabel dan restart router; tetap mati.",
                "reason": "Perlu akses ke switch inti.", **form}
        return self.post(f"/api/v1/tickets/{number}/assign", body, user=user)

    def events(self, event_type: str, number: str | None = None) -> list[dict]:
        with self.make_uow() as uow:
            rows = uow.session.execute(select(outbox.c.type, outbox.c.payload)
                                       .order_by(outbox.c.id)).all()
        return [row.payload for row in rows if row.type == event_type
                and (number is None or row.payload["number"] == number)]

    def notifications(self, user: str, **query) -> list[dict]:
        response = self.get("/api/v1/notifications", user=user, **query)
        assert response.status_code == 200, response.json
        return response.json["items"]


@pytest.fixture
def desk(run_service, monkeypatch) -> Desk:
    """Escalation's web app on its own database; no worker threads (events are delivered
    directly, see Desk.deliver)."""
    monkeypatch.setenv("SERVICEDESK_ESCALATION_TICKET_WAIT", "0.3")
    monkeypatch.delenv("SERVICEDESK_SUPERVISORS", raising=False)
    return Desk(run_service("escalation", worker=False))

