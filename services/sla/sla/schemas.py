"""Sla's API in and out (marshmallow): validation and the OpenAPI document come from here."""
from __future__ import annotations

from datetime import date, datetime

from marshmallow import Schema, ValidationError, fields, validate
from webargs.fields import DelimitedList

from servicedesk_common.schemas import Integer, Page, Text, page_field, per_page_field

from .domain.clock import SlaState
from .domain.policies import CALENDARS, PRIORITIES

STATES = [state.value for state in SlaState]


class PageArgs(Schema):
    page = page_field()
    per_page = per_page_field()


class PolicyIn(Schema):
    response_minutes = fields.Float(required=True, metadata={
        "description": "Working minutes until the response is due; fractions allowed "
                       "(0.5 = 30 seconds)."})
    resolution_minutes = fields.Float(required=True)
    calendar = Text(required=True, validate=validate.OneOf(CALENDARS))


class PolicyOut(Schema):
    name = Text()
    priority = Integer()
    service = Text(allow_none=True, attribute="service_name")
    service_code = Text(allow_none=True, attribute="service")
    response_minutes = fields.Float()
    resolution_minutes = fields.Float()
    calendar = Text()


class PolicyPage(Page):
    items = fields.List(fields.Nested(PolicyOut))


class ClosedDateIn(Schema):
    date = fields.Date(required=True)
    reason = Text(allow_none=True, validate=validate.Length(max=200))


class ClosedDateOut(Schema):
    calendar = Text()
    date = fields.Date(attribute="day")
    reason = Text(allow_none=True)
    added_by = Text(allow_none=True)
    added_at = fields.DateTime(allow_none=True)


class ClosedDateAdded(ClosedDateOut):
    clocks_updated = Integer(metadata={"description": "open clocks given new due times"})


class ClosedDayOut(Schema):
    date = fields.Date()
    reason = Text(allow_none=True)
    kind = Text(metadata={"description": "national_holiday or closed_date"})


class HoursOut(Schema):
    weekday = Integer(metadata={"description": "0 Monday .. 6 Sunday"})
    opens = Text()
    closes = Text()


class CalendarOut(Schema):
    name = Text()
    timezone = Text()
    description = Text()
    hours = fields.List(fields.Nested(HoursOut))
    national_holidays = Text(allow_none=True)
    closed_dates = fields.List(fields.Nested(ClosedDateOut))
    closed_days = fields.List(fields.Nested(ClosedDayOut), metadata={
        "description": "with ?year=: every weekday that does not work that year, and why"})


class CalendarList(Schema):
    items = fields.List(fields.Nested(CalendarOut))


class CalendarArgs(Schema):
    year = Integer(validate=validate.Range(min=2000, max=2100))


class TicketSlaArgs(PageArgs):
    state = DelimitedList(Text(validate=validate.OneOf(STATES)))
    priority = Integer(validate=validate.OneOf(PRIORITIES))
    group = Text(validate=validate.Length(max=60))
    assignee = Text(validate=validate.Length(max=120))


class TicketSlaOut(Schema):
    number = Text()
    priority = Integer(allow_none=True)
    policy = Text()
    calendar = Text()
    state = Text()
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
    group = Text(allow_none=True)
    assignee = Text(allow_none=True)


class TicketSlaPage(Page):
    items = fields.List(fields.Nested(TicketSlaOut))


class IntervalOut(Schema):
    start = fields.DateTime(data_key="from")
    end = fields.DateTime(data_key="to")
    minutes = fields.Float()
    local = Text(metadata={"description": "the same interval in the calendar's zone"})


class PauseOut(Schema):
    start = fields.DateTime(data_key="from")
    end = fields.DateTime(data_key="to", allow_none=True)
    reason = Text()


class TargetExplainOut(Schema):
    target_minutes = fields.Float()
    elapsed_minutes = fields.Float()
    remaining_minutes = fields.Float()
    warning_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    done_at = fields.DateTime(allow_none=True)
    state = Text()
    met = fields.Boolean(allow_none=True)
    counted = fields.List(fields.Nested(IntervalOut))


class ExplainOut(Schema):
    number = Text()
    priority = Integer(allow_none=True)
    policy = Text()
    calendar = Text()
    calendar_description = Text()
    timezone = Text()
    started_at = fields.DateTime()
    now = fields.DateTime()
    state = Text()
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
    met = Integer()
    breached = Integer()
    pending = Integer()
    total = Integer()
    met_share = fields.Float(allow_none=True)
    breached_share = fields.Float(allow_none=True)


class PriorityKpiOut(Schema):
    priority = Integer()
    response = fields.Nested(TargetCountsOut)
    resolution = fields.Nested(TargetCountsOut)


class OverallKpiOut(Schema):
    response = fields.Nested(TargetCountsOut)
    resolution = fields.Nested(TargetCountsOut)


class KpiOut(Schema):
    start = fields.DateTime(data_key="from")
    end = fields.DateTime(data_key="to")
    tickets = Integer()
    priorities = fields.List(fields.Nested(PriorityKpiOut))
    all = fields.Nested(OverallKpiOut)
