"""Knowledge's unit of work and repositories. The repositories keep the search structures in
step with the rows (search columns, vocabulary, SQLite FTS5; PostgreSQL's follow by themselves)."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from servicedesk_common.db import UnitOfWork

from . import domain
from .models import Article, ArticleVersion, KnownTicket, SynonymList, Usage
from .search import Query, Search, search_fields
from .search.postgres import DEFAULT_BUDGET

ARTICLE_TABLE, TICKET_TABLE = "kb_articles", "kb_tickets"
# what search results show (as plain rows, loaded by the ranking statement itself)
SHOWN = [Article.__table__.c[name] for name in (
    "id", "slug", "title", "category", "service", "symptoms", "solution", "keywords", "status",
    "version", "helpful_yes", "helpful_no", "published_at", "updated_at", "source_ticket",
    "created_by", "created_at", "updated_by")]
SIMILAR_SHOWN = [KnownTicket.__table__.c[name] for name in (
    "number", "title", "category", "service", "solution", "closed_at")]
TICKET_TEXT = select(KnownTicket.title, KnownTicket.body).where(
    KnownTicket.number == bindparam("number"))
SYNONYM_GROUPS = select(SynonymList.groups).where(SynonymList.id == 1)


class Articles:
    def __init__(self, session, search: Search):
        self.session = session
        self.search = search

    def get(self, article_id: int) -> Article | None:
        return self.session.get(Article, article_id)

    def get_for_update(self, article_id: int) -> Article | None:
        return self.session.get(Article, article_id, with_for_update=True)

    def from_ticket(self, number: str) -> Article | None:
        """The article already drafted from this ticket (not archived), if any."""
        return self.session.execute(
            select(Article).where(Article.source_ticket == number,
                                  Article.status != domain.ARCHIVED)
            .order_by(Article.id).limit(1)).scalar_one_or_none()

    def unique_slug(self, title: str) -> str:
        base = domain.slugify(title)
        taken = set(self.session.execute(
            select(Article.slug).where(Article.slug.like(f"{base}%"))).scalars())
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    def add(self, article: Article) -> None:
        self.session.add(article)
        self.session.flush()
        self.reindex(article)

    def reindex(self, article: Article) -> None:
        fields = search_fields(title=article.title, keywords=article.keywords,
                               service=article.service, symptoms=article.symptoms,
                               solution=article.solution)
        self.search.index(ARTICLE_TABLE, article.id, article, fields)

    def record_version(self, article: Article, *, change: str, by: str, at) -> None:
        self.session.add(ArticleVersion(
            article_id=article.id, version=article.version, title=article.title,
            category=article.category, service=article.service, symptoms=article.symptoms,
            solution=article.solution, keywords=list(article.keywords or []),
            status=article.status, change=change, by=by, at=at))

    def versions(self, article_id: int) -> list[ArticleVersion]:
        return list(self.session.execute(
            select(ArticleVersion).where(ArticleVersion.article_id == article_id)
            .order_by(ArticleVersion.version.desc())).scalars())

    def listing(self, *, filters: dict, page: int, per_page: int) -> tuple[list[Article], int]:
        query = select(Article)
        for name, value in filters.items():
            query = query.where(getattr(Article, name) == value)
        total = self.session.execute(
            select(func.count()).select_from(query.subquery())).scalar_one()
        items = self.session.execute(
            query.order_by(Article.updated_at.desc(), Article.id.desc())
            .offset((page - 1) * per_page).limit(per_page)).scalars().all()
        return list(items), total

    def ranked(self, q: str, synonyms, *, filters: dict, page: int, per_page: int
               ) -> tuple[list[tuple[Article, float]], int]:
        return self.found(self.search.query(q, synonyms), filters=filters, page=page,
                          per_page=per_page)

    def found(self, query: Query, *, filters: dict, page: int, per_page: int
              ) -> tuple[list[tuple[Article, float]], int]:
        """One page of the articles ``query`` finds, best first: their shown columns as plain
        rows (no ORM objects), with their scores; and how many were found."""
        return self.search.ranked(query, table=ARTICLE_TABLE, key="id", tiebreak="slug",
                                  filters=filters, limit=per_page, offset=(page - 1) * per_page,
                                  shown=SHOWN)

    def count_feedback(self, article_id: int, *, helpful: bool) -> tuple[int, int] | None:
        """One atomic increment (no lost votes between concurrent readers); the new counts."""
        column = Article.helpful_yes if helpful else Article.helpful_no
        done = self.session.execute(
            update(Article).where(Article.id == article_id,
                                  Article.status == domain.PUBLISHED)
            .values({column: column + 1})
            .returning(Article.helpful_yes, Article.helpful_no)).first()
        return (done.helpful_yes, done.helpful_no) if done else None


def _created_upsert(insert):
    """A ticket as ticket.created tells it, in one statement: a new row, or (an update or a
    closing was seen first and knows better) only its missing text and creation time filled
    in. Returns its status."""
    table = KnownTicket.__table__
    statement = insert(table)
    kept = ("title", "body", "category", "service", "created_at")
    return statement.on_conflict_do_update(
        index_elements=[table.c.number],
        set_={name: func.coalesce(table.c[name], statement.excluded[name]) for name in kept},
    ).returning(table.c.status)


CREATED = {"postgresql": _created_upsert(pg_insert), "sqlite": _created_upsert(sqlite_insert)}


class Tickets:
    def __init__(self, session, search: Search):
        self.session = session
        self.search = search

    def record_created(self, number: str, *, title: str | None, body: str | None,
                       category: str | None, service: str | None, created_at, status: str
                       ) -> str:
        """Insert the ticket with ``status``, or fill in what an earlier event did not tell;
        no ORM object, no search text (see ``handlers.on_ticket_created``). Its status."""
        statement = CREATED[self.session.get_bind().dialect.name]
        return self.session.execute(statement, {
            "number": number, "title": title, "body": body, "category": category,
            "service": service, "created_at": created_at, "status": status}).scalar_one()

    def get(self, number: str) -> KnownTicket | None:
        return self.session.get(KnownTicket, number)

    def get_for_update(self, number: str) -> KnownTicket | None:
        return self.session.get(KnownTicket, number, with_for_update=True)

    def add(self, ticket: KnownTicket) -> None:
        self.session.add(ticket)
        self.session.flush()

    def reindex(self, ticket: KnownTicket) -> None:
        fields = search_fields(title=ticket.title,
                               keywords=[ticket.category or ""], service=ticket.service,
                               symptoms=ticket.body, solution=ticket.solution)
        self.search.index(TICKET_TABLE, ticket.number, ticket, fields)

    def text_of(self, number: str):
        """The ticket's title and body (a plain row), None when it is not known."""
        return self.session.execute(TICKET_TEXT, {"number": number}).first()

    def similar_solved(self, query: Query, *, exclude=(), limit: int = 5
                       ) -> list[tuple[KnownTicket, float]]:
        """The solved tickets ``query`` finds, best first: their shown columns as plain rows."""
        hits, _ = self.search.ranked(query, table=TICKET_TABLE, key="number",
                                     tiebreak="number", filters={"status": "solved"},
                                     exclude=list(exclude), limit=limit, shown=SIMILAR_SHOWN)
        return hits


