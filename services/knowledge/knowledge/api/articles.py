"""Articles: list and search (the help center reads published ones), FRM-003 create and edit,
versions, "Apakah artikel ini membantu?" feedback, a draft from a solved ticket."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Forbidden, NotFound, Unauthorized
from servicedesk_common.identity import STAFF
from servicedesk_common.web import current_identity, require

from .. import domain, handlers
from ..schemas import (
    ArticleIn,
    ArticleListArgs,
    ArticleOut,
    ArticlePage,
    ArticlePatch,
    FeedbackIn,
    FeedbackOut,
    FromTicketIn,
    VersionList,
)
from .common import article_view, caller, domain_errors, is_staff, unit_of_work, visible_article

blp = Blueprint("kb_articles", __name__, url_prefix="/api/v1/kb",
                description="Knowledge base articles (FRM-003)")


def _filters(args: dict) -> dict:
    status = args.get("status")
    if not is_staff():
        if status not in (None, domain.PUBLISHED):
            if current_identity() is None:
                raise Unauthorized("Log in as staff to see drafts and archived articles.")
            raise Forbidden("Only staff see drafts and archived articles.")
        status = domain.PUBLISHED
    filters = {name: args[name] for name in ("category", "service") if args.get(name)}
    if status:
        filters["status"] = status
    return filters


@blp.route("/articles")
class ArticleCollection(MethodView):
    @blp.arguments(ArticleListArgs, location="query")
    @blp.response(200, ArticlePage)
    def get(self, args):
        """Anyone: published articles; staff: every status. Ranked by relevance with ?q=."""
        filters = _filters(args)
        staff = is_staff()
        page, per_page = args["page"], args["per_page"]
        with unit_of_work() as uow:
            if (args.get("q") or "").strip():
                found, total = uow.articles.ranked(args["q"], uow.synonyms.groups(),
                                                   filters=filters, page=page,
                                                   per_page=per_page)
                items = [article_view(a, staff=staff, score=score) for a, score in found]
            else:
                articles, total = uow.articles.listing(filters=filters, page=page,
                                                       per_page=per_page)
                items = [article_view(a, staff=staff) for a in articles]
        return {"items": items, "page": page, "per_page": per_page, "total": total}

    @require(*STAFF)
    @blp.arguments(ArticleIn)
    @blp.response(201, ArticleOut)
    def post(self, data):
        """The knowledge manager records (draft or published); other staff propose a draft."""
        with unit_of_work() as uow, domain_errors():
            article = handlers.create_article(data, by=caller(), uow=uow)
            uow.commit()
            return article_view(article, staff=True)


@blp.route("/articles/<int:article_id>")
class ArticleItem(MethodView):
    @blp.response(200, ArticleOut)
    def get(self, article_id):
        with unit_of_work() as uow:
            return article_view(visible_article(uow, article_id), staff=is_staff())

    @require(*STAFF)
    @blp.arguments(ArticlePatch)
    @blp.response(200, ArticleOut)
    def patch(self, data, article_id):
        """The knowledge manager edits, publishes, archives or withdraws; the author of a draft
        may edit its text. Every change is a new version."""
        with unit_of_work() as uow, domain_errors():
            article = visible_article(uow, article_id, for_update=True)
            article = handlers.edit_article(article, dict(data), by=caller(), uow=uow)
            uow.commit()
            return article_view(article, staff=True)


@blp.route("/articles/<int:article_id>/versions")
class ArticleVersions(MethodView):
    @require(*STAFF)
    @blp.response(200, VersionList)
    def get(self, article_id):
        """Every saved state, newest first."""
        with unit_of_work() as uow:
            visible_article(uow, article_id)
            return {"article_id": article_id, "items": uow.articles.versions(article_id)}


@blp.route("/articles/<int:article_id>/feedback")
class ArticleFeedback(MethodView):
    @blp.arguments(FeedbackIn)
    @blp.response(200, FeedbackOut)
    def post(self, data, article_id):
        """"Apakah artikel ini membantu?": anyone, published articles; one counter increment."""
        with unit_of_work() as uow:
            counts = uow.articles.count_feedback(article_id, helpful=data["helpful"])
            if counts is None:
                raise NotFound(f"No article {article_id}.")
            uow.commit()
        return {"article_id": article_id, "helpful": {"yes": counts[0], "no": counts[1]}}


@blp.route("/articles/from-ticket")
class ArticleFromTicket(MethodView):
    @require(*STAFF)
    @blp.arguments(FromTicketIn)
    @blp.response(201, ArticleOut)
    def post(self, data):
        """A solved ticket becomes a draft prefilled with its text and solution."""
        with unit_of_work() as uow, domain_errors():
            article = handlers.article_from_ticket(data["ticket"], by=caller(), uow=uow)
            uow.commit()
            return article_view(article, staff=True)

