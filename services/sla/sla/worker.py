"""Sla's worker: consumes its queue, relays its outbox, and runs the monitor that announces
warnings and breaches when their moment comes."""
from pathlib import Path

from servicedesk_common.worker import run_worker

from .adapters import SlaUnitOfWork as UnitOfWork
from .handlers import EVENT_HANDLERS
from .monitor import build_monitor

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
HANDLERS = EVENT_HANDLERS
LOOPS: tuple = (build_monitor,)  # builders of extra worker threads: builder(worker) -> loop(stop)


def main() -> None:
    run_worker("sla", HANDLERS, UnitOfWork, loops=LOOPS)


if __name__ == "__main__":
    main()
