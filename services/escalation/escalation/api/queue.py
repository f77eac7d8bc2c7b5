"""The technicians' queue ("Tiket Ditugaskan"), one escalation, and the escalation KPIs."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Forbidden, NotFound
from servicedesk_common.identity import ADMIN, OPERATOR, STAFF, SUPERVISOR, TECHNICIAN
from servicedesk_common.web import current_identity, require

from .. import domain, kpi
from ..schemas import EscalationOut, EscalationPage, KpiArgs, KpiOut, QueueArgs
from .common import escalation_view, unit_of_work

blp = Blueprint("escalations", __name__, url_prefix="/api/v1/escalations",
                description="Technician queues and escalation KPIs")


@blp.route("")
class Queue(MethodView):
    @require(TECHNICIAN, OPERATOR, SUPERVISOR, ADMIN)
    @blp.arguments(QueueArgs, location="query")
    @blp.response(200, EscalationPage)
    def get(self, args):
        """Escalations, what is due first on top: `assignee=me&state=open` is a technician's
        queue, `group=` a group's."""
        identity = current_identity()
        with unit_of_work() as uow:
            assignee, group, refusal = domain.queue_scope(
                role=identity.role, username=identity.username, assignee=args.get("assignee"),
                group=args.get("group"), member_of=uow.groups.groups_of(identity.username))
            if refusal:
                raise Forbidden(refusal)
            rows, total = uow.escalations.queue(
                assignee=assignee, group=group, state=args.get("state"),
                number=args.get("number"), page=args["page"], per_page=args["per_page"])
            return {"items": [escalation_view(e, t) for e, t in rows], "page": args["page"],
                    "per_page": args["per_page"], "total": total}


@blp.route("/kpi")
class Kpi(MethodView):
    @require(SUPERVISOR, ADMIN)
    @blp.arguments(KpiArgs, location="query")
    @blp.response(200, KpiOut)
    def get(self, args):
        """Escalations started in [from, to): completed by the first group, reassigned,
        returned to level 1, solved at level 2; per category and priority too."""
        start, end = kpi.period_bounds(args.get("start"), args.get("end"))
        with unit_of_work() as uow:
            links = uow.escalations.kpi_links(start, end)
        return {"start": start, "end": end, **kpi.escalation_kpi(links)}


@blp.route("/<int:escalation_id>")
class EscalationItem(MethodView):
    @require(*STAFF)
    @blp.response(200, EscalationOut)
    def get(self, escalation_id):
        with unit_of_work() as uow:
            escalation = uow.escalations.get(escalation_id)
            if escalation is None:
                raise NotFound(f"No escalation {escalation_id}.")
            return escalation_view(escalation, uow.tickets.get(escalation.number))
