"""The escalation form and what follows it, on a ticket: assign, resolve, reassign, return to
level 1, and the ticket's escalations."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from servicedesk_common.errors import Conflict, NotFound
from servicedesk_common.identity import OPERATOR, STAFF, SUPERVISOR, TECHNICIAN
from servicedesk_common.web import current_identity, require

from ..handlers import commands
from ..schemas import (
    AssignIn,
    EscalationOut,
    EscalationPage,
    ReassignIn,
    ResolutionOut,
    ResolveIn,
    ReturnIn,
    TakeIn,
)
from .common import MAX_NUMBER_LENGTH, escalation_view, unit_of_work, wait_for_ticket

blp = Blueprint("escalation_tickets", __name__, url_prefix="/api/v1/tickets",
                description="Escalation of a ticket to level 2 (FRM-006)")


def _run(command, number: str, data: dict):
    """Wait for the ticket, run the command in one transaction, answer with its outcome."""
    wait_for_ticket(number)
    with unit_of_work() as uow:
        outcome = command(number, data, by=current_identity(), uow=uow)
        try:
            uow.commit()
        except IntegrityError:  # SQLite has no row locks: the unique index decides the race
            raise Conflict(f"Ticket {number} was escalated by someone else at the same "
                           "moment; look at it again.") from None
        ticket = uow.tickets.get(number)
        return outcome, ticket


@blp.route("/<string:number>/assign")
class Assign(MethodView):
    @require(OPERATOR, SUPERVISOR)
    @blp.arguments(AssignIn)
    @blp.response(201, EscalationOut)
    def post(self, form, number):
        escalation, ticket = _run(commands.assign, number, form)
        return escalation_view(escalation, ticket)


@blp.route("/<string:number>/resolve")
class Resolve(MethodView):
    @require(OPERATOR, TECHNICIAN)
    @blp.arguments(ResolveIn)
    @blp.response(200, ResolutionOut)
    def post(self, data, number):
        resolution, ticket = _run(commands.resolve, number, data)
        escalation = resolution.escalation
        return {"number": number, "level": 2 if escalation else 1,
                "solution": resolution.solution, "kb_article": resolution.kb_article,
                "resolved_by": resolution.by, "resolved_at": resolution.at,
                "escalation": escalation_view(escalation, ticket) if escalation else None}


@blp.route("/<string:number>/reassign")
class Reassign(MethodView):
    @require(OPERATOR, SUPERVISOR, TECHNICIAN)
    @blp.arguments(ReassignIn)
    @blp.response(201, EscalationOut)
    def post(self, data, number):
        escalation, ticket = _run(commands.reassign, number, data)
        return escalation_view(escalation, ticket)


@blp.route("/<string:number>/take")
class Take(MethodView):
    @require(OPERATOR, SUPERVISOR, TECHNICIAN)
    @blp.arguments(TakeIn)
    @blp.response(201, EscalationOut)
    def post(self, data, number):
        escalation, ticket = _run(commands.take, number, data)
        return escalation_view(escalation, ticket)


@blp.route("/<string:number>/return")
class ReturnToLevel1(MethodView):
    @require(OPERATOR, SUPERVISOR, TECHNICIAN)
    @blp.arguments(ReturnIn)
    @blp.response(200, EscalationOut)
    def post(self, data, number):
        escalation, ticket = _run(commands.return_to_level1, number, data)
        return escalation_view(escalation, ticket)


@blp.route("/<string:number>/escalations")
class TicketEscalations(MethodView):
    @require(*STAFF)
    @blp.response(200, EscalationPage)
    def get(self, number):
        with unit_of_work() as uow:
            ticket = uow.tickets.get(number)
            items = [escalation_view(e, ticket) for e in uow.escalations.for_ticket(number)]
            if ticket is None and not items:
                raise NotFound(f"No ticket {number[:MAX_NUMBER_LENGTH]}.")
        return {"items": items, "page": 1, "per_page": max(len(items), 1),
                "total": len(items)}
