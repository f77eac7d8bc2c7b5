"""Intake's test fixtures: the service in-process on its own database (with a catalog as
triage publishes it), and its handlers on a migrated SQLite database for fast event tests."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from servicedesk_common.db import make_engine, session_factory
from servicedesk_common.events import Envelope
from servicedesk_common.messaging_tables import outbox
from servicedesk_common.migrations import upgrade
from servicedesk_common.settings import Settings
from servicedesk_common.worker import once_per_message

CATALOG = {  # the shape of GET /api/v1/catalog (a part of the SOP's catalog)
    "types": [
        {"code": "incident", "name": "Insiden",
         "categories": ["Aplikasi", "Jaringan", "Hardware", "Data"]},
        {"code": "service_request", "name": "Permintaan",
         "categories": ["Aplikasi", "Jaringan", "Data"]},
        {"code": "access_request", "name": "Permintaan Akses", "categories": ["Akses"]},
        {"code": "other", "name": "Lainnya", "categories": ["Lainnya"]},
    ],
    "categories": [
        {"name": "Aplikasi", "details": [{"name": "Aplikasi", "services": [
            {"code": "aplikasi-down", "name": "Aplikasi down"}]}]},
        {"name": "Jaringan", "details": [{"name": "Internet", "services": [
            {"code": "internet-lambat", "name": "Internet lambat"},
            {"code": "internet-mati", "name": "Internet mati"}]}]},
        {"name": "Hardware", "details": [
            {"name": "WAN", "services": [{"code": "wan-mati", "name": "WAN mati"}]},
            {"name": "Server", "services": [{"code": "server-down", "name": "Server down"}]}]},
        {"name": "Data", "details": [{"name": "Data", "services": [
            {"code": "data-hilang", "name": "Data hilang"}]}]},
    ],
}

GUEST_TICKET = {"title": "Internet mati di ruang rapat", "body": "Sejak pagi tidak tersambung.",
                "category": "Jaringan", "service": "Internet mati",
                "guest_email": "warga@example.com"}


class Desk:
    """The intake app plus the calls most tests make."""

    def __init__(self, harness):
        self.harness = harness
        self.http = harness.http
        self.operator = harness.headers("operator1", "operator")
        self.supervisor = harness.headers("supervisor1", "supervisor")

    def headers(self, username: str, role: str, **extra) -> dict:
        return self.harness.headers(username, role, **extra)

    def client(self, username: str = "client1") -> dict:
        return self.harness.headers(username, "client", email=f"{username}@example.com")

    def create(self, headers: dict | None = None, **fields) -> dict:
        body = {**GUEST_TICKET, **fields}
        body = {k: v for k, v in body.items() if v is not None}
        response = self.http.post("/api/v1/tickets", json=body, headers=headers or {})
        assert response.status_code == 201, response.json
        return response.json

    def patch(self, number: str, headers: dict | None = None, **fields):
        return self.http.patch(f"/api/v1/tickets/{number}", json=fields,
                               headers=headers or self.operator)

    def make_closable(self, number: str) -> None:
        """SOP step 16: urgency and impact set, and level 2's solution in (the guest ticket
        has its category and service)."""
        assert self.patch(number, urgency="medium", impact="medium").status_code == 200
        with self.harness.uow() as uow:
            uow.tickets.get(number).solution = "Perangkat diganti."
            uow.commit()

    def get(self, number: str, headers: dict | None = None) -> dict:
        response = self.http.get(f"/api/v1/tickets/{number}", headers=headers or self.operator)
        assert response.status_code == 200, response.json
        return response.json

    def history(self, number: str) -> list[dict]:
        return self.http.get(f"/api/v1/tickets/{number}/history", headers=self.operator).json

    def events(self, event_type: str | None = None, number: str | None = None) -> list[dict]:
        with self.harness.uow() as uow:
            rows = uow.session.execute(select(outbox).order_by(outbox.c.id)).all()
        return [{**row.payload, "event": row.type} for row in rows
                if (event_type is None or row.type == event_type)
                and (number is None or row.payload.get("number") == number)]

    def counts(self) -> tuple[int, int]:
        """(tickets, outbox rows): what a refused request must not change."""
        from intake.models import Ticket

        with self.harness.uow() as uow:
            return (uow.session.execute(select(func.count()).select_from(Ticket)).scalar_one(),
                    uow.session.execute(select(func.count()).select_from(outbox)).scalar_one())


@pytest.fixture
def desk(run_service):
    from intake.catalog import StaticCatalog

    harness = run_service("intake", worker=False)
    harness.app.extensions["intake"].catalog = StaticCatalog(CATALOG)
    return Desk(harness)


class Deliverer:
    """Hands events to intake's handlers as the worker does (once per message, inbox and all)
    on a migrated SQLite database."""

    def __init__(self, engine):
        from intake.worker import HANDLERS, UnitOfWork

        sessions = self.sessions = session_factory(engine)
        self.make_uow = lambda **kw: UnitOfWork(sessions, producer="intake", **kw)
        self.handlers = {t: once_per_message(h, self.make_uow) for t, h in HANDLERS.items()}

    def __call__(self, envelope: Envelope) -> Envelope:
        self.handlers[envelope.type](envelope)
        return envelope

    def create(self, *, staff: bool = False, **fields) -> str:
        from intake.handlers import create_ticket
        from servicedesk_common.identity import Identity

        data = {**GUEST_TICKET, "type": "incident", **fields}
        by = Identity("operator1", "operator") if staff else None
        with self.make_uow() as uow:
            created = create_ticket(data, by=by, uow=uow, catalog=CATALOG)
            uow.commit()
            return created.ticket.number

    def ticket(self, number: str):
        with self.make_uow() as uow:
            ticket = uow.tickets.get(number)
            _ = ticket.replies, ticket.attachments
            return ticket

    def history(self, number: str) -> list:
        with self.make_uow() as uow:
            return uow.tickets.history(uow.tickets.get(number))

    def outbox_size(self) -> int:
        with self.make_uow() as uow:
            return uow.session.execute(select(func.count()).select_from(outbox)).scalar_one()

    def events(self, event_type: str) -> list[dict]:
        with self.make_uow() as uow:
            rows = uow.session.execute(select(outbox).where(outbox.c.type == event_type)
                                       .order_by(outbox.c.id)).all()
        return [row.payload for row in rows]


@pytest.fixture
def deliver(tmp_path, monkeypatch):
    from intake.worker import MIGRATIONS

    monkeypatch.setenv("SERVICEDESK_DEV", "1")
    settings = replace(Settings.from_env("intake"), database_url=f"sqlite:///{tmp_path}/i.db",
                       shares_database=False, data_dir=tmp_path)
    engine = make_engine(settings)
    upgrade(MIGRATIONS, settings, engine)
    yield Deliverer(engine)
    engine.dispose()
