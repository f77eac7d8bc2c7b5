"""Survey's API in and out (marshmallow): validation and the OpenAPI document come from here.

The response body is checked field by field in domain.check_response, so that a 422 names the
question ("answers.3") or the respondent field ("respondent.email") that is wrong."""
from marshmallow import Schema, fields, validate

from servicedesk_common.schemas import Integer, Page, Text, page_field, per_page_field

from .domain import Severity
from .summary import PERIODS


class ResponseIn(Schema):
    answers = fields.Raw(required=True, metadata={
        "description": "ten whole numbers 1-5, in question order; a 422 names answers.N "
                       "(N = question number, from 1)", "example": [5, 4, 4, 5, 5, 4, 3, 4, 5, 4]})
    respondent = fields.Dict(load_default=dict, metadata={
        "description": "name (required), phone, agency, position, address, email, "
                       "user_group (a code of GET /api/v1/surveys/user-groups; seeded: "
                       "panitia, penyedia, ppk, auditor)"})
    suggestion = Text(allow_none=True, metadata={"description": "Saran"})


class QuestionOut(Schema):
    number = Integer()
    text = Text()


class ChoiceOut(Schema):
    value = fields.Raw()
    label = Text()


class UserGroupIn(Schema):
    value = Text(required=True, metadata={"description": "code, e.g. ppk"})
    label = Text(required=True, metadata={"description": "as printed, e.g. PPK"})


class UserGroupsIn(Schema):
    groups = fields.List(fields.Nested(UserGroupIn), required=True)


class PublicSurveyOut(Schema):
    id = Integer()
    number = Text()
    title = Text(allow_none=True)
    type = Text(allow_none=True)
    form = Text(metadata={"description": "FRM-004 (incidents) or FRM-005 (requests)"})
    state = Text(metadata={"description": "open, answered or expired"})
    expires_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    questions = fields.List(fields.Nested(QuestionOut))
    scale = fields.List(fields.Nested(ChoiceOut))
    user_groups = fields.List(fields.Nested(ChoiceOut))
    respondent = fields.Dict(metadata={"description": "what we know, to prefill the form"})


class SubmittedOut(Schema):
    id = Integer()
    number = Text()
    state = Text()
    score = fields.Float()
    follow_up = fields.Boolean()
    answered_at = fields.DateTime()


class EvaluationIn(Schema):
    severity = Text(validate=validate.OneOf([s.value for s in Severity]))
    target_quarter = Integer(strict=True, validate=validate.Range(min=1, max=4))
    note = Text(allow_none=True, validate=validate.Length(max=4000))
    approved = fields.Boolean(allow_none=True)


class EvaluationOut(Schema):
    severity = Text(allow_none=True)
    target_quarter = Integer(allow_none=True)
    note = Text(allow_none=True)
    approved = fields.Boolean(allow_none=True)
    by = Text(allow_none=True)
    at = fields.DateTime(allow_none=True)


class SurveyOut(Schema):
    id = Integer()
    number = Text()
    title = Text(allow_none=True)
    type = Text(allow_none=True)
    category = Text(allow_none=True)
    service = Text(allow_none=True)
    priority = Integer(allow_none=True)
    group = Text(allow_none=True)
    assignee = Text(allow_none=True)
    client = Text(allow_none=True)
    email = Text(allow_none=True)
    form = Text()
    state = Text()
    sent_at = fields.DateTime()
    expires_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    answers = fields.List(Integer(), allow_none=True)
    score = fields.Float(allow_none=True)
    follow_up = fields.Boolean(metadata={"description": "mean 2.5 or less"})
    follow_up_open = fields.Boolean(metadata={"description": "follow-up not yet evaluated"})
    respondent = fields.Dict(allow_none=True)
    suggestion = Text(allow_none=True)
    evaluation = fields.Nested(EvaluationOut, allow_none=True)


class PeriodArgs(Schema):
    from_ = fields.Raw(data_key="from", metadata={
        "description": "a date (that office day, WIB) or an ISO moment"})
    to = fields.Raw(metadata={"description": "a date (inclusive) or an ISO moment (exclusive)"})


class SurveyListArgs(PeriodArgs):
    page = page_field()
    per_page = per_page_field()
    state = Text(load_default="answered", validate=validate.OneOf(
        ["answered", "open", "expired", "all"]))
    follow_up = Text(validate=validate.OneOf(["any", "open"]), metadata={
        "description": "any: every response of 2.5 or less; open: those not yet evaluated"})
    number = Text()


class SurveyPage(Page):
    items = fields.List(fields.Nested(SurveyOut))


class SummaryArgs(PeriodArgs):
    period = Text(load_default="month", validate=validate.OneOf(PERIODS))


class SummaryOut(Schema):
    period = Text()
    count = Integer()
    mean = fields.Float(allow_none=True)
    follow_ups = Integer()
    per_question = fields.List(fields.Dict())
    per_category = fields.List(fields.Dict())
    per_priority = fields.List(fields.Dict())
    per_technician = fields.List(fields.Dict())
    per_period = fields.List(fields.Dict())
    window = fields.Dict()


class KpiOut(Schema):
    sent = Integer(metadata={"description": "surveys sent in the period"})
    answered = Integer(metadata={"description": "responses given in the period"})
    mean_score = fields.Float(allow_none=True)
    follow_ups = Integer()
    window = fields.Dict()


class QuestionSetOut(Schema):
    code = Text()
    name = Text()
    ticket_types = fields.List(Text())
    questions = fields.List(Text())


class QuestionSetIn(Schema):
    name = Text(validate=validate.Length(min=1, max=160))
    questions = fields.List(Text(validate=validate.Length(min=5, max=400)),
                            required=True, validate=validate.Length(equal=10))
