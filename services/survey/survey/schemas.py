"""Survey's API in and out (marshmallow): validation and the OpenAPI document come from here.

The response body is checked field by field in domain.check_response, so that a 422 names the
question ("answers.3") or the respondent field ("respondent.email") that is wrong."""
from marshmallow import Schema, fields, validate

from servicedesk_common.schemas import Page

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
    suggestion = fields.String(allow_none=True, metadata={"description": "Saran"})


class QuestionOut(Schema):
    number = fields.Integer()
    text = fields.String()


class ChoiceOut(Schema):
    value = fields.Raw()
    label = fields.String()


class UserGroupIn(Schema):
    value = fields.String(required=True, metadata={"description": "code, e.g. ppk"})
    label = fields.String(required=True, metadata={"description": "as printed, e.g. PPK"})


class UserGroupsIn(Schema):
    groups = fields.List(fields.Nested(UserGroupIn), required=True)


class PublicSurveyOut(Schema):
    id = fields.Integer()
    number = fields.String()
    title = fields.String(allow_none=True)
    type = fields.String(allow_none=True)
    form = fields.String(metadata={"description": "FRM-004 (incidents) or FRM-005 (requests)"})
    state = fields.String(metadata={"description": "open, answered or expired"})
    expires_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    questions = fields.List(fields.Nested(QuestionOut))
    scale = fields.List(fields.Nested(ChoiceOut))
    user_groups = fields.List(fields.Nested(ChoiceOut))
    respondent = fields.Dict(metadata={"description": "what we know, to prefill the form"})


class SubmittedOut(Schema):
    id = fields.Integer()
    number = fields.String()
    state = fields.String()
    score = fields.Float()
    follow_up = fields.Boolean()
    answered_at = fields.DateTime()


class EvaluationIn(Schema):
    severity = fields.String(validate=validate.OneOf([s.value for s in Severity]))
    target_quarter = fields.Integer(strict=True, validate=validate.Range(min=1, max=4))
    note = fields.String(allow_none=True, validate=validate.Length(max=4000))
    approved = fields.Boolean(allow_none=True)


class EvaluationOut(Schema):
    severity = fields.String(allow_none=True)
    target_quarter = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    approved = fields.Boolean(allow_none=True)
    by = fields.String(allow_none=True)
    at = fields.DateTime(allow_none=True)


class SurveyOut(Schema):
    id = fields.Integer()
    number = fields.String()
    title = fields.String(allow_none=True)
    type = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    service = fields.String(allow_none=True)
    priority = fields.Integer(allow_none=True)
    group = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    client = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    form = fields.String()
    state = fields.String()
    sent_at = fields.DateTime()
    expires_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    answers = fields.List(fields.Integer(), allow_none=True)
    score = fields.Float(allow_none=True)
    follow_up = fields.Boolean(metadata={"description": "mean 2.5 or less"})
    follow_up_open = fields.Boolean(metadata={"description": "follow-up not yet evaluated"})
    respondent = fields.Dict(allow_none=True)
    suggestion = fields.String(allow_none=True)
    evaluation = fields.Nested(EvaluationOut, allow_none=True)


class PeriodArgs(Schema):
    from_ = fields.Raw(data_key="from", metadata={
        "description": "a date (that office day, WIB) or an ISO moment"})
    to = fields.Raw(metadata={"description": "a date (inclusive) or an ISO moment (exclusive)"})


class SurveyListArgs(PeriodArgs):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    state = fields.String(load_default="answered", validate=validate.OneOf(
        ["answered", "open", "expired", "all"]))
    follow_up = fields.String(validate=validate.OneOf(["any", "open"]), metadata={
        "description": "any: every response of 2.5 or less; open: those not yet evaluated"})
    number = fields.String()


class SurveyPage(Page):
    items = fields.List(fields.Nested(SurveyOut))


class SummaryArgs(PeriodArgs):
    period = fields.String(load_default="month", validate=validate.OneOf(PERIODS))


class SummaryOut(Schema):
    period = fields.String()
    count = fields.Integer()
    mean = fields.Float(allow_none=True)
    follow_ups = fields.Integer()
    per_question = fields.List(fields.Dict())
    per_category = fields.List(fields.Dict())
    per_priority = fields.List(fields.Dict())
    per_technician = fields.List(fields.Dict())
    per_period = fields.List(fields.Dict())
    window = fields.Dict()


class KpiOut(Schema):
    sent = fields.Integer(metadata={"description": "surveys sent in the period"})
    answered = fields.Integer(metadata={"description": "responses given in the period"})
    mean_score = fields.Float(allow_none=True)
    follow_ups = fields.Integer()
    window = fields.Dict()


class QuestionSetOut(Schema):
    code = fields.String()
    name = fields.String()
    ticket_types = fields.List(fields.String())
    questions = fields.List(fields.String())


class QuestionSetIn(Schema):
    name = fields.String(validate=validate.Length(min=1, max=160))
    questions = fields.List(fields.String(validate=validate.Length(min=5, max=400)),
                            required=True, validate=validate.Length(equal=10))
