"""Initial diagnosis (SOP step 8): suggestions for a ticket or a text, a suggestion marked used on
a ticket (article.used), the synonym list search applies, the KPI "solution known at initial
diagnosis"."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Invalid, NotFound
from servicedesk_common.identity import ADMIN, KNOWLEDGE_MANAGER, OPERATOR, STAFF, SUPERVISOR
from servicedesk_common.periods import PeriodArgs, bounds
from servicedesk_common.web import require

from .. import domain, handlers, text
from ..schemas import (
    KpiOut,
    SuggestArgs,
    SuggestionsOut,
    SynonymsIn,
    SynonymsOut,
    UsageOut,
    UsedArticleIn,
    UsedIn,
)
from .common import article_view, caller, domain_errors, unit_of_work

blp = Blueprint("kb_diagnosis", __name__, url_prefix="/api/v1",
                description="Suggestions at diagnosis, synonyms, KPI")
MARKERS = (OPERATOR, SUPERVISOR)


def suggestions(uow, *, ticket: str | None, query: str | None, limit: int) -> dict:
    synonyms = uow.synonyms.groups()
    used = []
    if ticket is not None:
        known = uow.tickets.text_of(ticket)
        if known is None:
            raise NotFound(f"Ticket {ticket} is not known to the knowledge base yet; "
                           "try again in a moment.")
        query = handlers.ticket_text(known)
        used = uow.usages.for_ticket(ticket)
    searched = uow.suggestion_query(query, synonyms)  # once for the articles and the tickets
    articles, _ = uow.articles.found(searched, filters={"status": domain.PUBLISHED}, page=1,
                                     per_page=limit)
    similar = uow.tickets.similar_solved(searched, limit=limit,
                                         exclude=[ticket] if ticket else [])
    return {
        "ticket": ticket, "text": query,
        "articles": [article_view(article, staff=True, score=score)
                     for article, score in articles],
        "tickets": [{"number": t.number, "title": t.title, "category": t.category,
                     "service": t.service, "solution": t.solution, "closed_at": t.closed_at,
                     "score": score} for t, score in similar],
        "used": used,
    }


@blp.route("/kb/suggest")
class Suggest(MethodView):
    @require(*STAFF)
    @blp.arguments(SuggestArgs, location="query")
    @blp.response(200, SuggestionsOut)
    def get(self, args):
        """Ranked published articles and similar solved tickets for ?ticket= or ?text=."""
        with unit_of_work() as uow:
            return suggestions(uow, ticket=args.get("ticket"), query=args.get("text"),
                               limit=args["limit"])


@blp.route("/tickets/<string:number>/suggestions")
class TicketSuggestions(MethodView):
    @require(*STAFF)
    @blp.response(200, SuggestionsOut)
    def get(self, number):
        """The same as /kb/suggest?ticket={number}."""
        with unit_of_work() as uow:
            return suggestions(uow, ticket=number, query=None, limit=5)


def _mark(data: dict) -> tuple[dict, int]:
    with unit_of_work() as uow, domain_errors():
        usage, created = handlers.mark_used(
            data["ticket"], article_id=data.get("article_id"),
            similar_ticket=data.get("similar_ticket"), source=data["source"], by=caller(),
            uow=uow)
        uow.commit()
        return usage, 201 if created else 200


@blp.route("/kb/used")
class Used(MethodView):
    @require(*MARKERS)
    @blp.arguments(UsedIn)
    @blp.response(201, UsageOut)
    @blp.alt_response(200, schema=UsageOut, description="already marked: nothing new")
    def post(self, data):
        """The operator used an article or a similar solved ticket on a ticket (article.used;
        counted for "solution known at initial diagnosis" when before closing)."""
        return _mark(data)


@blp.route("/kb/articles/<int:article_id>/used")
class ArticleUsed(MethodView):
    @require(*MARKERS)
    @blp.arguments(UsedArticleIn)
    @blp.response(201, UsageOut)
    @blp.alt_response(200, schema=UsageOut, description="already marked: nothing new")
    def post(self, data, article_id):
        """``{ticket}``: this article was used on the ticket."""
        if not data.get("ticket"):
            raise Invalid("Name the ticket the article was used on.", field="ticket")
        return _mark({**data, "article_id": article_id, "similar_ticket": None})


@blp.route("/tickets/<string:number>/suggestions/used")
class TicketSuggestionUsed(MethodView):
    @require(*MARKERS)
    @blp.arguments(UsedArticleIn)
    @blp.response(201, UsageOut)
    @blp.alt_response(200, schema=UsageOut, description="already marked: nothing new")
    def post(self, data, number):
        """``{article_id}`` or ``{similar_ticket}`` was used on ticket {number}."""
        given = [name for name in ("article_id", "similar_ticket") if data.get(name) is not None]
        if len(given) != 1:
            message = "Give either article_id or similar_ticket (one of them)."
            raise Invalid(message, details={"article_id": [message],
                                            "similar_ticket": [message]})
        return _mark({**data, "ticket": number})


@blp.route("/kb/synonyms")
class Synonyms(MethodView):
    @require(*STAFF)
    @blp.response(200, SynonymsOut)
    def get(self):
        with unit_of_work() as uow:
            return uow.synonyms.row()

    @require(KNOWLEDGE_MANAGER)
    @blp.arguments(SynonymsIn)
    @blp.response(200, SynonymsOut)
    def put(self, data):
        """Replace the synonym list; each group: words (or phrases) search treats as one."""
        groups = [[" ".join(member.split()) for member in group] for group in data["groups"]]
        problems = text.check_synonym_groups(groups)
        if problems:
            raise Invalid("The synonym list is not valid.", details={"groups": problems})
        with unit_of_work() as uow:
            row = uow.synonyms.row()
            row.groups, row.updated_by, row.updated_at = groups, caller().username, \
                handlers.now()
            uow.commit()
            return row


@blp.route("/kb/kpi")
class Kpi(MethodView):
    @require(SUPERVISOR, ADMIN)
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, KpiOut)
    def get(self, args):
        """Tickets closed in the period whose solution was known at initial diagnosis (a
        suggestion marked used before closing), of all closed in the period. ``from``/``to``:
        dates (whole office days, ``to`` included) or moments with an offset."""
        start, end = bounds(args["start"], args["end"])
        with unit_of_work() as uow:
            counts = uow.usages.known_at_diagnosis(start, end)
        return {"from_": start, "to": end,
                "known_at_diagnosis": {"count": counts["count"], "of": counts["of"]},
                "by_source": counts["by_source"]}
