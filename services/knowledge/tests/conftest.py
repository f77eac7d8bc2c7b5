"""Knowledge's test fixtures: the service in-process on its own PostgreSQL database (seeded with
the 40 articles and the synonyms by its migrations), events handed to its handlers exactly as
the worker does (once per message), and the calls most tests make."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from servicedesk_common.events import Envelope, iso
from servicedesk_common.messaging_tables import outbox
from servicedesk_common.worker import once_per_message


class Knowledge:
    def __init__(self, harness):
        self.harness = harness
        self.http = harness.http
        self.km = harness.headers("km1", "knowledge_manager")
        self.operator = harness.headers("operator1", "operator")
        self.supervisor = harness.headers("supervisor1", "supervisor")
        self.technician = harness.headers("tech-egov-1", "technician", group="egov")
        self.client = harness.headers("client1", "client")

    def article(self, headers=None, **fields) -> dict:
        body = {"title": "Printer kantor tidak mau mencetak", "category": "Hardware",
                "service": "Komputer rusak",
                "symptoms": "Dokumen dikirim ke printer tetapi antrean macet.",
                "solution": "Matikan printer, hapus antrean cetak, nyalakan kembali.",
                "keywords": ["printer", "cetak"], **fields}
        response = self.http.post("/api/v1/kb/articles", json=body, headers=headers or self.km)
        assert response.status_code == 201, response.json
        return response.json

    def search(self, q: str, headers=None, **args) -> list[dict]:
        response = self.http.get("/api/v1/kb/articles", query_string={"q": q, **args},
                                 headers=headers or {})
        assert response.status_code == 200, response.json
        return response.json["items"]

    def deliver(self, event_type: str, payload: dict, *, at: datetime | None = None,
                message_id: str | None = None) -> Envelope:
        """Hand an event to the service's handler the way the worker does."""
        from knowledge.worker import HANDLERS

        fields = {"occurred_at": iso(at)} if at else {}
        if message_id:
            fields["message_id"] = message_id
        envelope = Envelope(type=event_type, payload=payload, producer="intake",
                            aggregate_id=payload.get("number"), **fields)
        once_per_message(HANDLERS[event_type], lambda **kw: self.uow(**kw))(envelope)
        return envelope

    def uow(self, **kw):
        from knowledge.worker import UnitOfWork

        return UnitOfWork(self.harness.app.extensions["servicedesk"].sessions,
                          producer="knowledge", **kw)

    def ticket(self, number: str, *, title: str, body: str = "", category: str = "Hardware",
               service: str | None = None, solution: str | None = None,
               closed_at: datetime | None = None) -> None:
        self.deliver("ticket.created", {"number": number, "title": title, "body": body,
                                        "category": category, "service": service,
                                        "created_at": iso(datetime.now(UTC))})
        if solution is not None:
            self.deliver("ticket.closed", {
                "number": number, "title": title, "body": body, "category": category,
                "service": service, "resolution": solution, "by": "operator1",
                "at": iso(closed_at or datetime.now(UTC))})

    def events(self, event_type: str) -> list[dict]:
        with self.uow() as uow:
            rows = uow.session.execute(select(outbox.c.type, outbox.c.payload)
                                       .order_by(outbox.c.id)).all()
        return [row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
                for row in rows if row.type == event_type]


@pytest.fixture
def kb(run_service) -> Knowledge:
    return Knowledge(run_service("knowledge", worker=False))


@pytest.fixture
def sqlite_kb(make_settings, tmp_path) -> Knowledge:
    """The service on a SQLite file (FTS5 search), as `make run` without PostgreSQL."""
    from knowledge.api import create_app
    from knowledge.worker import MIGRATIONS
    from servicedesk_common.migrations import upgrade
    from servicedesk_common.testing import ServiceHarness

    settings = replace(make_settings("knowledge"),
                       database_url=f"sqlite:///{tmp_path / 'knowledge.db'}")
    upgrade(MIGRATIONS, settings)
    return Knowledge(ServiceHarness("knowledge", settings, create_app(settings), None))
