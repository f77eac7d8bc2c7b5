"""How long a process lives: stop requests that a signal handler can make safely, and children
that die with the process that started them.

`python -m servicedesk_common.lifetime PARENT_PID -- COMMAND...` runs COMMAND (exec, same pid)
so that the kernel kills it when PARENT_PID dies, however that dies (kill -9 included)."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StopSignals:
    """SIGTERM and SIGINT turn into a stop request.

    A Python signal handler runs in the main thread between two bytecodes, possibly while that
    thread holds a lock: `threading.Event.set()` from a handler deadlocks when the signal lands
    inside the main thread's own `Event.wait()`. So the handler only records the signal, and the
    main thread, polling in short sleeps, passes it on to `event` for the other threads."""

    def __init__(self, poll_seconds: float = 0.1):
        self.signum: int | None = None
        self.event = threading.Event()
        self.poll_seconds = poll_seconds

    def install(self) -> StopSignals:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._record)
        return self

    def _record(self, signum, _frame) -> None:
        self.signum = signum  # one attribute store: no lock, nothing that can block

    def requested(self) -> bool:
        if self.signum is not None and not self.event.is_set():
            self.event.set()  # outside the handler: safe
        return self.event.is_set()

    def wait(self, timeout: float) -> bool:
        """Sleep up to `timeout` seconds (main thread); True as soon as a stop is requested."""
        deadline = time.monotonic() + timeout
        while not self.requested():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(self.poll_seconds, left))
        return True


def die_with_parent(parent_pid: int, signum: int = signal.SIGKILL) -> bool:
    """Have the kernel send `signum` to this process when its parent dies (Linux; elsewhere a
    no-op that returns False). Exits at once if the parent is already gone: it may have died
    before the request was made, and then no signal would ever come."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        return False
    if os.getppid() != parent_pid:
        os._exit(1)
    return True


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--" or not argv[0].isdigit():
        print("usage: python -m servicedesk_common.lifetime PARENT_PID -- COMMAND...",
              file=sys.stderr)
        return 2
    die_with_parent(int(argv[0]))
    command = argv[2:]
    os.execvp(command[0], command)
    return 127  # not reached: exec replaces this process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
