"""What the views share: the unit of work, the caller, the domain's refusals as API errors, the
JSON of an article."""
from __future__ import annotations

from contextlib import contextmanager

from flask import current_app

from servicedesk_common.errors import Conflict, Forbidden, NotFound, Unauthorized
from servicedesk_common.web import current_identity, request_id, runtime

from .. import domain
from ..adapters import KnowledgeUnitOfWork
from ..models import Article

HELP_PAGE = "/bantuan/artikel/{id}"
STAFF_FIELDS = ("source_ticket", "created_by", "created_at", "updated_by")


def unit_of_work() -> KnowledgeUnitOfWork:
    uow = KnowledgeUnitOfWork(runtime().sessions, producer="knowledge",
                              correlation_id=request_id())
    uow.search_candidates = current_app.config["KB_SEARCH_CANDIDATES"]
    return uow


def caller():
    identity = current_identity()
    if identity is None:
        raise Unauthorized("Log in first: send 'Authorization: Bearer <token>'.")
    return identity


def is_staff() -> bool:
    identity = current_identity()
    return identity is not None and identity.is_staff


@contextmanager
def domain_errors():
    """The domain's refusals in the contract's shape."""
    try:
        yield
    except domain.Refused as exc:
        raise Forbidden(str(exc)) from None
    except domain.NotAllowed as exc:
        raise Conflict(str(exc)) from None
    except LookupError as exc:
        raise NotFound(str(exc.args[0] if exc.args else exc)) from None


def visible_article(uow, article_id: int, *, for_update: bool = False) -> Article:
    """Published articles for anyone; drafts and archived ones for staff only (404 otherwise,
    so their existence is not told)."""
    article = (uow.articles.get_for_update if for_update else uow.articles.get)(article_id)
    if article is None or (article.status != domain.PUBLISHED and not is_staff()):
        raise NotFound(f"No article {article_id}.")
    return article


def article_view(article: Article, *, staff: bool, score: float | None = None) -> dict:
    view = {
        "id": article.id, "slug": article.slug, "title": article.title,
        "category": article.category, "service": article.service,
        "symptoms": article.symptoms, "solution": article.solution,
        "keywords": list(article.keywords or []), "status": article.status,
        "version": article.version, "url": HELP_PAGE.format(id=article.id),
        "helpful": {"yes": article.helpful_yes, "no": article.helpful_no},
        "published_at": article.published_at, "updated_at": article.updated_at,
    }
    if staff:
        view.update({name: getattr(article, name) for name in STAFF_FIELDS})
    if score is not None:
        view["score"] = score
    return view
