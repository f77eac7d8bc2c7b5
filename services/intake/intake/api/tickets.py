"""Tickets: record, list, read, change, reply, close, reopen, hold, history."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE
from sqlalchemy import func, select, union

from servicedesk_common.errors import Forbidden
from servicedesk_common.identity import CLIENT
from servicedesk_common.web import current_identity

from .. import handlers
from ..models import Reply, Ticket, searched_text
from ..schemas import (
    CloseIn,
    HistoryOut,
    HoldIn,
    ReopenIn,
    ReplyIn,
    ReplyOut,
    TicketCreate,
    TicketCreated,
    TicketListArgs,
    TicketOut,
    TicketPage,
    TicketPatch,
)
from ..views import client_reply_view, reply_view, ticket_view
from .access import DESK, allow, allow_hold, caller, intake, ticket_for, unit_of_work, with_catalog

blp = Blueprint("tickets", __name__, url_prefix="/api/v1/tickets", description="Tickets")


@blp.route("")
class TicketCollection(MethodView):
    @blp.arguments(TicketCreate())
    @blp.response(201, TicketCreated)
    def post(self, data):
        """Report a ticket (a guest gives guest_email; a logged-in client is its owner) or
        record one on someone's behalf (operator, supervisor: with the channel)."""
        identity = current_identity()
        with unit_of_work() as uow:
            created = with_catalog(lambda catalog: handlers.create_ticket(
                data, by=identity, uow=uow, catalog=catalog))
            uow.commit()
        view = ticket_view(created.ticket, staff=identity is not None and identity.is_staff)
        token = created.tracking_token  # shown in this response only; we keep its hash
        return {**view, "tracking_token": token,
                "tracking_url": f"/lacak?number={created.ticket.number}&token={token}"}

    @blp.arguments(TicketListArgs(), location="query", unknown=RAISE)
    @blp.response(200, TicketPage)
    def get(self, args):
        """Staff list every ticket, a client their own; newest first unless `sort` says."""
        identity = caller()
        query = select(Ticket)
        if not identity.is_staff:
            query = query.where(Ticket.client == identity.username)
        query = _filtered(query, args, identity)
        with unit_of_work() as uow:
            total = uow.session.execute(
                select(func.count()).select_from(query.subquery())).scalar_one()
            items = uow.session.execute(
                query.order_by(*_ordering(args["sort"]))
                .offset((args["page"] - 1) * args["per_page"]).limit(args["per_page"])
            ).scalars().all()
            return {"items": [ticket_view(t, staff=identity.is_staff) for t in items],
                    "page": args["page"], "per_page": args["per_page"], "total": total}


def _ordering(sort: str) -> tuple:
    """The sort field, then the ticket id the same way (an index on each covers both);
    tickets without a value come last ascending and first descending, on either database."""
    name = sort.lstrip("-")
    column = Ticket.sla_due_at if name == "sla_due" else getattr(Ticket, name)
    if name == "number":  # unique: no tie to break
        return (column.desc() if sort.startswith("-") else column.asc(),)
    if sort.startswith("-"):
        return column.desc().nulls_first(), Ticket.id.desc()
    return column.asc().nulls_last(), Ticket.id.asc()


def _filtered(query, args: dict, identity):
    if "status" in args:
        query = query.where(Ticket.status.in_(args["status"]))
    for name in ("priority", "type", "category", "service", "group", "channel", "sla_state"):
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
        escaped = args["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        in_replies = select(Reply.ticket_id).where(Reply.body.ilike(pattern, escape="\\"))
        if not identity.is_staff:  # internal notes are not the client's to search
            in_replies = in_replies.where(Reply.internal.is_(False))
        in_ticket = select(Ticket.id).where(searched_text().ilike(pattern, escape="\\"))
        query = query.where(Ticket.id.in_(union(in_ticket, in_replies)))
    return query


@blp.route("/<string:number>")
class TicketItem(MethodView):
    @blp.response(200, TicketOut)
    def get(self, number):
        """The full ticket (staff; its owner)."""
        identity = caller()
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number)
            return ticket_view(ticket, staff=identity.is_staff)

    @blp.arguments(TicketPatch())
    @blp.response(200, TicketOut)
    def patch(self, data, number):
        """Verify, categorise, prioritise, edit or move the status (operator, supervisor).
        Priority follows a moment later, when triage has applied the matrix."""
        identity = caller()
        allow(identity, *DESK, what="change tickets")
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number, for_update=True)
            with_catalog(lambda catalog: handlers.update_ticket(
                ticket, data, by=identity, uow=uow, catalog=catalog))
            uow.commit()
            return ticket_view(ticket, staff=True)


