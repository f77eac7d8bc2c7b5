"""The shared rate limiter (issue 15, point 6): buckets in the gateway's database, keyed by
address for anonymous callers and by account for signed-in ones, one budget per route class,
the same in every process."""
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import urllib3

from gateway.prepare import prepare
from servicedesk_common.settings import SERVICES
from servicedesk_common.testing import free_port

ROOT = Path(__file__).resolve().parents[3]


def tickets_answer(fake_service):
    fake_service.answers["POST /api/v1/tickets"] = lambda r: (201, {"number": "INC-1"})


def test_a_forged_or_logged_out_console_cookie_does_not_lift_the_anonymous_limit(
        gateway, fake_service):
    tickets_answer(fake_service)
    gw = gateway(SERVICEDESK_PUBLIC_POST_BURST=2, SERVICEDESK_PUBLIC_POST_RATE=0.001)
    forged = gw.app.test_client()
    with forged.session_transaction() as session:
        session["staff_token"] = "signed-in-at-the-console"
    assert [forged.post("/api/v1/tickets", json={}).status_code for _ in range(3)] == \
        [201, 201, 429]
    gw.http.post("/staf/masuk", data={"username": "operator1", "password": gw.password,
                                      "csrf_token": gw.csrf("/staf/masuk")})
    saved = gw.http.get_cookie("sd_session").value
    with gw.http.session_transaction() as session:
        csrf = session.setdefault("csrf", "csrf-token-for-logout")
    gw.http.post("/staf/keluar", data={"csrf_token": csrf})
    logged_out = gw.app.test_client()
    logged_out.environ_base["REMOTE_ADDR"] = "10.1.1.1"  # a budget of its own address
    logged_out.set_cookie("sd_session", saved)
    assert [logged_out.post("/api/v1/tickets", json={}).status_code for _ in range(3)] == \
        [201, 201, 429]


def test_signed_in_users_have_a_write_budget_of_their_own_account(gateway, fake_service):
    tickets_answer(fake_service)
    gw = gateway(SERVICEDESK_USER_WRITE_BURST=3, SERVICEDESK_USER_WRITE_RATE=0.001,
                 SERVICEDESK_PUBLIC_POST_BURST=1, SERVICEDESK_PUBLIC_POST_RATE=0.001)
    operator = gw.login("operator1")
    statuses = [gw.http.post("/api/v1/tickets", json={}, headers=operator).status_code
                for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    again = gw.http.post("/api/v1/tickets", json={}, headers=gw.login("operator1"))
    assert again.status_code == 429  # a new token is the same account
    assert gw.http.post("/api/v1/tickets", json={},
                        headers=gw.login("operator2")).status_code == 201


def test_anonymous_help_center_votes_are_limited_per_address(gateway, fake_service):
    fake_service.answers["POST /api/v1/kb/articles/7/feedback"] = lambda r: (200, {"ok": True})
    gw = gateway(SERVICEDESK_VOTE_BURST=2, SERVICEDESK_VOTE_RATE=0.001)
    votes = [gw.http.post("/api/v1/kb/articles/7/feedback", json={"helpful": True}).status_code
             for _ in range(3)]
    assert votes == [200, 200, 429]
    tickets_answer(fake_service)
    assert gw.http.post("/api/v1/tickets", json={}).status_code == 201  # other posts go on


@pytest.fixture
def gunicorn_gateway(make_settings, fake_service):
    """The gateway under gunicorn with two worker processes on a free port."""
    running = []

    def start(**environment) -> str:
        settings = make_settings("gateway", demo_password=None)
        prepare(settings)
        port = free_port()
        # the `{service}` form: a plain URL would mean one database shared by schemas
        database_url = "{service}".join(settings.database_url.rsplit("gateway", 1))
        env = {**os.environ, "SERVICEDESK_DATABASE_URL": database_url,
               "SERVICEDESK_SECRET_KEY": settings.secret_key, "SERVICEDESK_DEV": "1",
               "SERVICEDESK_DATA_DIR": str(settings.data_dir),
               "SERVICEDESK_WEB_WORKERS": "2", "SERVICEDESK_DB_POOL_SIZE": "2",
               **{f"SERVICEDESK_{s.upper()}_URL": fake_service.url for s in SERVICES},
               **{name: str(value) for name, value in environment.items()}}
        log = open(settings.data_dir / "gunicorn.log", "w")  # noqa: SIM115 - kept while it runs
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "gateway.api:create_app()"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        running.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib3.request("GET", f"{url}/healthz", timeout=1).status == 200:
                    return url
            except urllib3.exceptions.HTTPError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    yield start
    for process in running:
        process.terminate()
        process.wait(timeout=30)


def test_the_public_burst_holds_in_total_across_gunicorn_processes(gunicorn_gateway,
                                                                   fake_service):
    tickets_answer(fake_service)
    url = gunicorn_gateway(SERVICEDESK_PUBLIC_POST_BURST=10,
                           SERVICEDESK_PUBLIC_POST_RATE=0.001)

    def post(_):  # a new connection each time, so both processes take some
        return urllib3.request("POST", f"{url}/api/v1/tickets", json={},
                               headers={"Connection": "close"}, timeout=30).status

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(post, range(40)))
    assert statuses.count(201) == 10 and statuses.count(429) == 30
