"""The SLA of tickets: lists by state, one ticket's clock, why it is due when it is, and the
met/breached counts of a period for the KPI report."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Invalid, NotFound
from servicedesk_common.identity import STAFF
from servicedesk_common.web import require

from ..adapters import facts_of, snapshot_of
from ..calendar import JAKARTA
from ..domain.clock import Targets
from ..domain.policies import kpi
from ..domain.replay import replay
from ..schemas import ExplainOut, KpiArgs, KpiOut, TicketSlaArgs, TicketSlaOut, TicketSlaPage
from . import unit_of_work
from .present import explain_view

blp = Blueprint("sla_clocks", __name__, url_prefix="/api/v1", description="SLA of tickets")


def now() -> datetime:
    return datetime.now(UTC)


def started_clock(uow, number: str):
    row = uow.clocks.get(number)
    if row is None or snapshot_of(row) is None:
        raise NotFound(f"No SLA clock for {number}: the ticket is unknown or was recorded a "
                       "moment ago.")
    return row


@blp.route("/sla/tickets")
class TicketSlaCollection(MethodView):
    @require(*STAFF)
    @blp.arguments(TicketSlaArgs, location="query")
    @blp.response(200, TicketSlaPage)
    def get(self, args):
        """Tickets with their SLA state, oldest first: ?state=at_risk,breached (any of ok,
        at_risk, breached, met, paused), ?priority=, ?group=, ?assignee=."""
        with unit_of_work() as uow:
            rows, total = uow.clocks.page(
                states=args.get("state"), priority=args.get("priority"),
                group=args.get("group"), assignee=args.get("assignee"), page=args["page"],
                per_page=args["per_page"])
        return {"items": rows, "page": args["page"], "per_page": args["per_page"],
                "total": total}


@blp.route("/tickets/<string:number>/sla")
class TicketSla(MethodView):
    @require(*STAFF)
    @blp.response(200, TicketSlaOut)
    def get(self, number):
        """One ticket's clock, its state as of this moment."""
        with unit_of_work() as uow:
            row = started_clock(uow, number)
        row.state = snapshot_of(row).state(now()).value
        return row


@blp.route("/tickets/<string:number>/sla/explain")
class TicketSlaExplain(MethodView):
    @require(*STAFF)
    @blp.response(200, ExplainOut)
    def get(self, number):
        """The working intervals counted towards each target, the pauses not counted and the
        working days the calendar skipped: why the ticket is due when it is."""
        with unit_of_work() as uow:
            row = started_clock(uow, number)
            calendar = uow.calendars.get(row.calendar)
            closed_rows = uow.calendars.closed_dates(row.calendar)
            clock = replay(row.started_at, calendar,
                           Targets(row.response_seconds, row.resolution_seconds), facts_of(row))
        return explain_view(row, clock, closed_rows, now=now())


def period(start: date | datetime, end: date | datetime) -> tuple[datetime, datetime]:
    """Dates are whole days in the office's zone, `to` included."""
    zone = ZoneInfo(JAKARTA)
    if not isinstance(start, datetime):
        start = datetime.combine(start, time(0), zone)
    if not isinstance(end, datetime):
        end = datetime.combine(end + timedelta(days=1), time(0), zone)
    if end <= start:
        raise Invalid("The period must end after it starts.", field="to")
    return start.astimezone(UTC), end.astimezone(UTC)


@blp.route("/sla/kpi")
class SlaKpi(MethodView):
    @require(*STAFF)
    @blp.arguments(KpiArgs, location="query")
    @blp.response(200, KpiOut)
    def get(self, args):
        """Response and resolution targets met and breached, per priority and overall, of the
        tickets recorded in the period (`from`/`to`: dates in Asia/Jakarta, `to` included, or
        moments with an offset). An open target past its due time counts as breached; one that
        may still be met is pending. Tickets not yet prioritised count under priority 3, the
        targets they are measured against."""
        start, end = period(args["start"], args["end"])
        with unit_of_work() as uow:
            rows = uow.clocks.started_between(start, end)
        counts = kpi([(row.priority, snapshot_of(row)) for row in rows], now())
        return {"start": start, "end": end, "tickets": len(rows), **counts}
