"""Test fixtures: real PostgreSQL and RabbitMQ, found as DEVELOPERS.md says, each test run in
its own databases and its own exchange/queue names. Registered from the root conftest.py."""
from __future__ import annotations

import importlib
import os
import shutil
import socket
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .settings import Settings

LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"

HOW_TO_GET_SERVERS = """Integration tests need a real {what}.
Set {variable}, start one locally on its standard port ({hint}),
or install Docker so that testcontainers can start one."""


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1",
                                       parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _docker_available() -> bool:
    return shutil.which("docker") is not None and os.path.exists("/var/run/docker.sock")


def resolve_database_url(containers: list) -> str:
    url = os.environ.get("SERVICEDESK_TEST_DATABASE_URL")
    if url:
        return url
    if _reachable(LOCAL_DATABASE_URL, 5432):
        return LOCAL_DATABASE_URL
    if _docker_available():
        from testcontainers.postgres import PostgresContainer

        container = PostgresContainer("postgres:16-alpine", driver=None).start()
        containers.append(container)
        return container.get_connection_url()
    pytest.fail(HOW_TO_GET_SERVERS.format(
        what="PostgreSQL", variable="SERVICEDESK_TEST_DATABASE_URL",
        hint="apt-get install postgresql, trust auth on 127.0.0.1:5432"), pytrace=False)


def resolve_amqp_url(containers: list) -> str:
    url = os.environ.get("SERVICEDESK_TEST_AMQP_URL")
    if url:
        return url
    if _reachable(LOCAL_AMQP_URL, 5672):
        return LOCAL_AMQP_URL
    if _docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        container = RabbitMqContainer("rabbitmq:3.13-management").start()
        containers.append(container)
        return (f"amqp://guest:guest@{container.get_container_host_ip()}:"
                f"{container.get_exposed_port(5672)}/%2F")
    pytest.fail(HOW_TO_GET_SERVERS.format(
        what="RabbitMQ", variable="SERVICEDESK_TEST_AMQP_URL",
        hint="apt-get install rabbitmq-server; rabbitmq-server -detached"), pytrace=False)


@pytest.fixture(scope="session")
def _containers():
    started: list = []
    yield started
    for container in started:
        container.stop()


@pytest.fixture(scope="session")
def database_server_url(_containers) -> str:
    return resolve_database_url(_containers)


@pytest.fixture(scope="session")
def amqp_url(_containers) -> str:
    return resolve_amqp_url(_containers)


def _with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return parsed._replace(path="/" + name).geturl()


class TestDatabases:
    """Creates uniquely named databases and drops them at the end of the session."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.created: list[str] = []

    def url_template(self) -> str:
        """A `{service}` URL whose databases are this run's own (created on first use)."""
        name = f"sdt_{uuid.uuid4().hex[:10]}_{{service}}"
        self.created.append(name)
        return _with_database(self.server_url, name)

    def drop_all(self) -> None:
        from sqlalchemy import create_engine, text

        from .db import normalize_url

        engine = create_engine(normalize_url(_with_database(self.server_url, "postgres")),
                               isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for pattern in self.created:
                like = pattern.replace("{service}", "%")
                names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                                     {"p": like}).scalars().all()
                for name in names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def test_databases(database_server_url):
    databases = TestDatabases(database_server_url)
    yield databases
    databases.drop_all()


class TestBus:
    """A bus prefix of this test's own; its exchanges and queues are deleted afterwards."""

    def __init__(self, amqp_url: str):
        self.amqp_url = amqp_url
        self.prefix = f"sdtest-{uuid.uuid4().hex[:8]}"

    def delete_all(self, subscriptions: dict, retry_delays_ms) -> None:
        from .bus import Topology, connect

        topology = Topology(self.prefix, tuple(retry_delays_ms))
        connection = connect(self.amqp_url)
        channel = connection.channel()
        for service in subscriptions:
            for queue in [topology.queue(service), topology.dlq(service)] + [
                    topology.retry_queue(service, d) for d in retry_delays_ms]:
                channel.queue_delete(queue)
        channel.exchange_delete(topology.exchange)
        channel.exchange_delete(topology.dead_letter_exchange)
        connection.close()


TEST_RETRY_DELAYS_MS = (200, 400)
TEST_SECRET_KEY = "test-only-" + "k" * 32  # make_settings' key


@pytest.fixture
def test_bus(amqp_url):
    from .subscriptions import SUBSCRIPTIONS

    bus = TestBus(amqp_url)
    yield bus
    bus.delete_all({**SUBSCRIPTIONS, "spine": []}, TEST_RETRY_DELAYS_MS)


@pytest.fixture
def make_settings(test_databases, test_bus, tmp_path):
    """Settings for one service in this test's own databases and bus names."""
    template = test_databases.url_template()

    def build(service: str, **overrides) -> Settings:
        os.environ.setdefault("SERVICEDESK_DEV", "1")
        base = Settings.from_env(service)
        settings = replace(
            base, amqp_url=test_bus.amqp_url, bus_prefix=test_bus.prefix,
            database_url=template.replace("{service}", service), shares_database=False,
            data_dir=Path(tmp_path), secret_key=TEST_SECRET_KEY,
            retry_delays_ms=TEST_RETRY_DELAYS_MS, relay_idle_seconds=0.05)
        return replace(settings, **overrides)

    return build


