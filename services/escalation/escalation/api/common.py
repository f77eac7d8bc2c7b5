"""What every escalation view shares: the unit of work, the wait for a ticket just created,
and the JSON of an escalation."""
from __future__ import annotations

import time

from servicedesk_common.errors import NotFound
from servicedesk_common.web import request_id, runtime

from ..adapters import EscalationUnitOfWork
from ..config import Config
from ..models import Escalation, TicketView

MAX_NUMBER_LENGTH = 20


def unit_of_work() -> EscalationUnitOfWork:
    return EscalationUnitOfWork(runtime().sessions, producer="escalation",
                                correlation_id=request_id())


def wait_for_ticket(number: str) -> None:
    """A ticket created a moment ago may not have reached escalation yet (its events lag):
    look again for a short while before answering 404."""
    if len(number) > MAX_NUMBER_LENGTH:
        raise NotFound(f"No ticket {number[:MAX_NUMBER_LENGTH]}...")
    deadline = time.monotonic() + Config.from_env().ticket_wait_seconds
    while True:
        with unit_of_work() as uow:
            if uow.tickets.get(number) is not None:
                return
        if time.monotonic() >= deadline:
            raise NotFound(f"No ticket {number}; if it was created just now, try again in a "
                           "moment.")
        time.sleep(0.1)


def escalation_view(escalation: Escalation, ticket: TicketView | None) -> dict:
    open_ = escalation.state == "open"
    return {
        "id": escalation.id, "number": escalation.number,
        "title": ticket.title if ticket else None,
        "category": (ticket.category if ticket else None) or escalation.category,
        "priority": ticket.priority if ticket and ticket.priority else escalation.priority,
        "group": escalation.group_code, "assignee": escalation.assignee,
        "diagnosis": escalation.diagnosis, "reason": escalation.reason,
        "assigned_by": escalation.assigned_by, "assigned_at": escalation.assigned_at,
        "state": escalation.state, "outcome": None if open_ else escalation.state,
        "ended_at": escalation.ended_at, "ended_by": escalation.ended_by,
        "end_reason": escalation.end_reason, "solution": escalation.solution,
        "kb_article": escalation.kb_article, "previous_id": escalation.previous_id,
        "ticket_status": ticket.status if ticket else None,
        "due_at": ticket.resolution_due_at if ticket else None,
        "response_due_at": ticket.response_due_at if ticket else None,
        "sla_state": ticket.sla_state if ticket else None,
    }
