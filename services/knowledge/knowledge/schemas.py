"""Knowledge's API in and out (marshmallow): validation and the OpenAPI document come from here."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicedesk_common.schemas import Integer, Page, Text, page_field, per_page_field

from .domain import STATUSES, USE_SOURCES

MAX_TEXT = 20000


def _text(**kw):
    return Text(validate=validate.Length(min=1, max=MAX_TEXT), **kw)


class ArticleIn(Schema):
    """FRM-003 "Tambah Artikel"."""
    title = Text(required=True, validate=validate.Length(min=3, max=200))
    category = Text(required=True, validate=validate.Length(min=1, max=60))
    service = Text(allow_none=True, validate=validate.Length(max=120))
    symptoms = _text(required=True)
    solution = _text(required=True)
    keywords = fields.List(Text(validate=validate.Length(min=1, max=60)),
                           load_default=list, validate=validate.Length(max=20))
    status = Text(load_default="draft", validate=validate.OneOf(STATUSES))


class ArticlePatch(Schema):
    title = Text(validate=validate.Length(min=3, max=200))
    category = Text(validate=validate.Length(min=1, max=60))
    service = Text(allow_none=True, validate=validate.Length(max=120))
    symptoms = _text()
    solution = _text()
    keywords = fields.List(Text(validate=validate.Length(min=1, max=60)),
                           validate=validate.Length(max=20))
    status = Text(validate=validate.OneOf(STATUSES))

    @validates_schema
    def _something(self, data, **_kw):
        if not data:
            raise ValidationError("Give at least one field to change.", "_body")


class Helpful(Schema):
    yes = Integer()
    no = Integer()


class ArticleOut(Schema):
    id = Integer()
    slug = Text()
    title = Text()
    category = Text()
    service = Text(allow_none=True)
    symptoms = Text()
    solution = Text()
    keywords = fields.List(Text())
    status = Text()
    version = Integer()
    url = Text(metadata={"description": "the help-center page (published articles)"})
    helpful = fields.Nested(Helpful)
    published_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    # staff only
    source_ticket = Text(allow_none=True)
    created_by = Text()
    created_at = fields.DateTime()
    updated_by = Text()
    score = fields.Float(metadata={"description": "relevance, with ?q= only"})


class ArticlePage(Page):
    items = fields.List(fields.Nested(ArticleOut))


class ArticleListArgs(Schema):
    q = Text(validate=validate.Length(max=2000))
    category = Text(validate=validate.Length(max=60))
    service = Text(validate=validate.Length(max=120))
    status = Text(validate=validate.OneOf(STATUSES))
    page = page_field()
    per_page = per_page_field()


class VersionOut(Schema):
    version = Integer()
    change = Text()
    status = Text()
    title = Text()
    category = Text()
    service = Text(allow_none=True)
    symptoms = Text()
    solution = Text()
    keywords = fields.List(Text())
    by = Text()
    at = fields.DateTime()


class VersionList(Schema):
    article_id = Integer()
    items = fields.List(fields.Nested(VersionOut))


class FeedbackIn(Schema):
    helpful = fields.Boolean(required=True, truthy={True}, falsy={False})


class FeedbackOut(Schema):
    article_id = Integer()
    helpful = fields.Nested(Helpful)


class SynonymsIn(Schema):
    groups = fields.List(fields.List(Text(validate=validate.Length(max=80))),
                         required=True, validate=validate.Length(max=1000))


class SynonymsOut(Schema):
    groups = fields.List(fields.List(Text()))
    updated_by = Text(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)


NUMBER = validate.Regexp(r"^[A-Za-z]{3}-\d{4}-\d{1,9}$", error="Not a ticket number.")


class FromTicketIn(Schema):
    ticket = Text(required=True, validate=NUMBER)


class UsedIn(Schema):
    ticket = Text(required=True, validate=NUMBER)
    article_id = Integer(allow_none=True, strict=True, validate=validate.Range(min=1))
    similar_ticket = Text(allow_none=True, validate=NUMBER)
    source = Text(load_default="suggestion", validate=validate.OneOf(USE_SOURCES))

    @validates_schema
    def _one_of(self, data, **_kw):
        given = [name for name in ("article_id", "similar_ticket") if data.get(name) is not None]
        if len(given) != 1:
            message = "Give either article_id or similar_ticket (one of them)."
            raise ValidationError({"article_id": [message], "similar_ticket": [message]})


class UsedArticleIn(Schema):
    """POST /kb/articles/{id}/used and /tickets/{n}/suggestions/used: the path names the rest."""
    ticket = Text(validate=NUMBER)
    article_id = Integer(allow_none=True, strict=True, validate=validate.Range(min=1))
    similar_ticket = Text(allow_none=True, validate=NUMBER)
    source = Text(load_default="suggestion", validate=validate.OneOf(USE_SOURCES))


class UsageOut(Schema):
    id = Integer()
    number = Text()
    article_id = Integer(allow_none=True)
    similar_ticket = Text(allow_none=True)
    source = Text()
    by = Text()
    at = fields.DateTime()


class SuggestArgs(Schema):
    ticket = Text(validate=NUMBER)
    text = Text(validate=validate.Length(min=1, max=MAX_TEXT))
    limit = Integer(load_default=5, validate=validate.Range(min=1, max=20))

    @validates_schema
    def _one_of(self, data, **_kw):
        if ("ticket" in data) == ("text" in data):
            message = "Give either ?ticket= or ?text= (one of them)."
            raise ValidationError({"ticket": [message], "text": [message]})


class SuggestedArticle(Schema):
    id = Integer()
    slug = Text()
    title = Text()
    category = Text()
    service = Text(allow_none=True)
    status = Text()
    symptoms = Text()
    solution = Text()
    score = fields.Float()
    url = Text()


class SimilarTicket(Schema):
    number = Text()
    title = Text(allow_none=True)
    category = Text(allow_none=True)
    service = Text(allow_none=True)
    solution = Text(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    score = fields.Float()


class SuggestionsOut(Schema):
    ticket = Text(allow_none=True)
    text = Text()
    articles = fields.List(fields.Nested(SuggestedArticle))
    tickets = fields.List(fields.Nested(SimilarTicket),
                          metadata={"description": "similar solved tickets"})
    used = fields.List(fields.Nested(UsageOut),
                       metadata={"description": "suggestions already marked used on it"})


class KnownCount(Schema):
    count = Integer()
    of = Integer()


class KpiOut(Schema):
    from_ = fields.DateTime(data_key="from")
    to = fields.DateTime()
    known_at_diagnosis = fields.Nested(KnownCount, metadata={
        "description": "tickets closed in the period with a suggestion marked used before "
                       "closing, of all tickets closed in the period"})
    by_source = fields.Dict(keys=Text(), values=Integer())
