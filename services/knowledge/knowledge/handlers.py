"""What knowledge does on each event and command, inside one unit of work (the caller commits).

Events: ticket.created and ticket.updated (a ticket's text, for ?ticket= suggestions),
ticket.closed (a solved ticket and its solution, for "similar solved tickets"), ticket.reopened
(no longer solved). Only closed tickets are searched, so a ticket's text is indexed (search
columns, vocabulary) when it is closed, and again when a closed ticket's text changes: never
while it is open.
Commands: articles (FRM-003) and their lifecycle, feedback, synonyms, suggestions marked used."""
from __future__ import annotations

from datetime import UTC, datetime

from servicedesk_common.events import Envelope, iso, read_payload
from servicedesk_common.identity import Identity

from . import domain
from .models import Article, KnownTicket, Usage

OPEN, SOLVED, CLOSED = "open", "solved", "closed"  # closed: done without a solution written
TEXT_FIELDS = ("title", "body", "category", "service")


def now() -> datetime:
    return datetime.now(UTC)


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment) if moment else None


# ---------------------------------------------------------------------------------- events


def _known(uow, payload: dict) -> KnownTicket:
    ticket = uow.tickets.get_for_update(payload["number"])
    if ticket is None:
        ticket = KnownTicket(number=payload["number"], status=OPEN)
        uow.tickets.add(ticket)
    return ticket


def _reindex_if_closed(uow, ticket: KnownTicket) -> None:
    """An open ticket is never offered as a similar solved one: its text waits for closing."""
    if ticket.status != OPEN:
        uow.tickets.reindex(ticket)


def on_ticket_created(event: Envelope, *, uow) -> None:
    """Known from now on (its text for ?ticket= suggestions); an update or closing seen first
    knows better, so only what they did not tell is filled in."""
    payload = read_payload(event)
    status = uow.tickets.record_created(
        payload["number"], **{name: payload.get(name) for name in TEXT_FIELDS},
        created_at=_parse(payload.get("created_at")), status=OPEN)
    if status != OPEN:  # closed before its creation was seen: its text may be new
        uow.tickets.reindex(uow.tickets.get(payload["number"]))


def on_ticket_updated(event: Envelope, *, uow) -> None:
    """An operator corrected the title, text or classification: suggestions use the new text."""
    payload = read_payload(event)
    changes = {name: change for name, change in (payload.get("changes") or {}).items()
               if name in TEXT_FIELDS and isinstance(change, dict) and "to" in change}
    if not changes:
        return
    ticket = _known(uow, payload)
    if ticket.text_at and ticket.text_at > event.occurred_at:
        return
    ticket.text_at = event.occurred_at
    for name, change in changes.items():
        setattr(ticket, name, change["to"])
    _reindex_if_closed(uow, ticket)


def _newer(ticket: KnownTicket, event: Envelope) -> bool:
    """Closings and reopenings may arrive out of order: the latest one stands."""
    if ticket.state_at and ticket.state_at > event.occurred_at:
        return False
    ticket.state_at = event.occurred_at
    return True


