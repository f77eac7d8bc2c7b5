"""Pooled PostgreSQL connections the server closed (a restart, an admin's terminate): an idle
one is replaced before use; one lost while the pool is busy fails one request with a 503 in
the contract's shape, and the next request works."""
import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from servicedesk_common.bus import wait_until
from servicedesk_common.db import make_engine, session_factory
from servicedesk_common.testing import free_port


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def terminate(engine, pid: int) -> None:
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):  # the backend is gone once it no longer shows
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                 (pid,)).fetchone():
                return
            admin.execute("SELECT pg_sleep(0.02)")


@pytest.fixture
def engine_with(make_settings, monkeypatch):
    engines = []

    def build(ping_idle_seconds: float):
        monkeypatch.setenv("SERVICEDESK_DB_PING_IDLE_SECONDS", str(ping_idle_seconds))
        engine = make_engine(make_settings("triage"), pool_size=1)
        engines.append(engine)
        return engine

    yield build
    for engine in engines:
        engine.dispose()


def test_an_idle_connection_the_server_closed_is_replaced_before_use(engine_with):
    engine = engine_with(ping_idle_seconds=0)
    first = backend_pid(engine)
    terminate(engine, first)

    assert backend_pid(engine) != first  # no error: the ping found it dead


def test_a_connection_lost_while_busy_fails_once_then_the_pool_recovers(engine_with):
    engine = engine_with(ping_idle_seconds=3600)  # never idle long enough to be pinged
    terminate(engine, backend_pid(engine))

    with pytest.raises(DBAPIError) as lost:
        backend_pid(engine)
    assert lost.value.connection_invalidated
    assert backend_pid(engine) > 0


def test_a_request_that_lost_its_database_connection_gets_a_503_and_the_next_works(
        run_service, monkeypatch):
    monkeypatch.setenv("SERVICEDESK_DB_PING_IDLE_SECONDS", "3600")
    triage = run_service("triage", worker=False)
    client = triage.http
    assert client.get("/api/v1/catalog").status_code == 200
    engine = triage.app.extensions["servicedesk"].engine
    terminate(engine, backend_pid(engine))

    lost = client.get("/api/v1/catalog")
    assert lost.status_code == 503
    assert lost.get_json()["error"]["code"] == "service_unavailable"
    assert "try again" in lost.get_json()["error"]["message"]
    assert client.get("/api/v1/catalog").status_code == 200


def test_a_request_finding_every_pooled_connection_busy_gets_a_503_with_retry_after(
        run_service, monkeypatch):
    monkeypatch.setenv("SERVICEDESK_DB_POOL_SIZE", "1")
    monkeypatch.setenv("SERVICEDESK_DB_MAX_OVERFLOW", "0")
    monkeypatch.setenv("SERVICEDESK_DB_POOL_TIMEOUT", "0.3")
    triage = run_service("triage", worker=False)
    client = triage.http
    engine = triage.app.extensions["servicedesk"].engine

    with engine.connect():  # a slow request holds the process's only connection
        busy = client.get("/api/v1/catalog")

    assert busy.status_code == 503
    assert int(busy.headers["Retry-After"]) > 0
    error = busy.get_json()["error"]
    assert error["code"] == "service_unavailable"
    assert "try again" in error["message"]
    assert client.get("/api/v1/catalog").status_code == 200


def test_a_database_turning_connections_away_answers_503_with_retry_after(
        run_service, monkeypatch):
    triage = run_service("triage", worker=False)
    runtime = triage.app.extensions["servicedesk"]
    runtime.engine.dispose()
    # A server past max_connections (or restarting) refuses the connect itself.
    refused = runtime.engine.url.set(port=free_port())
    monkeypatch.setattr(runtime, "engine", create_engine(refused))
    monkeypatch.setattr(runtime, "sessions", session_factory(runtime.engine))

    answer = triage.http.get("/api/v1/catalog")

    assert answer.status_code == 503
    assert int(answer.headers["Retry-After"]) > 0
    assert answer.get_json()["error"]["code"] == "service_unavailable"


def test_pools_are_sized_by_process_kind_and_the_settings_override_both(
        make_settings, monkeypatch):
    settings = make_settings("triage")
    for name in ("SERVICEDESK_DB_POOL_SIZE", "SERVICEDESK_DB_MAX_OVERFLOW"):
        monkeypatch.delenv(name, raising=False)
    web, worker = make_engine(settings), make_engine(settings, kind="worker")
    monkeypatch.setenv("SERVICEDESK_DB_POOL_SIZE", "7")
    monkeypatch.setenv("SERVICEDESK_DB_MAX_OVERFLOW", "1")
    overridden = make_engine(settings, kind="worker")

    assert (web.pool.size(), web.pool._max_overflow) == (2, 6)
    assert (worker.pool.size(), worker.pool._max_overflow) == (1, 4)
    assert (overridden.pool.size(), overridden.pool._max_overflow) == (7, 1)
    for engine in (web, worker, overridden):
        engine.dispose()


def test_an_idle_pool_gives_its_connections_back_to_the_server(make_settings, monkeypatch):
    monkeypatch.setenv("SERVICEDESK_DB_IDLE_SECONDS", "0.5")
    engine = make_engine(make_settings("triage"))
    pid = backend_pid(engine)
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def still_connected() -> bool:
        with psycopg.connect(url) as admin:
            return bool(admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                      (pid,)).fetchone())

    assert still_connected()
    assert wait_until(lambda: not still_connected(), 5, interval=0.1)
    assert backend_pid(engine) != pid  # the next use simply connects again
    engine.dispose()
