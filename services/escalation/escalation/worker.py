"""Escalation's worker: consumes its queue, relays its outbox, warns of unverified priority-1
tickets, queues the staff's digest mails and delivers them."""
from pathlib import Path

from servicedesk_common.mail import mail_loop
from servicedesk_common.worker import run_worker

from .adapters import EscalationUnitOfWork as UnitOfWork
from .handlers import EVENT_HANDLERS
from .handlers.notify import notify_loop
from .models import Mail

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
HANDLERS = EVENT_HANDLERS
# builders of extra worker threads: loop_builder(worker) -> loop(stop)
LOOPS: tuple = (notify_loop, mail_loop(Mail))


def main() -> None:
    run_worker("escalation", HANDLERS, UnitOfWork, loops=LOOPS)


if __name__ == "__main__":
    main()
