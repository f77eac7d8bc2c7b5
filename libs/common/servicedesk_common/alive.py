"""Worker liveness for container healthchecks: the worker touches a file while its consumer is
connected; `python -m servicedesk_common.alive SERVICE` exits 0 only if it is fresh."""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from .settings import Settings

FRESH_SECONDS = 30


def alive_file(settings: Settings) -> Path:
    return settings.data_dir / f"{settings.service}-worker.alive"


def heartbeat(settings: Settings, connected: threading.Event, stop: threading.Event,
              every: float = 5.0) -> None:
    path = alive_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    while not stop.wait(every if connected.is_set() else 0.5):
        if connected.is_set():
            path.write_text(str(time.time()))


def main(argv: list[str]) -> int:
    settings = Settings.from_env(argv[0]) if argv else None
    if settings is None:
        print("usage: python -m servicedesk_common.alive SERVICE", file=sys.stderr)
        return 2
    try:
        age = time.time() - float(alive_file(settings).read_text())
    except (OSError, ValueError):
        return 1
    return 0 if age < FRESH_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
