"""Intake's API in and out (marshmallow): validation and the OpenAPI document come from here."""
from marshmallow import Schema, fields, validate

from .domain import STAFF_CHANNELS, TicketType

LEVELS = ("high", "medium", "low")


class TicketCreate(Schema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    type = fields.String(load_default=TicketType.INCIDENT.value,
                         validate=validate.OneOf([t.value for t in TicketType]))
    category = fields.String(required=True, validate=validate.Length(min=1, max=60))
    service = fields.String(allow_none=True, validate=validate.Length(max=120))
    guest_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    client = fields.String(allow_none=True, validate=validate.Length(max=120))
    contact_name = fields.String(allow_none=True, validate=validate.Length(max=120))
    contact_phone = fields.String(allow_none=True, validate=validate.Regexp(
        r"^[0-9+()\- ]{4,40}$", error="Use digits, spaces and + ( ) - only."))
    agency = fields.String(allow_none=True, validate=validate.Length(max=160))
    channel = fields.String(allow_none=True, validate=validate.OneOf(STAFF_CHANNELS))
    urgency = fields.String(allow_none=True, validate=validate.OneOf(LEVELS))
    impact = fields.String(allow_none=True, validate=validate.OneOf(LEVELS))


class ReplyOut(Schema):
    id = fields.Integer()
    author = fields.String(allow_none=True)
    author_role = fields.String()
    body = fields.String()
    internal = fields.Boolean()
    kind = fields.String()
    created_at = fields.DateTime()


class AttachmentOut(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    created_at = fields.DateTime()


class SlaOut(Schema):
    policy = fields.String(allow_none=True)
    calendar = fields.String(allow_none=True)
    response_due_at = fields.String(allow_none=True)
    resolution_due_at = fields.String(allow_none=True)
    responded_at = fields.String(allow_none=True)
    response_met = fields.Boolean(allow_none=True)
    resolution_met = fields.Boolean(allow_none=True)
    state = fields.String(allow_none=True)


class SurveyOut(Schema):
    status = fields.String(allow_none=True)
    score = fields.Float(allow_none=True)
    url = fields.String(allow_none=True)


class TicketOut(Schema):
    number = fields.String()
    title = fields.String()
    body = fields.String()
    type = fields.String()
    category = fields.String(allow_none=True)
    service = fields.String(allow_none=True)
    channel = fields.String()
    status = fields.String()
    urgency = fields.String(allow_none=True)
    impact = fields.String(allow_none=True)
    priority = fields.Integer(allow_none=True)
    priority_reason = fields.String(allow_none=True)
    client = fields.String(allow_none=True)
    guest_email = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    agency = fields.String(allow_none=True)
    group = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    on_hold = fields.String(allow_none=True, attribute="hold_reason")
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    replies = fields.List(fields.Nested(ReplyOut))
    attachments = fields.List(fields.Nested(AttachmentOut))
    sla = fields.Nested(SlaOut, allow_none=True)
    escalations = fields.List(fields.Dict())
    survey = fields.Nested(SurveyOut, allow_none=True)
    classification = fields.Dict(allow_none=True)


class TicketCreated(TicketOut):
    tracking_token = fields.String()
    tracking_url = fields.String()


class TicketListArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    status = fields.String(validate=validate.OneOf(["submitted", "new", "in_progress", "done"]))
    priority = fields.Integer(validate=validate.Range(min=1, max=3))
    type = fields.String(validate=validate.OneOf([t.value for t in TicketType]))
    category = fields.String()
    service = fields.String()
    assignee = fields.String()
    group = fields.String()
    channel = fields.String(validate=validate.OneOf(STAFF_CHANNELS))
    q = fields.String(validate=validate.Length(max=200))
    created_from = fields.DateTime()
    created_to = fields.DateTime()
    sla_state = fields.String(validate=validate.OneOf(
        ["ok", "at_risk", "breached", "met", "paused"]))


class TicketPage(Schema):
    items = fields.List(fields.Nested(TicketOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