def pytest_collection_modifyitems(config, items):
    """Mark tests that need servers so they can be selected (-m integration)."""
    for item in items:
        if {"make_settings", "amqp_url", "database_server_url", "stack", "dovecot",
                "slapd"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


class ServiceHarness:
    """One service in-process: its app's test client and, if asked, its worker threads."""

    def __init__(self, service: str, settings: Settings, app, worker):
        self.service = service
        self.settings = settings
        self.app = app
        self.http = app.test_client()
        self.worker = worker

    def headers(self, username: str = "operator1", role: str = "operator",
                group: str | None = None, **extra) -> dict:
        from .identity import HEADER, Identity, sign_identity

        identity = Identity(username=username, role=role, group=group,
                            email=extra.pop("email", None), name=extra.pop("name", None))
        return {HEADER: sign_identity(identity, self.settings.identity_key), **extra}

    def uow(self):
        module = importlib.import_module(f"{self.service}.worker")
        from .db import session_factory

        return module.UnitOfWork(session_factory(self.app.extensions["servicedesk"].engine),
                                 producer=self.service)


@pytest.fixture
def run_service(make_settings):
    """run_service("triage", worker=True) -> ServiceHarness on real PostgreSQL + RabbitMQ."""
    from .migrations import upgrade
    from .worker import Worker

    started: list = []

    def run(service: str, *, worker: bool = True, **overrides) -> ServiceHarness:
        settings = make_settings(service, **overrides)
        worker_module = importlib.import_module(f"{service}.worker")
        api_module = importlib.import_module(f"{service}.api")
        upgrade(worker_module.MIGRATIONS, settings)
        app = api_module.create_app(settings)
        running = None
        if worker:
            running = Worker(settings, worker_module.HANDLERS, worker_module.UnitOfWork,
                             loops=worker_module.LOOPS)
            running.start()
            assert running.consumer.connected.wait(10), "the consumer did not connect"
            started.append(running)
        return ServiceHarness(service, settings, app, running)

    yield run
    for running in started:
        running.request_stop()
        running.join()


@pytest.fixture
def dovecot():
    """A real Dovecot IMAP server of this test's own (servicedesk_common.dovecot)."""
    from .dovecot import Dovecot

    try:
        server = Dovecot().start()
    except FileNotFoundError as missing:
        pytest.fail(str(missing), pytrace=False)
    yield server
    server.remove()


PGBOUNCER = "/usr/sbin/pgbouncer"  # Debian's pgbouncer (`make test` installs it)


class PgBouncer:
    """A PgBouncer of the test run's own in transaction mode, in front of the test PostgreSQL,
    on a free loopback port; `pool_size` server connections per database (1 makes two clients
    share one, which is what breaks session state)."""

    def __init__(self, server_url: str, *, pool_size: int = 1):
        import tempfile

        self.server = urlparse(server_url)
        # a folder of its own in /tmp: when the suite runs as root PgBouncer runs as nobody,
        # who cannot reach pytest's private tmp_path
        self.workdir = Path(tempfile.mkdtemp(prefix="sd-pgbouncer-"))
        self.port = free_port()
        self.pool_size = pool_size
        self.process = None

    def url(self, database: str) -> str:
        auth = self.server.username or "postgres"
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def start(self) -> PgBouncer:
        import subprocess

        if not os.path.exists(PGBOUNCER):
            pytest.fail(f"{PGBOUNCER} is missing: apt-get install pgbouncer (make test does)",
                        pytrace=False)
        user = self.server.username or "postgres"
        password = f" password={self.server.password}" if self.server.password else ""
        config = self.workdir / "pgbouncer.ini"
        config.write_text(
            f"[databases]\n* = host={self.server.hostname or '127.0.0.1'} "
            f"port={self.server.port or 5432} user={user}{password}\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            "auth_type = any\npool_mode = transaction\n"
            f"default_pool_size = {self.pool_size}\nmax_client_conn = 500\n"
            "unix_socket_dir =\nignore_startup_parameters = extra_float_digits\n"
            f"logfile = {self.workdir / 'pgbouncer.log'}\n")
        command = [PGBOUNCER, str(config)]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            os.chmod(self.workdir, 0o777)
            command[1:1] = ["-u", "nobody"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        if not _wait_for_port(self.port, self.process):
            raise RuntimeError(f"pgbouncer did not start: {self.process.stderr.read()!r}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _wait_for_port(port: int, process, seconds: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture(scope="session")
def pgbouncer(database_server_url):
    bouncer = PgBouncer(database_server_url)
    yield bouncer.start()
    bouncer.stop()


@pytest.fixture
def slapd():
    """A real LDAP directory of this test's own (servicedesk_common.slapd)."""
    from .slapd import Slapd

    try:
        server = Slapd().start()
    except FileNotFoundError as missing:
        pytest.fail(str(missing), pytrace=False)
    yield server
    server.remove()