def on_ticket_closed(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = _known(uow, payload)
    if not _newer(ticket, event):
        return
    for name in TEXT_FIELDS:
        if payload.get(name):
            setattr(ticket, name, payload[name])
    solution = (payload.get("solution") or payload.get("resolution") or "").strip()
    ticket.solution = solution or ticket.solution
    ticket.status = SOLVED if ticket.solution else CLOSED
    ticket.closed_at = _parse(payload.get("at")) or _parse(event.occurred_at)
    ticket.closed_by = payload.get("by")
    ticket.closed_in_group = payload.get("group")
    uow.tickets.reindex(ticket)


def on_ticket_reopened(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = _known(uow, payload)
    if _newer(ticket, event):
        ticket.status = OPEN  # its solution did not hold: no longer offered as one


EVENT_HANDLERS = {
    "ticket.created": on_ticket_created,
    "ticket.updated": on_ticket_updated,
    "ticket.closed": on_ticket_closed,
    "ticket.reopened": on_ticket_reopened,
}


# -------------------------------------------------------------------------------- articles


def _announce(article: Article, *, by: Identity, at: datetime, uow) -> None:
    uow.outbox.add("article.published", {
        "article_id": article.id, "title": article.title, "category": article.category,
        "by": by.username, "by_role": by.role, "at": iso(at)}, aggregate_id=str(article.id))


def create_article(data: dict, *, by: Identity, uow, source_ticket: str | None = None
                   ) -> Article:
    status = data.get("status") or domain.DRAFT
    domain.check_create(by, status)
    moment = now()
    article = Article(
        slug=uow.articles.unique_slug(data["title"]), title=data["title"].strip(),
        category=data["category"].strip(), service=data.get("service") or None,
        symptoms=data["symptoms"], solution=data["solution"],
        keywords=domain.clean_keywords(data.get("keywords")), status=status, version=1,
        source_ticket=source_ticket, created_by=by.username, created_at=moment,
        updated_by=by.username, updated_at=moment,
        published_at=moment if status == domain.PUBLISHED else None,
        helpful_yes=0, helpful_no=0)
    uow.articles.add(article)
    uow.articles.record_version(article, change="created" if status == domain.DRAFT
                                else "published", by=by.username, at=moment)
    if status == domain.PUBLISHED:
        _announce(article, by=by, at=moment, uow=uow)
    return article


def _change_name(old_status: str, new_status: str) -> str:
    if new_status == old_status:
        return "edited"
    return {domain.PUBLISHED: "published", domain.ARCHIVED: "archived",
            domain.DRAFT: "withdrawn"}[new_status]


def edit_article(article: Article, changes: dict, *, by: Identity, uow) -> Article:
    """Apply a PATCH: nothing changes -> no new version; otherwise one new version."""
    if "keywords" in changes:
        changes["keywords"] = domain.clean_keywords(changes["keywords"])
    for name in ("title", "category"):
        if name in changes:
            changes[name] = changes[name].strip()
    if "service" in changes:
        changes["service"] = changes["service"] or None
    current = {name: getattr(article, name) for name in domain.CONTENT_FIELDS + ("status",)}
    domain.check_edit(by, status=article.status, created_by=article.created_by,
                      changes=changes)
    changed = domain.content_changes(current, changes)
    if not changed:
        return article
    moment = now()
    old_status = article.status
    for name, value in changed.items():
        setattr(article, name, value)
    article.version += 1
    article.updated_by, article.updated_at = by.username, moment
    if article.status == domain.PUBLISHED and old_status != domain.PUBLISHED:
        article.published_at = moment
        _announce(article, by=by, at=moment, uow=uow)
    uow.articles.reindex(article)
    uow.articles.record_version(article, change=_change_name(old_status, article.status),
                                by=by.username, at=moment)
    return article


def article_from_ticket(number: str, *, by: Identity, uow) -> Article:
    ticket = uow.tickets.get(number)
    if ticket is None:
        raise LookupError(f"No ticket {number} is known to the knowledge base yet.")
    if ticket.status != SOLVED:
        raise domain.NotAllowed(f"Ticket {number} has no solution yet: an article is drafted "
                                "from a ticket closed with its solution.")
    existing = uow.articles.from_ticket(number)
    if existing is not None:
        raise domain.NotAllowed(f"Article {existing.id} was already drafted from ticket "
                                f"{number}.")
    fields = domain.draft_from_ticket({
        "number": ticket.number, "title": ticket.title, "body": ticket.body,
        "category": ticket.category, "service": ticket.service, "solution": ticket.solution})
    return create_article({**fields, "status": domain.DRAFT}, by=by, uow=uow,
                          source_ticket=number)


# ------------------------------------------------------------------------------- diagnosis


def mark_used(number: str, *, article_id: int | None, similar_ticket: str | None, source: str,
              by: Identity, uow) -> tuple[Usage, bool]:
    """The operator used a suggestion on a ticket: recorded once (True when new) and told."""
    if uow.tickets.get(number) is None:
        raise LookupError(f"No ticket {number} is known to the knowledge base yet.")
    if article_id is not None and uow.articles.get(article_id) is None:
        raise LookupError(f"No article {article_id}.")
    if similar_ticket is not None:
        solved = uow.tickets.get(similar_ticket)
        if solved is None or solved.status != SOLVED:
            raise LookupError(f"No solved ticket {similar_ticket}.")
    existing = uow.usages.find(number, article_id=article_id, similar_ticket=similar_ticket)
    if existing is not None:
        return existing, False
    usage = Usage(number=number, article_id=article_id, similar_ticket=similar_ticket,
                  source=source, by=by.username, at=now())
    uow.usages.add(usage)
    uow.outbox.add("article.used", {
        "number": number, "article_id": article_id, "similar_ticket": similar_ticket,
        "source": source, "by": by.username, "by_role": by.role, "at": iso(usage.at)},
        aggregate_id=number)
    return usage, True


def ticket_text(ticket) -> str:
    """What a ticket says, as suggestions for it search: its title and body."""
    return f"{ticket.title or ''}\n{ticket.body or ''}"
