"""Intake's API in and out (marshmallow): validation and the OpenAPI document come from here.
Unknown fields are refused (marshmallow's default); texts are trimmed and may not be blank."""
from datetime import UTC

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicedesk_common.schemas import Integer, Page, Text, page_field, per_page_field

from .domain import HOLD_REASONS, STAFF_CHANNELS, Status, TicketType

LEVELS = ("high", "medium", "low")
STATUSES = [s.value for s in Status]
TYPES = [t.value for t in TicketType]
MAX_TEXT = 20000


class Filled(Text):
    """A string trimmed of surrounding white space that must then be 1..max long."""

    def __init__(self, *, min_length: int = 1, max_length: int = MAX_TEXT, **kwargs):
        super().__init__(validate=validate.Length(min=min_length, max=max_length), **kwargs)
        self.min_length = min_length

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise ValidationError("Must not be blank.")
        return text


def _priority():
    return Integer(strict=True, validate=validate.Range(min=1, max=3), allow_none=True)


class TicketCreate(Schema):
    title = Filled(required=True, min_length=3, max_length=200)
    body = Filled(required=True)
    type = Text(load_default=TicketType.INCIDENT.value, validate=validate.OneOf(TYPES))
    category = Filled(max_length=60, metadata={
        "description": "required, except for types that offer one category only"})
    service = Filled(allow_none=True, max_length=120, metadata={"description": "name or code"})
    guest_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    client = Text(allow_none=True, validate=validate.Regexp(
        r"^[A-Za-z0-9._@-]{1,120}$", error="A username: letters, digits and . _ @ - only."))
    contact_name = Filled(allow_none=True, max_length=120)
    contact_phone = Text(allow_none=True, validate=validate.Regexp(
        r"^[0-9+()\- ]{4,40}$", error="Use digits, spaces and + ( ) - only."))
    agency = Filled(allow_none=True, max_length=160)
    channel = Text(allow_none=True, validate=validate.OneOf(STAFF_CHANNELS))
    urgency = Text(allow_none=True, validate=validate.OneOf(LEVELS))
    impact = Text(allow_none=True, validate=validate.OneOf(LEVELS))
    priority = _priority()
    priority_reason = Filled(allow_none=True, max_length=500)
    internal_note = Filled(allow_none=True, metadata={"description": "staff only (Catatan Tiket)"})


class TicketPatch(Schema):
    title = Filled(min_length=3, max_length=200)
    body = Filled()
    type = Text(validate=validate.OneOf(TYPES))
    category = Filled(max_length=60)
    service = Filled(allow_none=True, max_length=120)
    urgency = Text(allow_none=True, validate=validate.OneOf(LEVELS))
    impact = Text(allow_none=True, validate=validate.OneOf(LEVELS))
    priority = _priority()
    priority_reason = Filled(allow_none=True, max_length=500)
    status = Text(validate=validate.OneOf(STATUSES))

    @validates_schema
    def _not_empty(self, data, **_kw):
        if not data:
            raise ValidationError("Give at least one field to change.", field_name="_schema")


class ReplyIn(Schema):
    body = Filled(required=True)
    internal = fields.Boolean(load_default=False)


class TrackReplyIn(Schema):
    body = Filled(required=True)


class CloseIn(Schema):
    resolution = Filled(allow_none=True)


class ReopenIn(Schema):
    reason = Filled(required=True, max_length=2000)


class HoldIn(Schema):
    reason = Text(required=True, validate=validate.OneOf(HOLD_REASONS))
    note = Filled(allow_none=True, max_length=2000)


class TokenArgs(Schema):
    token = Text(required=True, validate=validate.Length(min=1, max=200))


class OptionalTokenArgs(Schema):
    token = Text(validate=validate.Length(min=1, max=200), metadata={
        "description": "the tracking token, for a guest"})


class ReplyOut(Schema):
    id = Integer(allow_none=True)
    ticket = Text(metadata={
        "description": "the ticket the reply is on: a new one, linked related, when the "
                       "client answered a ticket closed more than 7 days ago"})
    author = Text(allow_none=True)
    author_role = Text()
    author_kind = Text()
    body = Text()
    internal = fields.Boolean()
    kind = Text()
    created_at = fields.DateTime()


class PublicAttachmentOut(Schema):
    id = Integer()
    filename = Text()
    content_type = Text()
    size = Integer()
    created_at = fields.DateTime()


class AttachmentOut(PublicAttachmentOut):
    uploaded_by = Text(allow_none=True)


class SlaOut(Schema):
    policy = Text(allow_none=True)
    calendar = Text(allow_none=True)
    response_due_at = Text(allow_none=True)
    resolution_due_at = Text(allow_none=True)
    responded_at = Text(allow_none=True)
    response_met = fields.Boolean(allow_none=True)
    resolution_met = fields.Boolean(allow_none=True)
    state = Text(allow_none=True)


