"""Survey's worker: consumes its queue and relays its outbox."""
from servicedesk_common.worker import run_worker

from .adapters import SurveyUnitOfWork
from .handlers import EVENT_HANDLERS

if __name__ == "__main__":
    run_worker("survey", EVENT_HANDLERS, SurveyUnitOfWork)
