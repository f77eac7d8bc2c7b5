"""An idle `make run` stack on PostgreSQL (default settings, one worker per service) holds at
most 20 connections, even after a busy spell: a second stack, or a second office's desk on the
same server (max_connections 100), must still find room."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.conftest import start_stack, stop_stack

BUDGET = 20
STAFF_PAGES = ("/api/v1/tickets", "/api/v1/groups", "/api/v1/sla/policies",
               "/api/v1/kb/articles", "/api/v1/catalog", "/api/v1/auth/me",
               "/api/v1/surveys/question-sets")


def connections(server_url: str, template: str) -> dict[str, int]:
    """The stack's connections per database, from pg_stat_activity."""
    with psycopg.connect(server_url) as conn:
        rows = conn.execute(
            "SELECT datname, count(*) FROM pg_stat_activity WHERE datname LIKE %s "
            "GROUP BY datname", (template.replace("{service}", "%"),)).fetchall()
    return dict(rows)


def busy_spell(stack) -> None:
    """What a morning at the desk does to the pools: many requests at once on every service,
    and tickets whose events every worker handles."""
    operator = stack.client("operator1")
    for n in range(3):
        created = stack.client().post("/api/v1/tickets", json={
            "title": f"Internet mati {n}", "body": "Sejak pagi wifi tidak tersambung.",
            "category": "Jaringan", "service": "Internet mati",
            "guest_email": "warga@example.com"})
        assert created.status_code == 201, created.text
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda path: operator.get(path).status_code,
                                STAFF_PAGES * 12))
    assert set(answers) == {200}, answers


@pytest.fixture
def default_stack(test_databases, amqp_url, tmp_path):
    # make run's defaults: the test stack's smaller pools and single web worker removed.
    stack, process, bus, log_file = start_stack(
        test_databases, amqp_url, tmp_path, SERVICEDESK_DB_POOL_SIZE=None,
        SERVICEDESK_DB_MAX_OVERFLOW=None, SERVICEDESK_WEB_WORKERS=None)
    yield stack
    stop_stack(process, bus, log_file)


def test_an_idle_stack_stays_within_its_connection_budget(default_stack, database_server_url):
    template = default_stack.env["SERVICEDESK_DATABASE_URL"].rsplit("/", 1)[1]
    busy_spell(default_stack)
    busy = sum(connections(database_server_url, template).values())

    time.sleep(15)  # idle pools give their connections back (SERVICEDESK_DB_IDLE_SECONDS: 10)
    idle = connections(database_server_url, template)

    assert sum(idle.values()) <= BUDGET, (
        f"idle stack holds {sum(idle.values())} connections (busy: {busy}): {idle}")
