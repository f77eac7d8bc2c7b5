"""`make run` stops on TERM and on Ctrl-C, idle and under load, within 10 s, and no process it
started outlives it, not even when it is killed with -9. Run under `flock /tmp/sd-stack.lock`."""
from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from servicedesk_common.bus import wait_until
from servicedesk_common.db import normalize_url
from servicedesk_common.subscriptions import SUBSCRIPTIONS
from servicedesk_common.testing import TEST_RETRY_DELAYS_MS
from tests.conftest import start_stack, stop_stack

STOP_LIMIT = 10.0
TICKET = {"title": "Printer tidak mau mencetak", "body": "Lampu oranye berkedip.",
          "category": "Jaringan", "service": "Internet mati", "channel": "phone",
          "urgency": "medium", "impact": "low", "contact_name": "Bu Sari",
          "contact_phone": "0351 462 112"}


def stack_pids(bus_prefix: str) -> set[int]:
    """Every live process started for this stack (they all carry its bus prefix)."""
    marker = f"SERVICEDESK_BUS_PREFIX={bus_prefix}".encode()
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0") and \
                    not zombie(entry):
                pids.add(int(entry.name))
        except OSError:
            continue
    return pids


def zombie(entry: Path) -> bool:
    return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"


def stack_connections(stack) -> int:
    """PostgreSQL sessions on this stack's own databases."""
    template = stack.env["SERVICEDESK_DATABASE_URL"]
    prefix = template.rsplit("/", 1)[1].split("{service}")[0]
    engine = create_engine(normalize_url(template.rsplit("/", 1)[0] + "/postgres"))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname "
                                     "LIKE :p"), {"p": prefix + "%"}).scalar_one()
    finally:
        engine.dispose()


class Load:
    """Operators posting tickets as fast as the stack takes them, from two threads."""

    def __init__(self, stack):
        self.stack, self.done, self.recorded, self.last = stack, threading.Event(), 0, None
        self.threads = [threading.Thread(target=self.post, daemon=True) for _ in range(2)]

    def post(self) -> None:
        client = self.stack.client("operator1")
        while not self.done.is_set():
            try:
                self.last = client.post("/api/v1/tickets", json=TICKET, timeout=5)
                self.recorded += self.last.status_code == 201
            except requests.RequestException:
                pass  # the stack is going away: that is the point

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        assert wait_until(lambda: self.recorded >= 10, 30, interval=0.1), \
            f"no load reached: {self.last.status_code} {self.last.text}"
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(10)


@pytest.fixture
def launch(test_databases, amqp_url, tmp_path):
    started = []

    def run(name: str, **env):
        (tmp_path / name).mkdir()
        stack, process, bus, log_file = start_stack(test_databases, amqp_url, tmp_path / name,
                                                    **env)
        started.append((process, bus, log_file))
        return stack, process, bus

    yield run
    for process, bus, log_file in started:
        if process.poll() is None:
            stop_stack(process, bus, log_file)
        else:
            log_file.close()
            bus.delete_all(SUBSCRIPTIONS, TEST_RETRY_DELAYS_MS)
        for pid in stack_pids(bus.prefix):  # a failed test must not leave orphans behind
            os.kill(pid, signal.SIGKILL)


def gone_within(pids: set[int], seconds: float, bus_prefix: str) -> set[int]:
    """The pids (and any other process of the stack) still running after `seconds`."""
    wait_until(lambda: not (stack_pids(bus_prefix) | {p for p in pids if running(p)}),
               seconds, interval=0.1)
    return stack_pids(bus_prefix) | {p for p in pids if running(p)}


def running(pid: int) -> bool:
    try:
        return not zombie(Path(f"/proc/{pid}"))
    except OSError:
        return False


def send(process, how: str) -> None:
    if how == "TERM":  # a supervisor stopping the launcher's pid
        process.send_signal(signal.SIGTERM)
    else:  # Ctrl-C in a terminal: the foreground process group
        os.killpg(process.pid, signal.SIGINT)


@pytest.mark.parametrize("how", ["TERM", "INT"])
@pytest.mark.parametrize("busy", [False, True], ids=["idle", "under-load"])
def test_a_stop_ends_every_process_of_the_stack_within_10_seconds(launch, how, busy):
    stack, process, bus = launch(f"{how}-{busy}")
    pids = stack_pids(bus.prefix)
    assert len(pids) >= 14, "the launcher, 7 web masters (with workers) and 6 workers"

    if busy:
        with Load(stack) as load:
            started = time.monotonic()
            send(process, how)
            left = gone_within(pids, STOP_LIMIT, bus.prefix)
            took = time.monotonic() - started
        assert load.recorded >= 10
    else:
        print(f"idle stack: {stack_connections(stack)} PostgreSQL sessions")
        started = time.monotonic()
        send(process, how)
        left = gone_within(pids, STOP_LIMIT, bus.prefix)
        took = time.monotonic() - started

    assert not left, f"still running {STOP_LIMIT:.0f} s after SIG{how}: {sorted(left)}"
    assert process.wait(1) == 0
    assert "launcher | stopping" in stack.log()
    print(f"SIG{how} {'under load' if busy else 'idle'}: stack gone in {took:.1f} s")


def test_every_process_dies_with_a_launcher_killed_with_9(launch):
    stack, process, bus = launch("kill9", SERVICEDESK_WORKER_REPLICAS="2")
    pids = stack_pids(bus.prefix)
    sessions = stack_connections(stack)
    print(f"stack with 2 workers per service: {sessions} PostgreSQL sessions")
    assert sessions > 0

    process.kill()
    left = gone_within(pids, STOP_LIMIT, bus.prefix)

    assert not left, f"orphans of a killed launcher: {sorted(left)}"
    assert wait_until(lambda: stack_connections(stack) == 0, STOP_LIMIT, interval=0.2), \
        f"{stack_connections(stack)} PostgreSQL sessions outlived the stack"


def test_worker_replicas_each_serve_their_own_probes(launch):
    stack, process, bus = launch("replicas", SERVICEDESK_WORKER_REPLICAS="2")
    pattern = re.compile(r"event=worker_probes_listening service=(\w+) host=\S+ port=(\d+) "
                         r"pid=(\d+)")
    wait_until(lambda: len(pattern.findall(stack.log())) >= 12, 30, interval=0.2)
    listening = pattern.findall(stack.log())

    by_service: dict[str, set] = {}
    for service, port, pid in listening:
        by_service.setdefault(service, set()).add((int(port), int(pid)))
    assert {s: len(w) for s, w in by_service.items()} == {
        s: 2 for s in ("intake", "triage", "escalation", "sla", "survey", "knowledge")}
    for workers in by_service.values():
        for port, _pid in workers:
            base = f"http://127.0.0.1:{port}"
            assert wait_until(lambda base=base: requests.get(base + "/readyz", timeout=2)
                              .status_code == 200, 20, interval=0.2), requests.get(
                base + "/readyz", timeout=2).text
            assert requests.get(base + "/healthz", timeout=2).json()["status"] == "ok"
            assert "# TYPE servicedesk_events_handled_total counter" in requests.get(
                base + "/metrics", timeout=2).text

    # each replica keeps a liveness file of its own
    data = Path(stack.env["SERVICEDESK_DATA_DIR"])
    assert wait_until(lambda: len(list(data.glob("*-worker.*.alive"))) == 12, 20, interval=0.2)
