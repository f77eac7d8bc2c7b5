"""Canned replies: reply templates with the ticket's fields ({number}, {title}, ...); the staff
read them (filled in for `?ticket=`), the supervisor keeps them."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Conflict, Forbidden, Invalid, NotFound
from servicedesk_common.identity import SUPERVISOR

from .. import domain
from ..handlers.base import now
from ..models import CannedReply
from ..schemas import CannedReplyIn, CannedReplyOut, CannedReplyQuery
from ..views import ticket_view
from .access import allow, caller, ticket_for, unit_of_work

blp = Blueprint("canned", __name__, url_prefix="/api/v1/canned-replies",
                description="Canned replies (reply templates)")


def _view(reply: CannedReply, ticket: dict | None = None) -> dict:
    return {"id": reply.id, "title": reply.title, "body": reply.body,
            "filled": domain.fill_template(reply.body, ticket) if ticket else None,
            "updated_by": reply.updated_by, "updated_at": reply.updated_at}


def _checked(data: dict, uow, *, keeping: int | None = None) -> None:
    unknown = domain.unknown_placeholders(data["body"])
    if unknown:
        known = ", ".join("{" + name + "}" for name in domain.TEMPLATE_FIELDS)
        raise Invalid("The template names fields a ticket does not have.", details={
            "body": [f"Unknown field {{{name}}}; use one of {known}." for name in unknown]})
    same = uow.canned.titled(data["title"])
    if same is not None and same.id != keeping:
        raise Conflict(f"A canned reply titled {data['title']!r} exists already.")


def _keeper():
    identity = caller()
    allow(identity, SUPERVISOR, what="keep canned replies")
    return identity


@blp.route("")
class CannedReplies(MethodView):
    @blp.arguments(CannedReplyQuery, location="query")
    @blp.response(200, CannedReplyOut(many=True))
    def get(self, args):
        """Every canned reply by title (staff); with `ticket`, each also filled in for it."""
        if not caller().is_staff:
            raise Forbidden("Canned replies are for the service desk.")
        with unit_of_work() as uow:
            ticket = None
            if args.get("ticket"):
                found, _ = ticket_for(uow, args["ticket"])
                ticket = ticket_view(found, staff=True)
            return [_view(reply, ticket) for reply in uow.canned.all()]

    @blp.arguments(CannedReplyIn)
    @blp.response(201, CannedReplyOut)
    def post(self, data):
        """A new canned reply (supervisor); 409 for a title in use."""
        identity = _keeper()
        with unit_of_work() as uow:
            _checked(data, uow)
            reply = CannedReply(title=data["title"], body=data["body"],
                                updated_by=identity.username, updated_at=now())
            uow.canned.add(reply)
            uow.commit()
            return _view(reply)


@blp.route("/<int:reply_id>")
class OneCannedReply(MethodView):
    @blp.arguments(CannedReplyIn)
    @blp.response(200, CannedReplyOut)
    def put(self, data, reply_id):
        """Replace a canned reply's title and body (supervisor)."""
        identity = _keeper()
        with unit_of_work() as uow:
            reply = uow.canned.get(reply_id, for_update=True)
            if reply is None:
                raise NotFound(f"No canned reply {reply_id}.")
            _checked(data, uow, keeping=reply_id)
            reply.title, reply.body = data["title"], data["body"]
            reply.updated_by, reply.updated_at = identity.username, now()
            uow.commit()
            return _view(reply)

    @blp.response(204)
    def delete(self, reply_id):
        """Remove a canned reply (supervisor)."""
        _keeper()
        with unit_of_work() as uow:
            reply = uow.canned.get(reply_id, for_update=True)
            if reply is None:
                raise NotFound(f"No canned reply {reply_id}.")
            uow.canned.remove(reply)
            uow.commit()
