"""A real worker process: stops cleanly on SIGTERM; reports its queue and DLQ depths."""
import logging
import os
import signal
import subprocess
import sys
import threading

from prometheus_client import REGISTRY

from servicedesk_common.bus import wait_until
from servicedesk_common.migrations import upgrade
from servicedesk_common.testing import TEST_RETRY_DELAYS_MS

TIMEOUT = 30


def worker_environment(settings) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEDESK_")}
    environment.update({
        "SERVICEDESK_DATABASE_URL": settings.database_url,
        "SERVICEDESK_AMQP_URL": settings.amqp_url,
        "SERVICEDESK_BUS_PREFIX": settings.bus_prefix,
        "SERVICEDESK_SECRET_KEY": "test-only-key-" + "w" * 32,
        "SERVICEDESK_DATA_DIR": str(settings.data_dir),
        # the test bus removes exactly these retry queues afterwards
        "SERVICEDESK_RETRY_DELAYS_MS": ",".join(map(str, TEST_RETRY_DELAYS_MS)),
    })
    return environment


def start_triage_worker(make_settings, tmp_path, **environment):
    """A real triage worker process, once its consumer is ready; its stderr lines so far."""
    import triage.worker

    settings = make_settings("triage")
    upgrade(triage.worker.MIGRATIONS, settings)
    process = subprocess.Popen([sys.executable, "-m", "triage.worker"], cwd=tmp_path,
                               env={**worker_environment(settings), **environment},
                               stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
    reader.start()
    if not wait_until(lambda: any("consumer_ready" in line for line in lines), TIMEOUT):
        process.kill()
        raise AssertionError("the worker did not get ready:\n" + "".join(lines[-20:]))
    return process, lines, reader


def test_a_worker_process_stops_cleanly_and_promptly_on_sigterm(make_settings, tmp_path):
    process, lines, reader = start_triage_worker(make_settings, tmp_path)
    try:
        process.send_signal(signal.SIGTERM)

        assert process.wait(timeout=TIMEOUT) == 0, "".join(lines[-20:])
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(5)
    assert any("worker_stopped" in line for line in lines)
    assert not any("still_running" in line for line in lines), "a thread ignored the stop"
    assert not any("Traceback" in line for line in lines), "".join(lines)



def test_a_worker_set_to_yield_to_the_web_runs_at_a_lower_cpu_priority(make_settings, tmp_path):
    process, lines, reader = start_triage_worker(make_settings, tmp_path,
                                                 SERVICEDESK_WORKER_NICE="7")
    try:
        assert os.getpriority(os.PRIO_PROCESS, process.pid) == os.nice(0) + 7
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    reader.join(5)

CRASHING_WORKER = """
from servicedesk_common.worker import run_worker

def crashing(worker):
    def loop(stop):
        raise RuntimeError("this loop broke")
    return loop

run_worker("triage", {}, loops=(crashing,))
"""


def test_a_worker_whose_thread_crashed_stops_with_a_failure_exit_code(make_settings, tmp_path):
    import triage.worker

    settings = make_settings("triage")
    upgrade(triage.worker.MIGRATIONS, settings)
    script = tmp_path / "crashing_worker.py"
    script.write_text(CRASHING_WORKER)

    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, env=worker_environment(settings), timeout=TIMEOUT * 2)

    assert done.returncode != 0
    assert "worker_thread_crashed" in done.stderr and "this loop broke" in done.stderr


def test_the_worker_reports_queue_dlq_and_outbox_depths(spine, caplog):
    caplog.set_level(logging.INFO)
    spine.fail_first["INC-DEAD"] = 1000
    worker = spine.start_worker(queue_report_seconds=0.2)
    spine.write("INC-DEAD")
    spine.eventually(lambda: len(spine.dead_letters()) == 1, "no message in the DLQ")

    def reported_one_dead_letter():
        return any("event=depths" in r.getMessage() and "dlq=1" in r.getMessage()
                   for r in caplog.records)

    spine.eventually(reported_one_dead_letter, "no depth line with the DLQ's message")
    assert worker.report_depths() == {"queue": 0, "dlq": 1, "outbox_unsent": 0}
    gauges = {name: REGISTRY.get_sample_value(name, {"service": "spine"}) for name in (
        "servicedesk_queue_messages", "servicedesk_dlq_messages", "servicedesk_outbox_backlog")}
    assert gauges == {"servicedesk_queue_messages": 0, "servicedesk_dlq_messages": 1,
                      "servicedesk_outbox_backlog": 0}


def test_depth_reports_survive_an_unreachable_broker(spine, broker_proxy, caplog):
    worker = spine.start_worker(amqp_url=broker_proxy.url)
    broker_proxy.cut()

    assert worker.report_depths() is None

    assert any("depths_unavailable" in r.getMessage() for r in caplog.records)
    broker_proxy.restore()
    assert worker.report_depths() is not None
