"""Knowledge's API in and out (marshmallow): validation and the OpenAPI document come from here."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicedesk_common.schemas import Page

from .domain import STATUSES, USE_SOURCES

MAX_TEXT = 20000


def _text(**kw):
    return fields.String(validate=validate.Length(min=1, max=MAX_TEXT), **kw)


class ArticleIn(Schema):
    """FRM-003 "Tambah Artikel"."""
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    category = fields.String(required=True, validate=validate.Length(min=1, max=60))
    service = fields.String(allow_none=True, validate=validate.Length(max=120))
    symptoms = _text(required=True)
    solution = _text(required=True)
    keywords = fields.List(fields.String(validate=validate.Length(min=1, max=60)),
                           load_default=list, validate=validate.Length(max=20))
    status = fields.String(load_default="draft", validate=validate.OneOf(STATUSES))


class ArticlePatch(Schema):
    title = fields.String(validate=validate.Length(min=3, max=200))
    category = fields.String(validate=validate.Length(min=1, max=60))
    service = fields.String(allow_none=True, validate=validate.Length(max=120))
    symptoms = _text()
    solution = _text()
    keywords = fields.List(fields.String(validate=validate.Length(min=1, max=60)),
                           validate=validate.Length(max=20))
    status = fields.String(validate=validate.OneOf(STATUSES))

    @validates_schema
    def _something(self, data, **_kw):
        if not data:
            raise ValidationError("Give at least one field to change.", "_body")


class Helpful(Schema):
    yes = fields.Integer()
    no = fields.Integer()


class ArticleOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    category = fields.String()
    service = fields.String(allow_none=True)
    symptoms = fields.String()
    solution = fields.String()
    keywords = fields.List(fields.String())
    status = fields.String()
    version = fields.Integer()
    url = fields.String(metadata={"description": "the help-center page (published articles)"})
    helpful = fields.Nested(Helpful)
    published_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    # staff only
    source_ticket = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_by = fields.String()
    score = fields.Float(metadata={"description": "relevance, with ?q= only"})


class ArticlePage(Page):
    items = fields.List(fields.Nested(ArticleOut))


class ArticleListArgs(Schema):
    q = fields.String(validate=validate.Length(max=2000))
    category = fields.String(validate=validate.Length(max=60))
    service = fields.String(validate=validate.Length(max=120))
    status = fields.String(validate=validate.OneOf(STATUSES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class VersionOut(Schema):
    version = fields.Integer()
    change = fields.String()
    status = fields.String()
    title = fields.String()
    category = fields.String()
    service = fields.String(allow_none=True)
    symptoms = fields.String()
    solution = fields.String()
    keywords = fields.List(fields.String())
    by = fields.String()
    at = fields.DateTime()


class VersionList(Schema):
    article_id = fields.Integer()
    items = fields.List(fields.Nested(VersionOut))


class FeedbackIn(Schema):
    helpful = fields.Boolean(required=True, truthy={True}, falsy={False})


class FeedbackOut(Schema):
    article_id = fields.Integer()
    helpful = fields.Nested(Helpful)


class SynonymsIn(Schema):
    groups = fields.List(fields.List(fields.String(validate=validate.Length(max=80))),
                         required=True, validate=validate.Length(max=1000))


class SynonymsOut(Schema):
    groups = fields.List(fields.List(fields.String()))
    updated_by = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)


NUMBER = validate.Regexp(r"^[A-Za-z]{3}-\d{4}-\d{1,9}$", error="Not a ticket number.")


class FromTicketIn(Schema):
    ticket = fields.String(required=True, validate=NUMBER)


class UsedIn(Schema):
    ticket = fields.String(required=True, validate=NUMBER)
    article_id = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1))
    similar_ticket = fields.String(allow_none=True, validate=NUMBER)
    source = fields.String(load_default="suggestion", validate=validate.OneOf(USE_SOURCES))

    @validates_schema
    def _one_of(self, data, **_kw):
        given = [name for name in ("article_id", "similar_ticket") if data.get(name) is not None]
        if len(given) != 1:
            message = "Give either article_id or similar_ticket (one of them)."
            raise ValidationError({"article_id": [message], "similar_ticket": [message]})


class UsedArticleIn(Schema):
    """POST /kb/articles/{id}/used and /tickets/{n}/suggestions/used: the path names the rest."""
    ticket = fields.String(validate=NUMBER)
    article_id = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1))
    similar_ticket = fields.String(allow_none=True, validate=NUMBER)
    source = fields.String(load_default="suggestion", validate=validate.OneOf(USE_SOURCES))


class UsageOut(Schema):
    id = fields.Integer()
    number = fields.String()
    article_id = fields.Integer(allow_none=True)
    similar_ticket = fields.String(allow_none=True)
    source = fields.String()
    by = fields.String()
    at = fields.DateTime()


class SuggestArgs(Schema):
    ticket = fields.String(validate=NUMBER)
    text = fields.String(validate=validate.Length(min=1, max=MAX_TEXT))
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))

    @validates_schema
    def _one_of(self, data, **_kw):
        if ("ticket" in data) == ("text" in data):
            message = "Give either ?ticket= or ?text= (one of them)."
            raise ValidationError({"ticket": [message], "text": [message]})


class SuggestedArticle(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    category = fields.String()
    service = fields.String(allow_none=True)
    status = fields.String()
    symptoms = fields.String()
    solution = fields.String()
    score = fields.Float()
    url = fields.String()


class SimilarTicket(Schema):
    number = fields.String()
    title = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    service = fields.String(allow_none=True)
    solution = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    score = fields.Float()


class SuggestionsOut(Schema):
    ticket = fields.String(allow_none=True)
    text = fields.String()
    articles = fields.List(fields.Nested(SuggestedArticle))
    tickets = fields.List(fields.Nested(SimilarTicket),
                          metadata={"description": "similar solved tickets"})
    used = fields.List(fields.Nested(UsageOut),
                       metadata={"description": "suggestions already marked used on it"})


class KnownCount(Schema):
    count = fields.Integer()
    of = fields.Integer()


class KpiOut(Schema):
    from_ = fields.DateTime(data_key="from")
    to = fields.DateTime()
    known_at_diagnosis = fields.Nested(KnownCount, metadata={
        "description": "tickets closed in the period with a suggestion marked used before "
                       "closing, of all tickets closed in the period"})
    by_source = fields.Dict(keys=fields.String(), values=fields.Integer())
