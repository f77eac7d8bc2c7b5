"""Escalation's worker: consumes its queue and relays its outbox."""
from servicedesk_common.worker import run_worker

from .adapters import EscalationUnitOfWork
from .handlers import EVENT_HANDLERS

if __name__ == "__main__":
    run_worker("escalation", EVENT_HANDLERS, EscalationUnitOfWork)
