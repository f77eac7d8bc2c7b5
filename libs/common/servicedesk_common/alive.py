"""Worker liveness for container healthchecks: each worker process touches a file of its own
(named by host and pid, holding the time and its probe port) while its consumer is connected.

`python -m servicedesk_common.alive SERVICE [PID]` exits 0 only if that worker's file is fresh;
without a PID, every running worker of SERVICE on this host must be fresh (and one must run),
so one replica that hangs is not hidden by another that beats."""
from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

from .settings import Settings

FRESH_SECONDS = 30


def alive_file(settings: Settings, pid: int | None = None) -> Path:
    return settings.data_dir / (f"{settings.service}-worker.{socket.gethostname()}."
                                f"{pid or os.getpid()}.alive")


def heartbeat(settings: Settings, connected: threading.Event, stop: threading.Event,
              every: float = 5.0, port: int | None = None) -> None:
    path = alive_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        while not stop.wait(every if connected.is_set() else 0.5):
            if connected.is_set():
                path.write_text(json.dumps({"time": time.time(), "port": port}))
    finally:
        path.unlink(missing_ok=True)  # a stopped worker leaves nothing to be judged by


def beat_age(path: Path) -> float | None:
    try:
        return time.time() - float(json.loads(path.read_text())["time"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def host_workers(settings: Settings) -> dict[int, Path]:
    """This host's liveness files of the service whose process still runs, by pid."""
    prefix = f"{settings.service}-worker.{socket.gethostname()}."
    found = {}
    for path in settings.data_dir.glob(prefix + "*.alive"):
        pid = path.name[len(prefix):-len(".alive")]
        if pid.isdigit() and running(int(pid)):
            found[int(pid)] = path
    return found


def fresh(path: Path) -> bool:
    age = beat_age(path)
    return age is not None and age < FRESH_SECONDS


def main(argv: list[str]) -> int:
    if not argv or (len(argv) > 1 and not argv[1].isdigit()):
        print("usage: python -m servicedesk_common.alive SERVICE [PID]", file=sys.stderr)
        return 2
    settings = Settings.from_env(argv[0])
    if len(argv) > 1:
        return 0 if fresh(alive_file(settings, int(argv[1]))) else 1
    workers = host_workers(settings)
    return 0 if workers and all(fresh(path) for path in workers.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
