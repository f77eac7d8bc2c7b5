"""Intake's worker: keeps the ticket read model from other services' events; relays its outbox."""
from pathlib import Path

from servicedesk_common.worker import run_worker

from .adapters import IntakeUnitOfWork
from .handlers import EVENT_HANDLERS

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

if __name__ == "__main__":
    run_worker("intake", EVENT_HANDLERS, IntakeUnitOfWork)
