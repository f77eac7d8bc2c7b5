"""Escalation's copy of each ticket, from other services' events delivered in any order and
more than once: the same ticket whatever the order, on PostgreSQL and on SQLite (the default
database when none is configured)."""
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from servicedesk_common.db import make_engine, session_factory
from servicedesk_common.events import Envelope, iso
from servicedesk_common.migrations import upgrade
from servicedesk_common.worker import once_per_message

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def at(seconds: float) -> str:
    return iso(T0 + timedelta(seconds=seconds))


def life_of_a_ticket(number: str) -> list[Envelope]:
    """What intake, triage and sla announce of one ticket, in the order they happened."""
    events = [
        ("ticket.created", 0, {"type": "incident", "title": "Printer macet", "status": "new",
                               "channel": "phone", "created_at": at(0)}),
        ("ticket.classified", 1, {"category": "Hardware"}),
        ("ticket.prioritized", 2, {"priority": 2, "urgency": "medium", "impact": "medium",
                                   "category": "Hardware"}),
        ("sla.started", 3, {"response_due_at": at(3600), "resolution_due_at": at(7200),
                            "state": "running"}),
        ("ticket.updated", 4, {"changes": {"title": {"from": "Printer macet",
                                                     "to": "Printer lantai 2 macet"}}}),
        ("ticket.prioritized", 5, {"priority": 1, "urgency": "high", "impact": "medium"}),
        ("sla.updated", 6, {"resolution_due_at": at(5400), "state": "running"}),
        ("ticket.status_changed", 7, {"from": "new", "to": "in_progress"}),
        ("ticket.classified", 8, {"category": "Jaringan"}),
    ]
    return [Envelope(type=kind, payload={"number": number, **payload}, producer="other",
                     aggregate_id=number, occurred_at=at(seconds))
            for kind, seconds, payload in events]


@pytest.fixture(params=["postgresql", "sqlite"])
def read_model(request, make_settings, tmp_path):
    from escalation.worker import HANDLERS, MIGRATIONS, UnitOfWork

    settings = make_settings("escalation")
    if request.param == "sqlite":
        settings = replace(settings, database_url=f"sqlite:///{tmp_path}/escalation.db")
    engine = make_engine(settings)
    upgrade(MIGRATIONS, settings, engine)
    sessions = session_factory(engine)

    def make_uow(**kw):
        return UnitOfWork(sessions, producer="escalation", **kw)

    handlers = {t: once_per_message(h, make_uow) for t, h in HANDLERS.items()}

    def deliver(envelope: Envelope) -> None:
        handlers[envelope.type](envelope)

    def ticket(number: str) -> dict:
        with make_uow() as uow:
            view = uow.tickets.get(number)
            return {column: getattr(view, column) for column in (
                "type", "title", "category", "priority", "status", "created_at",
                "response_due_at", "resolution_due_at", "sla_state", "versions")}

    yield deliver, ticket
    engine.dispose()


def test_events_in_any_order_and_redelivered_leave_the_same_ticket(read_model):
    deliver, ticket = read_model
    for event in life_of_a_ticket("INC-2026-900001"):
        deliver(event)
    in_order = ticket("INC-2026-900001")
    assert (in_order["title"], in_order["category"], in_order["priority"],
            in_order["status"]) == ("Printer lantai 2 macet", "Jaringan", 1, "in_progress")
    assert (in_order["resolution_due_at"], in_order["created_at"]) == (
        T0 + timedelta(seconds=5400), T0)
    shuffle = random.Random(9)
    for attempt in range(2, 6):
        number = f"INC-2026-90000{attempt}"
        events = life_of_a_ticket(number)
        shuffle.shuffle(events)
        for event in events + events[:3]:  # the first three delivered again
            deliver(event)
        assert ticket(number) == in_order, [e.type for e in events]
