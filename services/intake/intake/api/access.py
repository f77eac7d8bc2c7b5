"""Who may read or change a ticket, and the pieces every view needs."""
from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app

from servicedesk_common.errors import Forbidden, Invalid, NotFound, Unauthorized
from servicedesk_common.identity import OPERATOR, SUPERVISOR, TECHNICIAN, Identity
from servicedesk_common.web import current_identity, request_id, runtime

from .. import domain
from ..adapters import IntakeUnitOfWork
from ..catalog import CatalogSource
from ..config import IntakeConfig
from ..handlers import guest_of
from ..models import Ticket
from ..storage import AttachmentStore

DESK = (OPERATOR, SUPERVISOR)


@dataclass
class IntakeRuntime:
    config: IntakeConfig
    catalog: CatalogSource
    store: AttachmentStore


def intake() -> IntakeRuntime:
    return current_app.extensions["intake"]


def unit_of_work() -> IntakeUnitOfWork:
    return IntakeUnitOfWork(runtime().sessions, producer="intake", correlation_id=request_id())


CLASSIFICATION_FIELDS = {"type", "category", "service"}


def with_catalog(action):
    """Run action(catalog); when it refuses a type, category or service, ask triage once more
    (the cached catalog may predate an admin's change) before the refusal stands."""
    source = intake().catalog
    asked = time.monotonic()
    try:
        return action(source.current())
    except Invalid as refused:
        if not CLASSIFICATION_FIELDS & set(refused.details) or not source.refresh(asked):
            raise
        return action(source.current())


def caller() -> Identity:
    identity = current_identity()
    if identity is None:
        raise Unauthorized("Log in first: send 'Authorization: Bearer <token>'.")
    return identity


def ticket_for(uow, number: str, *, token: str | None = None,
               for_update: bool = False) -> tuple[Ticket, Identity]:
    """The ticket and who reads it: staff, its owner, or a guest holding its tracking token.
    Anyone else gets a 404, so ticket numbers reveal nothing."""
    identity = current_identity()
    if identity is None and token is None:
        caller()
    ticket = None
    if domain.looks_like_number(number):
        ticket = (uow.tickets.get_for_update if for_update else uow.tickets.get)(number)
    if ticket is not None:
        if identity is not None and (identity.is_staff or
                                     (ticket.client and ticket.client == identity.username)):
            return ticket, identity
        if token is not None and domain.token_matches(token, ticket.tracking_token_hash):
            return ticket, guest_of(ticket)
    raise NotFound(f"No ticket {number} that you may see.")


def allow(identity: Identity, *roles: str, what: str) -> None:
    if identity.role not in roles:
        raise Forbidden(f"Your role ({identity.role}) may not {what}.")


def allow_hold(identity: Identity, ticket: Ticket) -> None:
    """Holds: the desk, or the technician the ticket is assigned to."""
    if identity.role in DESK:
        return
    if identity.role == TECHNICIAN and ticket.assignee == identity.username:
        return
    raise Forbidden("Only an operator, a supervisor or the assigned technician may put a "
                    "ticket on hold or lift the hold.")