class SurveyOut(Schema):
    status = Text(allow_none=True)
    score = fields.Float(allow_none=True)
    url = Text(allow_none=True)


class HoldOut(Schema):
    reason = Text()
    note = Text(allow_none=True)
    since = fields.DateTime()


class TicketOut(Schema):
    number = Text()
    title = Text()
    body = Text()
    type = Text()
    category = Text(allow_none=True)
    service = Text(allow_none=True)
    channel = Text()
    status = Text()
    urgency = Text(allow_none=True)
    impact = Text(allow_none=True)
    priority = Integer(allow_none=True)
    priority_reason = Text(allow_none=True)
    client = Text(allow_none=True)
    guest_email = Text(allow_none=True)
    contact_name = Text(allow_none=True)
    contact_phone = Text(allow_none=True)
    agency = Text(allow_none=True)
    recorded_by = Text(allow_none=True)
    group = Text(allow_none=True)
    assignee = Text(allow_none=True)
    on_hold = Text(allow_none=True)
    hold = fields.Nested(HoldOut, allow_none=True)
    resolution = Text(allow_none=True)
    solution = Text(allow_none=True)
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
    unread_client_replies = fields.Integer(metadata={
        "description": "client replies no staff member has read yet (cleared by POST "
                       "/tickets/{number}/read)"})


class TicketCreated(TicketOut):
    tracking_token = Text()
    tracking_url = Text()


class PublicReplyOut(Schema):
    id = Integer(allow_none=True)
    ticket = Text()
    author_kind = Text()
    body = Text()
    kind = Text()
    created_at = fields.DateTime()


class PublicSlaOut(Schema):
    response_due_at = Text(allow_none=True)
    resolution_due_at = Text(allow_none=True)
    state = Text(allow_none=True)


class PublicTicketOut(Schema):
    number = Text()
    title = Text()
    type = Text()
    category = Text(allow_none=True)
    service = Text(allow_none=True)
    status = Text()
    priority = Integer(allow_none=True)
    on_hold = Text(allow_none=True)
    resolution = Text(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    replies = fields.List(fields.Nested(PublicReplyOut))
    attachments = fields.List(fields.Nested(PublicAttachmentOut))
    sla = fields.Nested(PublicSlaOut, allow_none=True)
    survey = fields.Nested(SurveyOut, allow_none=True)


class HistoryOut(Schema):
    at = fields.DateTime()
    by = Text(allow_none=True)
    source = Text()
    what = Text()
    from_value = Text(allow_none=True, data_key="from")
    to_value = Text(allow_none=True, data_key="to")


SORTS = ("number", "created_at", "updated_at", "priority", "status", "title", "type",
         "category", "service", "channel", "group", "assignee", "client", "agency", "sla_due",
         "sla_state")


class Statuses(Text):
    """One status, or several joined by commas (`submitted,new,in_progress`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        names = [n.strip() for n in super()._deserialize(value, attr, data, **kwargs).split(",")]
        wrong = [n for n in names if n not in STATUSES]
        if wrong or not names:
            raise ValidationError(f"Must be one or more of: {', '.join(STATUSES)}.")
        return names


class TicketListArgs(Schema):
    page = page_field()
    per_page = per_page_field()
    status = Statuses(metadata={"description": "a status, or several separated by commas"})
    sort = Text(load_default="-created_at", validate=validate.OneOf(
        [*SORTS, *(f"-{name}" for name in SORTS)]), metadata={
        "description": "a field to order by, `-` in front for descending (`sla_due`: the "
        "resolution due time); ties in the order the tickets came"})
    priority = Integer(validate=validate.Range(min=1, max=3))
    type = Text(validate=validate.OneOf(TYPES))
    category = Text(validate=validate.Length(max=60))
    service = Text(validate=validate.Length(max=120))
    assignee = Text(validate=validate.Length(max=120),
                             metadata={"description": "a username or 'me'"})
    group = Text(validate=validate.Length(max=40))
    channel = Text(validate=validate.OneOf(STAFF_CHANNELS))
    q = Text(validate=validate.Length(max=200))
    created_from = fields.AwareDateTime(default_timezone=UTC)
    created_to = fields.AwareDateTime(default_timezone=UTC)
    sla_state = Text(validate=validate.OneOf(
        ["ok", "at_risk", "breached", "met", "paused"]))

    @validates_schema
    def _ordered(self, data, **_kw):
        if data.get("created_from") and data.get("created_to") and \
                data["created_from"] > data["created_to"]:
            raise ValidationError("Must not be before created_from.", field_name="created_to")


class TicketPage(Page):
    items = fields.List(fields.Nested(TicketOut))


class QuarantinedMailOut(Schema):
    id = fields.Integer()
    message_id = fields.String()
    sender = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    reason = fields.String()
    size = fields.Integer()
    received_at = fields.DateTime()
    ticket_number = fields.String(allow_none=True)
