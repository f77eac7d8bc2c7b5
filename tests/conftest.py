"""Cross-service fixtures: the whole stack started by the same launcher as `make run`, on this
run's own PostgreSQL databases and bus names, and an HTTP client that logs in as a role."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from servicedesk_common.bus import wait_until
from servicedesk_common.testing import PgBouncer, TestBus, free_port

ROOT = Path(__file__).resolve().parent.parent


class Stack:
    def __init__(self, base_url: str, demo_password: str, env: dict, log_path: Path):
        self.base_url = base_url
        self.demo_password = demo_password
        self.env = env
        self.log_path = log_path

    def url(self, path: str) -> str:
        return self.base_url + path

    def client(self, username: str | None = None) -> ApiClient:
        client = ApiClient(self.base_url)
        if username:
            client.login(username, self.demo_password)
        return client

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class ApiClient(requests.Session):
    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url
        self.user = None

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 20)
        return super().request(method, url, *args, **kwargs)

    def login(self, username: str, password: str) -> dict:
        response = self.post("/api/v1/auth/login", json={"username": username,
                                                         "password": password})
        assert response.status_code == 200, response.text
        body = response.json()
        self.headers["Authorization"] = f"Bearer {body['access_token']}"
        self.user = body["user"]
        return body

    def eventually(self, path: str, predicate, timeout: float = 10.0) -> dict:
        """GET path until predicate(json) holds: other services' fields lag by a moment."""
        last = {}

        def check():
            nonlocal last
            response = self.get(path)
            last = response.json() if response.headers.get("Content-Type", "").startswith(
                "application/json") else {}
            return response.status_code == 200 and predicate(last)

        assert wait_until(check, timeout, interval=0.1), f"{path} never matched; last: {last}"
        return last


def start_stack(test_databases, amqp_url: str, tmp_path: Path, **extra_env) -> tuple:
    port = free_port()
    bus = TestBus(amqp_url)
    password = secrets.token_urlsafe(12)
    env = {**os.environ,
           "SERVICEDESK_DATABASE_URL": test_databases.url_template(),
           "SERVICEDESK_AMQP_URL": amqp_url, "SERVICEDESK_BUS_PREFIX": bus.prefix,
           "SERVICEDESK_GATEWAY_PORT": str(port), "SERVICEDESK_DEMO_PASSWORD": password,
           "SERVICEDESK_DATA_DIR": str(tmp_path / "data"),
           "SERVICEDESK_RETRY_DELAYS_MS": "200,400", "SERVICEDESK_WEB_WORKERS": "1",
           # Several stacks may share the test server: keep each one's connections few.
           "SERVICEDESK_DB_POOL_SIZE": "2", "SERVICEDESK_DB_MAX_OVERFLOW": "4",
           "SERVICEDESK_LOG_LEVEL": "INFO", **extra_env}
    env = {name: value for name, value in env.items() if value is not None}  # None: unset
    log_path = tmp_path / "stack.log"
    log_file = open(log_path, "wb")
    # Through servicedesk_common.lifetime: a test run that is killed takes its stack with it.
    process = subprocess.Popen([sys.executable, "-m", "servicedesk_common.lifetime",
                                str(os.getpid()), "--", sys.executable,
                                str(ROOT / "deploy" / "run.py")], env=env,
                               cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
                               start_new_session=True)
    stack = Stack(f"http://127.0.0.1:{port}", password, env, log_path)

    def ready():
        if process.poll() is not None:
            raise RuntimeError(f"the launcher exited:\n{stack.log()[-5000:]}")
        try:
            return requests.get(stack.url("/readyz"), timeout=1).status_code == 200
        except requests.RequestException:
            return False

    if not wait_until(ready, 90, interval=0.3):
        process.send_signal(signal.SIGINT)
        raise RuntimeError(f"the stack did not become ready:\n{stack.log()[-5000:]}")
    return stack, process, bus, log_file


def stop_stack(process, bus, log_file) -> None:
    from servicedesk_common.subscriptions import SUBSCRIPTIONS
    from servicedesk_common.testing import TEST_RETRY_DELAYS_MS

    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log_file.close()
    bus.delete_all(SUBSCRIPTIONS, TEST_RETRY_DELAYS_MS)


# The session's stack runs as a deployment on several machines would (docs/DEPLOY.md): two
# event workers per service competing for each queue, quorum queues, and every database
# reached through PgBouncer in transaction mode (LISTEN straight to PostgreSQL). Stacks that
# tests start for themselves (launcher, mail) keep make run's defaults.
SCALED_OUT = {"SERVICEDESK_WORKER_REPLICAS": "2", "SERVICEDESK_QUEUE_TYPE": "quorum",
              "SERVICEDESK_DATABASE_POOLER": "transaction"}


@pytest.fixture(scope="session")
def stack(test_databases, amqp_url, database_server_url, tmp_path_factory):
    """One running service desk for the session's end-to-end and browser tests (make no global
    assumptions: other tests use it too, so create what you look for)."""
    tmp_path = tmp_path_factory.mktemp("stack")
    bouncer = PgBouncer(database_server_url, pool_size=3).start()
    direct = test_databases.url_template()
    stack, process, bus, log_file = start_stack(
        test_databases, amqp_url, tmp_path, **SCALED_OUT,
        SERVICEDESK_DATABASE_URL=bouncer.url(direct.rsplit("/", 1)[1]),
        SERVICEDESK_DATABASE_DIRECT_URL=direct)
    yield stack
    stop_stack(process, bus, log_file)
    bouncer.stop()


@pytest.fixture
def operator(stack):
    return stack.client("operator1")


@pytest.fixture
def anonymous(stack):
    return stack.client()
