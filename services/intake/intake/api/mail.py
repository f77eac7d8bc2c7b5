"""The quarantine of inbound mail that could not be read: the staff see it, an operator turns
a mail into a ticket."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Conflict, Forbidden, NotFound

from .. import handlers
from ..schemas import QuarantinedMailOut, TicketOut
from ..views import ticket_view
from .access import DESK, allow, caller, unit_of_work

blp = Blueprint("mail", __name__, url_prefix="/api/v1/mail", description="Inbound mail")


def _view(mail) -> dict:
    return {"id": mail.id, "message_id": mail.message_id, "sender": mail.sender,
            "subject": mail.subject, "reason": mail.reason, "size": len(mail.raw),
            "received_at": mail.received_at, "ticket_number": mail.ticket_number}


@blp.route("/quarantine")
class Quarantine(MethodView):
    @blp.response(200, QuarantinedMailOut(many=True))
    def get(self):
        """Mail that could not be read, newest first (staff)."""
        identity = caller()
        if not identity.is_staff:
            raise Forbidden("The mail quarantine is for the service desk.")
        with unit_of_work() as uow:
            return [_view(mail) for mail in uow.mail.quarantined()]


@blp.route("/quarantine/<int:mail_id>/ticket")
class QuarantineTicket(MethodView):
    @blp.response(201, TicketOut)
    def post(self, mail_id):
        """Turn a quarantined mail into a ticket (operator, supervisor): what text could be
        read becomes its body, the sender its guest_email."""
        identity = caller()
        allow(identity, *DESK, what="turn quarantined mail into tickets")
        with unit_of_work() as uow:
            mail = uow.mail.quarantined_for_update(mail_id)
            if mail is None:
                raise NotFound(f"No quarantined mail {mail_id}.")
            if mail.ticket_number:
                raise Conflict(f"This mail is already ticket {mail.ticket_number}.",
                               code="already_a_ticket",
                               details={"ticket_number": mail.ticket_number})
            ticket = handlers.ticket_from_quarantine(mail, by=identity, uow=uow)
            uow.commit()
            return ticket_view(ticket, staff=True)
