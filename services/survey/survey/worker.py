"""Survey's worker: consumes its queue, relays its outbox, delivers the queued mails."""
from pathlib import Path

from servicedesk_common.mail import mail_loop
from servicedesk_common.worker import run_worker

from .adapters import SurveyUnitOfWork as UnitOfWork
from .handlers import EVENT_HANDLERS
from .models import Mail

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
HANDLERS = EVENT_HANDLERS
# builders of extra worker threads: loop_builder(worker) -> loop(stop)
LOOPS: tuple = (mail_loop(Mail),)


def main() -> None:
    run_worker("survey", HANDLERS, UnitOfWork, loops=LOOPS)


if __name__ == "__main__":
    main()