@blp.route("/<string:number>/replies")
class Replies(MethodView):
    @blp.arguments(ReplyIn())
    @blp.response(201, ReplyOut)
    def post(self, data, number):
        """A public reply, or an internal note (staff only). A client's reply lifts a hold."""
        identity = caller()
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number, for_update=True)
            if identity.is_staff or data["internal"]:  # add_reply refuses a client's note
                view = reply_view(handlers.add_reply(
                    ticket, body=data["body"], internal=data["internal"], by=identity, uow=uow))
            else:
                view = client_reply_view(handlers.client_reply(
                    ticket, body=data["body"], by=identity, uow=uow,
                    reopen_days=intake().config.reopen_days))
            uow.commit()
            return view


@blp.route("/<string:number>/read")
class Read(MethodView):
    @blp.response(200, TicketOut)
    def post(self, number):
        """Staff have read the client's replies: the unread mark in the queue goes."""
        identity = caller()
        if not identity.is_staff:
            raise Forbidden("Marking replies read is for the service desk.")
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number, for_update=True)
            handlers.mark_replies_read(ticket)
            uow.commit()
            return ticket_view(ticket, staff=True)


@blp.route("/<string:number>/close")
class Close(MethodView):
    @blp.arguments(CloseIn())
    @blp.response(200, TicketOut)
    def post(self, data, number):
        """Close: status done, with the resolution the client is told; the survey follows.
        A ticket without category, service (where its category has some), urgency, impact
        or a resolution (given here, or level 2's solution) is refused, naming what lacks."""
        identity = caller()
        allow(identity, *DESK, what="close tickets")
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number, for_update=True)
            with_catalog(lambda catalog: handlers.close(
                ticket, resolution=data.get("resolution"), by=identity, uow=uow,
                catalog=catalog))
            uow.commit()
            return ticket_view(ticket, staff=True)


@blp.route("/<string:number>/reopen")
class Reopen(MethodView):
    @blp.arguments(ReopenIn())
    @blp.response(200, TicketOut)
    def post(self, data, number):
        """Reopen a done ticket (operator, supervisor; its owner within the reopen window)."""
        identity = caller()
        allow(identity, *DESK, CLIENT, what="reopen tickets")
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number, for_update=True)
            handlers.reopen(ticket, reason=data["reason"], by=identity, uow=uow,
                            owner_days=intake().config.reopen_days)
            uow.commit()
            return ticket_view(ticket, staff=identity.is_staff)


@blp.route("/<string:number>/hold")
class Hold(MethodView):
    @blp.arguments(HoldIn())
    @blp.response(200, TicketOut)
    def post(self, data, number):
        """Put an in-progress ticket on hold (waiting_client, waiting_vendor): the resolution
        clock pauses; the status stays in_progress."""
        identity = caller()
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number, for_update=True)
            allow_hold(identity, ticket)
            handlers.start_hold(ticket, reason=data["reason"], note=data.get("note"),
                                by=identity, uow=uow)
            uow.commit()
            return ticket_view(ticket, staff=True)

    @blp.response(200, TicketOut)
    def delete(self, number):
        """Lift the hold: the resolution clock runs again."""
        identity = caller()
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number, for_update=True)
            allow_hold(identity, ticket)
            handlers.lift_hold(ticket, by=identity, uow=uow)
            uow.commit()
            return ticket_view(ticket, staff=True)


@blp.route("/<string:number>/history")
class History(MethodView):
    @blp.response(200, HistoryOut(many=True))
    def get(self, number):
        """Every change: who, when, what, from, to - including other services' changes."""
        identity = caller()
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number)
            if not identity.is_staff:
                raise Forbidden("The history of a ticket is for the service desk.")
            return uow.tickets.history(ticket)
