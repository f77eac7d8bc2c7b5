"""Stop signals and parent-death: the pieces `make run` and every worker use to end on time and
never outlive the launcher. Real processes and real signals, no servers."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from servicedesk_common.bus import wait_until


def run_python(code: str, timeout: float = 10) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout)


def test_a_stop_signal_landing_while_the_main_thread_holds_the_stop_lock_is_seen():
    # Where the old handler (Event.set()) deadlocked: inside the main thread's Event.wait(),
    # with the Event's lock taken. The signal is delivered right there, on purpose.
    done = run_python("""
        import os, signal
        from servicedesk_common.lifetime import StopSignals
        signals = StopSignals().install()
        with signals.event._cond:
            os.kill(os.getpid(), signal.SIGTERM)
            sum(range(1000))  # the handler runs between these bytecodes
        print("stopped" if signals.wait(2) else "not stopped", signals.signum)
    """)

    assert done.stdout.split() == ["stopped", str(int(signal.SIGTERM))], done.stderr


def test_the_old_handler_deadlocks_there():
    """Why StopSignals exists: Event.set() from a handler in the same spot never returns."""
    with pytest.raises(subprocess.TimeoutExpired):
        run_python("""
            import os, signal, threading
            stopping = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stopping.set())
            with stopping._cond:
                os.kill(os.getpid(), signal.SIGTERM)
                sum(range(1000))
        """, timeout=3)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_wait_returns_at_once_on_term_and_int(signum):
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import time
        from servicedesk_common.lifetime import StopSignals
        signals = StopSignals().install()
        print("waiting", flush=True)
        started = time.monotonic()
        print(signals.wait(60), round(time.monotonic() - started, 1), flush=True)
    """)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "waiting"

    sent = time.monotonic()
    child.send_signal(signum)
    out, _ = child.communicate(timeout=5)

    assert out.split()[0] == "True"
    assert time.monotonic() - sent < 1.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_command_run_through_lifetime_dies_when_its_parent_is_killed_with_9():
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-m", "servicedesk_common.lifetime",
                                  str(os.getpid()), "--", "sleep", "120"])
        print(child.pid, flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    child_pid = int(parent.stdout.readline())
    assert wait_until(lambda: "sleep" in cmdline(child_pid), 5, interval=0.05)

    parent.kill()
    parent.wait()

    assert wait_until(lambda: not cmdline(child_pid), 5, interval=0.05), \
        "the child outlived its parent"


def test_a_command_whose_parent_is_already_gone_does_not_start():
    done = run_python("""
        import subprocess, sys
        print(subprocess.run([sys.executable, "-m", "servicedesk_common.lifetime", "1", "--",
                              "echo", "started"], capture_output=True, text=True).stdout)
    """)
    assert "started" not in done.stdout


def cmdline(pid: int) -> str:
    """The command line of a live process ('' when gone or a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                return ""
        with open(f"/proc/{pid}/cmdline", "rb") as raw:
            return raw.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_liveness_is_judged_per_worker_process(tmp_path, monkeypatch):
    """Two workers of a service on one host: one beating, one hung. The host's check fails
    (with one shared file, the live one's beats hid the hung one)."""
    from servicedesk_common import alive
    from servicedesk_common.settings import Settings

    monkeypatch.setenv("SERVICEDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SERVICEDESK_DEV", "1")
    settings = Settings.from_env("intake")
    hung = subprocess.Popen(["sleep", "60"])
    try:
        beating, stale = alive.alive_file(settings), alive.alive_file(settings, hung.pid)
        beating.write_text(json.dumps({"time": time.time(), "port": 1}))
        stale.write_text(json.dumps({"time": time.time() - 120, "port": 2}))

        assert beating != stale
        assert alive.main(["intake", str(os.getpid())]) == 0
        assert alive.main(["intake", str(hung.pid)]) == 1
        assert alive.main(["intake"]) == 1

        stale.write_text(json.dumps({"time": time.time(), "port": 2}))
        assert alive.main(["intake"]) == 0
    finally:
        hung.kill()
        hung.wait()

    assert alive.main(["intake"]) == 0, "a worker that is gone is not judged"
