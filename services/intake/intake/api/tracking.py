"""Public tracking: a guest follows and answers their ticket with its tracking token."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from servicedesk_common.errors import NotFound

from .. import domain, handlers
from ..schemas import PublicReplyOut, PublicTicketOut, TokenArgs, TrackReplyIn
from ..views import client_reply_view, public_view
from .access import intake, unit_of_work

blp = Blueprint("tracking", __name__, url_prefix="/api/v1/track", description="Tracking")


def tracked(uow, number: str, token: str, *, for_update: bool = False):
    """A wrong number and a wrong token look the same: 404."""
    ticket = None
    if domain.looks_like_number(number):
        ticket = (uow.tickets.get_for_update if for_update else uow.tickets.get)(number)
    if ticket is None or not domain.token_matches(token, ticket.tracking_token_hash):
        raise NotFound("No ticket with this number and token; check the link you were sent.")
    return ticket


@blp.route("/<string:number>")
class Track(MethodView):
    @blp.arguments(TokenArgs(), location="query", unknown=RAISE)
    @blp.response(200, PublicTicketOut)
    def get(self, args, number):
        """Status, priority, public replies and due times of a ticket."""
        with unit_of_work() as uow:
            return public_view(tracked(uow, number, args["token"]))


@blp.route("/<string:number>/replies")
class TrackReplies(MethodView):
    @blp.arguments(TokenArgs(), location="query", unknown=RAISE)
    @blp.arguments(TrackReplyIn())
    @blp.response(201, PublicReplyOut)
    def post(self, args, data, number):
        """The client's reply; it lifts a hold."""
        with unit_of_work() as uow:
            ticket = tracked(uow, number, args["token"], for_update=True)
            outcome = handlers.client_reply(ticket, body=data["body"],
                                            by=handlers.guest_of(ticket), uow=uow,
                                            reopen_days=intake().config.reopen_days)
            uow.commit()
            return client_reply_view(outcome)
