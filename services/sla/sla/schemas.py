"""Sla's API in and out (marshmallow): validation and the OpenAPI document come from here."""
from __future__ import annotations

from datetime import date, datetime

from marshmallow import Schema, ValidationError, fields, validate
from webargs.fields import DelimitedList

from servicedesk_common.schemas import Page

from .domain.clock import SlaState
from .domain.policies import CALENDARS, PRIORITIES

STATES = [state.value for state in SlaState]


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PolicyIn(Schema):
    response_minutes = fields.Float(required=True, metadata={
        "description": "Working minutes until the response is due; fractions allowed "
                       "(0.5 = 30 seconds)."})
    resolution_minutes = fields.Float(required=True)
    calendar = fields.String(required=True, validate=validate.OneOf(CALENDARS))


class PolicyOut(Schema):
    name = fields.String()
    priority = fields.Integer()
    service = fields.String(allow_none=True, attribute="service_name")
    service_code = fields.String(allow_none=True, attribute="service")
    response_minutes = fields.Float()
    resolution_minutes = fields.Float()
    calendar = fields.String()


class PolicyPage(Page):
    items = fields.List(fields.Nested(PolicyOut))


class ClosedDateIn(Schema):
    date = fields.Date(required=True)
    reason = fields.String(allow_none=True, validate=validate.Length(max=200))


class ClosedDateOut(Schema):
    calendar = fields.String()
    date = fields.Date(attribute="day")
    reason = fields.String(allow_none=True)
    added_by = fields.String(allow_none=True)
    added_at = fields.DateTime(allow_none=True)


class ClosedDateAdded(ClosedDateOut):
    clocks_updated = fields.Integer(metadata={"description": "open clocks given new due times"})


class ClosedDayOut(Schema):
    date = fields.Date()
    reason = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "national_holiday or closed_date"})


class HoursOut(Schema):
    weekday = fields.Integer(metadata={"description": "0 Monday .. 6 Sunday"})
    opens = fields.String()
    closes = fields.String()


class CalendarOut(Schema):
    name = fields.String()
    timezone = fields.String()
    description = fields.String()
    hours = fields.List(fields.Nested(HoursOut))
    national_holidays = fields.String(allow_none=True)
    closed_dates = fields.List(fields.Nested(ClosedDateOut))
    closed_days = fields.List(fields.Nested(ClosedDayOut), metadata={
        "description": "with ?year=: every weekday that does not work that year, and why"})


class CalendarList(Schema):
    items = fields.List(fields.Nested(CalendarOut))


class CalendarArgs(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class TicketSlaArgs(PageArgs):
    state = DelimitedList(fields.String(validate=validate.OneOf(STATES)))
    priority = fields.Integer(validate=validate.OneOf(PRIORITIES))
    group = fields.String(validate=validate.Length(max=60))
    assignee = fields.String(validate=validate.Length(max=120))


class TicketSlaOut(Schema):
    number = fields.String()
    priority = fields.Integer(allow_none=True)
    policy = fields.String()
    calendar = fields.String()
    state = fields.String()
    started_at = fields.DateTime()
    response_warning_at = fields.DateTime(allow_none=True)
    response_due_at = fields.DateTime(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)
    response_met = fields.Boolean(allow_none=True)
    resolution_warning_at = fields.DateTime(allow_none=True)
    resolution_due_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolution_met = fields.Boolean(allow_none=True)
    on_hold_since = fields.DateTime(allow_none=True, attribute="hold_since")
    group = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)


class TicketSlaPage(Page):
    items = fields.List(fields.Nested(TicketSlaOut))


class IntervalOut(Schema):
    start = fields.DateTime(data_key="from")
    end = fields.DateTime(data_key="to")
    minutes = fields.Float()
    local = fields.String(metadata={"description": "the same interval in the calendar's zone"})


class PauseOut(Schema):
    start = fields.DateTime(data_key="from")
    end = fields.DateTime(data_key="to", allow_none=True)
    reason = fields.String()


class TargetExplainOut(Schema):
    target_minutes = fields.Float()
    elapsed_minutes = fields.Float()
    remaining_minutes = fields.Float()
    warning_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    done_at = fields.DateTime(allow_none=True)
    state = fields.String()
    met = fields.Boolean(allow_none=True)
    counted = fields.List(fields.Nested(IntervalOut))


class ExplainOut(Schema):
    number = fields.String()
    priority = fields.Integer(allow_none=True)
    policy = fields.String()
    calendar = fields.String()
    calendar_description = fields.String()
    timezone = fields.String()
    started_at = fields.DateTime()
    now = fields.DateTime()
    state = fields.String()
    response = fields.Nested(TargetExplainOut)
    resolution = fields.Nested(TargetExplainOut)
    pauses = fields.List(fields.Nested(PauseOut))
    closed_days = fields.List(fields.Nested(ClosedDayOut))


class DayOrMoment(fields.Field):
    """A date (2026-01-31, a whole day in the office's zone) or a moment with an offset."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Give a date (2026-01-31) or a moment with an offset.")
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError("Give a date (2026-01-31) or a moment with an offset "
                                  "(2026-01-31T08:00:00+07:00).") from None
        if moment.tzinfo is None:
            raise ValidationError("Give the moment's offset, e.g. +07:00 or Z.")
        return moment


PERIOD_END = {"type": "string", "example": "2026-01-31", "description": (
    "a date (a whole day in Asia/Jakarta, included) or a moment with an offset")}


class KpiArgs(Schema):
    start = DayOrMoment(data_key="from", required=True, metadata=PERIOD_END)
    end = DayOrMoment(data_key="to", required=True, metadata=PERIOD_END)


class TargetCountsOut(Schema):
    met = fields.Integer()
    breached = fields.Integer()
    pending = fields.Integer()
    total = fields.Integer()
    met_share = fields.Float(allow_none=True)
    breached_share = fields.Float(allow_none=True)


class PriorityKpiOut(Schema):
    priority = fields.Integer()
    response = fields.Nested(TargetCountsOut)
    resolution = fields.Nested(TargetCountsOut)


class OverallKpiOut(Schema):
    response = fields.Nested(TargetCountsOut)
    resolution = fields.Nested(TargetCountsOut)


class KpiOut(Schema):
    start = fields.DateTime(data_key="from")
    end = fields.DateTime(data_key="to")
    tickets = fields.Integer()
    priorities = fields.List(fields.Nested(PriorityKpiOut))
    all = fields.Nested(OverallKpiOut)