class Usages:
    def __init__(self, session):
        self.session = session

    def find(self, number: str, *, article_id: int | None, similar_ticket: str | None
             ) -> Usage | None:
        return self.session.execute(select(Usage).where(
            Usage.number == number, Usage.article_id.is_(article_id) if article_id is None
            else Usage.article_id == article_id,
            Usage.similar_ticket.is_(None) if similar_ticket is None
            else Usage.similar_ticket == similar_ticket).limit(1)).scalar_one_or_none()

    def add(self, usage: Usage) -> None:
        self.session.add(usage)
        self.session.flush()

    def for_ticket(self, number: str) -> list[Usage]:
        return list(self.session.execute(
            select(Usage).where(Usage.number == number).order_by(Usage.at)).scalars())

    def known_at_diagnosis(self, start, end) -> dict:
        """Tickets closed (and still closed) in [start, end), and those of them solved at
        level 1 (no level-2 group held them at closing) with a suggestion marked as used
        before they were closed, split by what was used (DOMAIN.md, KPIs)."""
        closed = select(KnownTicket.number, KnownTicket.closed_at,
                        KnownTicket.closed_in_group).where(
            KnownTicket.status.in_(("solved", "closed")), KnownTicket.closed_at >= start,
            KnownTicket.closed_at < end).subquery()
        total = self.session.execute(select(func.count()).select_from(closed)).scalar_one()
        used = self.session.execute(
            select(closed.c.number, func.count(Usage.article_id), func.count(Usage.similar_ticket))
            .join(Usage, Usage.number == closed.c.number)
            .where(Usage.at < closed.c.closed_at, closed.c.closed_in_group.is_(None))
            .group_by(closed.c.number)).all()
        return {"count": len(used), "of": total,
                "by_source": {"article": sum(1 for row in used if row[1]),
                              "similar_ticket": sum(1 for row in used if row[2])}}


class Synonyms:
    def __init__(self, session):
        self.session = session

    def row(self) -> SynonymList:
        row = self.session.get(SynonymList, 1)
        if row is None:
            row = SynonymList(id=1, groups=[])
            self.session.add(row)
        return row

    def groups(self) -> list[list[str]]:
        groups = self.session.execute(SYNONYM_GROUPS).scalar_one_or_none()
        return list(groups or [])


class KnowledgeUnitOfWork(UnitOfWork):
    search_candidates = DEFAULT_BUDGET  # the API sets SERVICEDESK_KB_SEARCH_CANDIDATES

    def suggestion_query(self, text: str, synonyms) -> Query:
        """The query of a suggestion: normalised once, its typos and rarity looked up for the
        articles and the solved tickets at once."""
        return self.search.query(text, synonyms, tables=(ARTICLE_TABLE, TICKET_TABLE))

    def _open(self) -> None:
        self.search = Search(self.session, budget=self.search_candidates)
        self.articles = Articles(self.session, self.search)
        self.tickets = Tickets(self.session, self.search)
        self.usages = Usages(self.session)
        self.synonyms = Synonyms(self.session)
