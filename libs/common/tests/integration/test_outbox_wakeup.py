"""A committed outbox row wakes the relay at once (PostgreSQL NOTIFY): through the trigger the
migrations install, or, in a database without it, through the writer's own pg_notify."""
import psycopg
import pytest
from sqlalchemy import event

from servicedesk_common import messaging_tables
from servicedesk_common.db import UnitOfWork, make_engine, session_factory
from servicedesk_common.migrations import upgrade
from servicedesk_common.outbox import notify_channel

PAYLOAD = {"number": "INC-2026-000001", "priority": 2, "urgency": "medium", "impact": "medium"}


def write_one_event(engine) -> list[str]:
    """One unit of work that adds an outbox row; the SQL it sent."""
    sent: list[str] = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with UnitOfWork(session_factory(engine), producer="triage") as uow:
            uow.outbox.add("ticket.prioritized", PAYLOAD, aggregate_id=PAYLOAD["number"])
            uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return sent


def woken(engine, write) -> tuple[bool, list[str]]:
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as relay:
        relay.execute(f'LISTEN "{notify_channel("triage")}"')
        sent = write()
        heard = list(relay.notifies(timeout=5, stop_after=1))
    return bool(heard), sent


@pytest.fixture
def engine(make_settings):
    engine = make_engine(make_settings("triage"))
    yield engine
    engine.dispose()


def test_a_migrated_outbox_wakes_the_relay_without_a_notify_statement(engine, make_settings):
    import triage.worker

    upgrade(triage.worker.MIGRATIONS, make_settings("triage"), engine)

    heard, sent = woken(engine, lambda: write_one_event(engine))

    assert heard
    assert not any("pg_notify" in statement for statement in sent)


def test_an_outbox_without_the_trigger_still_wakes_the_relay(engine):
    messaging_tables.metadata.create_all(engine)

    heard, sent = woken(engine, lambda: write_one_event(engine))

    assert heard
    assert any("pg_notify" in statement for statement in sent)
