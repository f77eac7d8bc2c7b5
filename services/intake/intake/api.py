"""Intake's HTTP edge: thin views over handlers."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, or_, select

from servicedesk_common.errors import Invalid, NotFound
from servicedesk_common.identity import CLIENT, OPERATOR
from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app, current_identity, request_id, runtime

from .adapters import IntakeUnitOfWork
from .handlers import create_ticket
from .models import Ticket
from .schemas import TicketCreate, TicketCreated, TicketListArgs, TicketOut, TicketPage

blp = Blueprint("tickets", __name__, url_prefix="/api/v1/tickets", description="Tickets")


def unit_of_work() -> IntakeUnitOfWork:
    return IntakeUnitOfWork(runtime().sessions, producer="intake", correlation_id=request_id())


def visible_ticket(uow, number: str) -> Ticket:
    """Staff see every ticket; a client only their own; anyone else gets a 404."""
    identity = current_identity()
    ticket = uow.tickets.get(number)
    if ticket is None or identity is None:
        raise NotFound(f"No ticket {number}.")
    if not identity.is_staff and ticket.client != identity.username:
        raise NotFound(f"No ticket {number}.")
    return ticket


@blp.route("")
class TicketCollection(MethodView):
    @blp.arguments(TicketCreate)
    @blp.response(201, TicketCreated)
    def post(self, data):
        identity = current_identity()
        if identity is not None and identity.role not in (CLIENT, OPERATOR) \
                and not identity.is_staff:
            identity = None
        if identity is None and not data.get("guest_email"):
            raise Invalid("An e-mail address is needed to reply to a guest.", field="guest_email")
        with unit_of_work() as uow:
            created = create_ticket(data, by=identity, uow=uow)
            uow.commit()
        ticket = created.ticket
        ticket.tracking_token = created.tracking_token  # shown in this response only
        ticket.tracking_url = f"/lacak?number={ticket.number}&token={created.tracking_token}"
        return ticket

    @blp.arguments(TicketListArgs, location="query")
    @blp.response(200, TicketPage)
    def get(self, args):
        identity = current_identity()
        if identity is None:
            raise NotFound("Log in to list tickets.")
        query = select(Ticket)
        if not identity.is_staff:
            query = query.where(Ticket.client == identity.username)
        query = _filtered(query, args, identity)
        with unit_of_work() as uow:
            total = uow.session.execute(
                select(func.count()).select_from(query.subquery())).scalar_one()
            items = uow.session.execute(
                query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
                .offset((args["page"] - 1) * args["per_page"]).limit(args["per_page"])
            ).scalars().all()
            return {"items": items, "page": args["page"], "per_page": args["per_page"],
                    "total": total}


def _filtered(query, args: dict, identity):
    for name in ("status", "priority", "type", "category", "service", "group", "channel",
                 "sla_state"):
        if name in args:
            query = query.where(getattr(Ticket, name) == args[name])
    if "assignee" in args:
        assignee = identity.username if args["assignee"] == "me" else args["assignee"]
        query = query.where(Ticket.assignee == assignee)
    if "created_from" in args:
        query = query.where(Ticket.created_at >= args["created_from"])
    if "created_to" in args:
        query = query.where(Ticket.created_at <= args["created_to"])
    if args.get("q"):
        pattern = f"%{args['q']}%"
        query = query.where(or_(Ticket.title.ilike(pattern), Ticket.body.ilike(pattern),
                                Ticket.number.ilike(pattern)))
    return query


@blp.route("/<string:number>")
class TicketItem(MethodView):
    @blp.response(200, TicketOut)
    def get(self, number):
        with unit_of_work() as uow:
            return visible_ticket(uow, number)


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("intake")
    app, api = create_base_app(settings, title="Intake", engine=engine)
    api.register_blueprint(blp)
    return app
