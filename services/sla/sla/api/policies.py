"""SLA policies, per-service overrides and calendars: staff read, an admin edits."""
from __future__ import annotations

from datetime import date

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Invalid
from servicedesk_common.identity import ADMIN, STAFF
from servicedesk_common.web import current_identity, require

from ..domain.policies import CALENDARS
from ..handlers import admin
from ..schemas import (
    CalendarArgs,
    CalendarList,
    CalendarOut,
    ClosedDateAdded,
    ClosedDateIn,
    PageArgs,
    PolicyIn,
    PolicyOut,
    PolicyPage,
)
from . import unit_of_work
from .present import calendar_view, policy_view

blp = Blueprint("sla_policies", __name__, url_prefix="/api/v1/sla",
                description="SLA policies and business calendars")


@blp.route("/policies")
class PolicyCollection(MethodView):
    @require(*STAFF)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, PolicyPage)
    def get(self, args):
        """Every policy: the three priorities' (targets in working minutes, the calendar they
        run on) and then the per-service overrides."""
        with unit_of_work() as uow:
            policies = list(uow.policies.defaults().values()) + uow.policies.overrides()
        first = (args["page"] - 1) * args["per_page"]
        return {"items": [policy_view(p) for p in policies[first:first + args["per_page"]]],
                "page": args["page"], "per_page": args["per_page"], "total": len(policies)}


@blp.route("/policies/<int:priority>")
class PolicyItem(MethodView):
    @require(ADMIN)
    @blp.arguments(PolicyIn)
    @blp.response(200, PolicyOut)
    def put(self, data, priority):
        """Set a priority's targets and calendar; clocks started or re-targeted from now on
        use them (open clocks keep the due times they were given)."""
        with unit_of_work() as uow:
            policy = admin.put_policy(data, priority=priority, by=current_identity().username,
                                      uow=uow)
            uow.commit()
        return policy_view(policy)


@blp.route("/policies/<int:priority>/services/<string:service>")
class ServiceOverride(MethodView):
    @require(ADMIN)
    @blp.arguments(PolicyIn)
    @blp.response(200, PolicyOut)
    def put(self, data, priority, service):
        """A service's own targets for one priority (the service as named in the catalog)."""
        with unit_of_work() as uow:
            policy = admin.put_policy(data, priority=priority, service=service,
                                      by=current_identity().username, uow=uow)
            uow.commit()
        return policy_view(policy)

    @require(ADMIN)
    @blp.response(204)
    def delete(self, priority, service):
        """Back to the priority's policy for this service."""
        with unit_of_work() as uow:
            admin.delete_override(priority=priority, service=service, uow=uow)
            uow.commit()


@blp.route("/calendars")
class CalendarCollection(MethodView):
    @require(*STAFF)
    @blp.response(200, CalendarList)
    def get(self):
        with unit_of_work() as uow:
            return {"items": [calendar_view(uow.calendars.get(name),
                                            uow.calendars.closed_dates(name), year=None)
                              for name in CALENDARS]}


@blp.route("/calendars/<string:name>")
class CalendarItem(MethodView):
    @require(*STAFF)
    @blp.arguments(CalendarArgs, location="query")
    @blp.response(200, CalendarOut)
    def get(self, args, name):
        """With ?year=2026 also every weekday the calendar does not work that year, and why."""
        admin.require_calendar(name)
        with unit_of_work() as uow:
            return calendar_view(uow.calendars.get(name), uow.calendars.closed_dates(name),
                                 year=args.get("year"))


@blp.route("/calendars/<string:name>/closed-dates")
class ClosedDates(MethodView):
    @require(ADMIN)
    @blp.arguments(ClosedDateIn)
    @blp.response(201, ClosedDateAdded)
    def post(self, data, name):
        """Close a date (e.g. cuti bersama): open clocks on the calendar are given their new
        due times at once, in the same transaction."""
        with unit_of_work() as uow:
            row, updated = admin.add_closed_date(name, day=data["date"],
                                                 reason=data.get("reason"),
                                                 by=current_identity().username, uow=uow)
            uow.commit()
        return {"calendar": row.calendar, "day": row.day, "reason": row.reason,
                "added_by": row.added_by, "added_at": row.added_at, "clocks_updated": updated}


@blp.route("/calendars/<string:name>/closed-dates/<string:day>")
class ClosedDateItem(MethodView):
    @require(ADMIN)
    @blp.response(204)
    def delete(self, name, day):
        """Open a closed date again; open clocks get their due times back."""
        try:
            moment = date.fromisoformat(day)
        except ValueError:
            raise Invalid("Give the date as YYYY-MM-DD.", field="date") from None
        with unit_of_work() as uow:
            admin.remove_closed_date(name, day=moment, uow=uow)
            uow.commit()
