"""Triage's worker: classifies and prioritises tickets as they are recorded and changed."""
from servicedesk_common.worker import run_worker

from .adapters import TriageUnitOfWork
from .handlers import EVENT_HANDLERS

if __name__ == "__main__":
    run_worker("triage", EVENT_HANDLERS, TriageUnitOfWork)
