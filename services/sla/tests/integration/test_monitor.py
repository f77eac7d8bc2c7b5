"""The monitor on a real database and broker: warnings and breaches on time, once, also across
a worker restart and with two workers at once."""
import threading
import time
from datetime import UTC, datetime, timedelta

from servicedesk_common.bus import wait_until
from sla.monitor import Monitor


def utcnow() -> datetime:
    return datetime.now(UTC)


def test_clock_that_fell_due_while_the_worker_was_down_is_announced_once_after_restart(sla):
    sla.override("Server down", response_minutes=0.05, resolution_minutes=60)  # 3 s, 24x7
    created = utcnow()
    sla.publish(sla.created("INC-2026-700001", created))
    sla.wait_outbox("INC-2026-700001", "sla.started")
    sla.harness.worker.request_stop()
    sla.harness.worker.join()

    time.sleep(3.5)  # response due at created + 3 s: it falls due while nobody watches
    assert sla.on_the_bus("INC-2026-700001", "sla.breached") == []
    restarted = utcnow()
    sla.start_worker()

    assert wait_until(lambda: sla.on_the_bus("INC-2026-700001", "sla.breached"), 5)
    breached = sla.on_the_bus("INC-2026-700001", "sla.breached")[0]
    assert (utcnow() - restarted) < timedelta(seconds=5)
    assert breached.payload["target"] == "response"
    assert breached.payload["at"] == breached.payload["due_at"] == (
        created + timedelta(seconds=3)).isoformat()
    assert breached.payload["state"] == "breached"
    time.sleep(1.5)  # more ticks: nothing is announced twice
    assert len(sla.on_the_bus("INC-2026-700001", "sla.breached")) == 1
    assert len(sla.on_the_bus("INC-2026-700001", "sla.at_risk")) == 1
    assert sla.row("INC-2026-700001").state == "breached"


def test_two_workers_announce_each_breach_once(sla):
    sla.override("Server down", response_minutes=0.05, resolution_minutes=60)
    sla.start_worker()  # a second worker, racing the first for the same clocks
    created = utcnow()
    numbers = [f"INC-2026-71{i:04d}" for i in range(15)]
    sla.publish(*(sla.created(number, created) for number in numbers))
    for number in numbers:
        sla.wait_outbox(number, "sla.breached", timeout=15)
    time.sleep(1.5)
    for number in numbers:
        assert [e["type"] for e in sla.outbox(number)].count("sla.breached") == 1, number
        assert [e["type"] for e in sla.outbox(number)].count("sla.at_risk") == 1, number


def test_the_monitor_announces_warning_and_breach_at_their_moments_on_an_injected_clock(
        sla_idle):
    sla_idle.override("Server down", response_minutes=10, resolution_minutes=60)
    start = utcnow().replace(microsecond=0)
    sla_idle.handle(sla_idle.created("INC-2026-720001", start))
    assert sla_idle.types("INC-2026-720001") == ["sla.started"]
    assert sla_idle.row("INC-2026-720001").next_check_at == start + timedelta(minutes=7.5)

    fake_now = [start]
    monitor = Monitor(lambda **kw: sla_idle.harness.uow(), now=lambda: fake_now[0])
    seen, told = [], 1
    for minutes in (7, 7.5, 9, 10, 30, 44, 45, 60, 61):
        fake_now[0] = start + timedelta(minutes=minutes)
        monitor.tick()
        said = sla_idle.outbox("INC-2026-720001")
        seen += [(minutes, e["type"], e["target"]) for e in said[told:]]
        told = len(said)
    assert seen == [(7.5, "sla.at_risk", "response"), (10, "sla.breached", "response"),
                    (45, "sla.at_risk", "resolution"), (60, "sla.breached", "resolution")]
    row = sla_idle.row("INC-2026-720001")
    assert row.state == "breached" and row.next_check_at is None
    assert len(sla_idle.outbox("INC-2026-720001")) == 5


def test_a_tick_takes_only_due_clocks_and_skips_those_another_transaction_holds(sla_idle):
    sla_idle.override("Server down", response_minutes=1, resolution_minutes=60)
    start = utcnow()
    for i in range(3):
        sla_idle.handle(sla_idle.created(f"INC-2026-73000{i}", start))
    sla_idle.handle(sla_idle.created("INC-2026-730009", start + timedelta(hours=1)))
    monitor = Monitor(lambda **kw: sla_idle.harness.uow(), now=lambda: start + timedelta(
        minutes=2))
    held, release = threading.Event(), threading.Event()

    def hold_one():
        with sla_idle.harness.uow() as uow:
            uow.clocks.get_for_update("INC-2026-730000")
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_one)
    holder.start()
    held.wait(5)
    try:
        assert monitor.tick() == 2  # the held clock is skipped, the future one not due
    finally:
        release.set()
        holder.join()
    assert monitor.tick() == 1
    assert monitor.tick() == 0
    assert "sla.breached" not in sla_idle.types("INC-2026-730009")
