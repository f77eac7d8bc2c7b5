"""Sla's worker: consumes its queue and relays its outbox."""
from servicedesk_common.worker import run_worker

from .adapters import SlaUnitOfWork
from .handlers import EVENT_HANDLERS

if __name__ == "__main__":
    run_worker("sla", EVENT_HANDLERS, SlaUnitOfWork)
