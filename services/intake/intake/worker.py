"""Intake's worker: consumes its queue, relays its outbox."""
from pathlib import Path

from servicedesk_common.worker import run_worker

from .adapters import IntakeUnitOfWork as UnitOfWork
from .handlers import EVENT_HANDLERS
from .mailbox import mail_reader
from .read_model import READ_MODEL_HANDLERS
from .scrub import token_scrubber

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
HANDLERS = {**EVENT_HANDLERS, **READ_MODEL_HANDLERS}
# builders of extra worker threads: loop_builder(worker) -> loop(stop)
LOOPS: tuple = (token_scrubber, mail_reader)


def main() -> None:
    run_worker("intake", HANDLERS, UnitOfWork, loops=LOOPS)


if __name__ == "__main__":
    main()
