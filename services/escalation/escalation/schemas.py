"""Escalation's API in and out (marshmallow): validation and the OpenAPI document come from here."""
from __future__ import annotations

from datetime import date, datetime

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from servicedesk_common.schemas import Integer, Page, Text, page_field, per_page_field

from .domain import NOTIFY_KINDS, STATES

USERNAME = validate.Regexp(r"^[A-Za-z0-9._@-]{1,120}$",
                           error="Use a username: letters, digits and . _ @ - only.")
GROUP_CODE = validate.Regexp(r"^[a-z][a-z0-9-]{1,39}$",
                             error="Use 2-40 lowercase letters, digits or '-', starting with a "
                                   "letter.")


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def text(max_length: int, **kw) -> fields.String:
    return Text(validate=[validate.Length(min=1, max=max_length), not_blank], **kw)


class Moment(fields.Field):
    """An ISO date (a whole office day) or an ISO date-time."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Give a date (2026-11-01) or a date-time with offset.")
        try:
            return date.fromisoformat(value) if len(value) == 10 \
                else datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError("Give a date (2026-11-01) or a date-time with offset.") \
                from None


class PageArgs(Schema):
    page = page_field()
    per_page = per_page_field()


class AssignIn(Schema):
    """The escalation form (FRM-006)."""
    group = Text(allow_none=True, validate=validate.Length(min=1, max=40))
    assignee = Text(allow_none=True, validate=USERNAME)
    diagnosis = text(5000, required=True)
    reason = text(2000, required=True)


class ResolveIn(Schema):
    solution = text(20000, required=True)
    kb_article = Text(allow_none=True, validate=validate.Length(min=1, max=120))

    @pre_load
    def article_id_as_text(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("kb_article"), int) \
                and not isinstance(data.get("kb_article"), bool):
            return {**data, "kb_article": str(data["kb_article"])}
        return data


class ReassignIn(Schema):
    group = Text(allow_none=True, validate=validate.Length(min=1, max=40))
    assignee = Text(allow_none=True, validate=USERNAME)
    reason = text(2000, required=True)
    diagnosis = Text(allow_none=True, validate=[validate.Length(max=5000)])


class ReturnIn(Schema):
    reason = text(2000, required=True)


class EscalationOut(Schema):
    id = Integer()
    number = Text()
    title = Text(allow_none=True)
    category = Text(allow_none=True)
    priority = Integer(allow_none=True)
    group = Text()
    assignee = Text()
    diagnosis = Text()
    reason = Text()
    assigned_by = Text()
    assigned_at = fields.DateTime()
    state = Text()
    outcome = Text(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    ended_by = Text(allow_none=True)
    end_reason = Text(allow_none=True)
    solution = Text(allow_none=True)
    kb_article = Text(allow_none=True)
    previous_id = Integer(allow_none=True)
    ticket_status = Text(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    response_due_at = fields.DateTime(allow_none=True)
    sla_state = Text(allow_none=True)


class EscalationPage(Page):
    items = fields.List(fields.Nested(EscalationOut))


class ResolutionOut(Schema):
    number = Text()
    level = Integer()
    solution = Text()
    kb_article = Text(allow_none=True)
    resolved_by = Text()
    resolved_at = fields.DateTime()
    escalation = fields.Nested(EscalationOut, allow_none=True)


class QueueArgs(PageArgs):
    assignee = Text(validate=validate.Length(min=1, max=120))
    group = Text(validate=validate.Length(min=1, max=40))
    state = Text(validate=validate.OneOf(STATES))
    number = Text(validate=validate.Length(min=1, max=20))


class KpiArgs(Schema):
    start = Moment(data_key="from")
    end = Moment(data_key="to")


class KpiCount(Schema):
    count = Integer()
    share = fields.Float(allow_none=True)


class KpiCounts(Schema):
    total = Integer()
    open = Integer()
    resolved = Integer()
    completed_first_group = fields.Nested(KpiCount)
    reassigned = fields.Nested(KpiCount)
    moved_group = fields.Nested(KpiCount)
    returned_to_level1 = fields.Nested(KpiCount)
    closed_unresolved = fields.Nested(KpiCount)
    solved_at_level2 = fields.Nested(KpiCount)


class KpiOut(KpiCounts):
    start = fields.DateTime(allow_none=True, data_key="from")
    end = fields.DateTime(allow_none=True, data_key="to")
    by_category = fields.Dict(keys=Text(), values=fields.Nested(KpiCounts))
    by_priority = fields.Dict(keys=Text(), values=fields.Nested(KpiCounts))


class MemberOut(Schema):
    username = Text()
    open_escalations = Integer()


class GroupOut(Schema):
    code = Text()
    name = Text()
    description = Text(allow_none=True)
    active = fields.Boolean()
    categories = fields.List(Text())
    members = fields.List(fields.Nested(MemberOut))


class GroupPage(Page):
    items = fields.List(fields.Nested(GroupOut))


CATEGORY = Text(validate=[validate.Length(min=1, max=60), not_blank])


class GroupIn(Schema):
    code = Text(required=True, validate=GROUP_CODE)
    name = text(120, required=True)
    description = Text(allow_none=True, validate=validate.Length(max=2000))
    members = fields.List(Text(validate=USERNAME), load_default=list)
    categories = fields.List(CATEGORY, load_default=list)


class GroupPatch(Schema):
    name = text(120)
    description = Text(allow_none=True, validate=validate.Length(max=2000))
    active = fields.Boolean()


class MemberIn(Schema):
    username = Text(required=True, validate=USERNAME)


class CategoriesIn(Schema):
    categories = fields.List(CATEGORY, required=True)


class NotificationArgs(PageArgs):
    unread = fields.Boolean(load_default=False)


class NotificationOut(Schema):
    id = Integer()
    recipient = Text()
    kind = Text()
    number = Text(allow_none=True)
    escalation_id = Integer(allow_none=True)
    message = Text()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    read = fields.Function(lambda n: n.read_at is not None)


class NotificationPage(Page):
    items = fields.List(fields.Nested(NotificationOut))
    unread = Integer()


class PreferencesIn(Schema):
    email = fields.Dict(keys=Text(validate=validate.OneOf(tuple(NOTIFY_KINDS))),
                        values=fields.Boolean(truthy={True}, falsy={False}), required=True)


class PreferencesOut(Schema):
    email = fields.Dict(keys=fields.String(), values=fields.Boolean())
    labels = fields.Dict(keys=fields.String(), values=fields.String())


class MarkedOut(Schema):
    marked = Integer()
