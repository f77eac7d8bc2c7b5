"""Knowledge's tables: articles (FRM-003) and their versions, the synonym list, the tickets it
learnt about from events (their text, and the solution once closed), solutions marked as used.

Search columns (`search_*`) hold the text as ``text.tokens`` normalises it (lower case, chat
abbreviations expanded, stopwords out). The database indexes those, never the raw text, so the
query side and the article side are normalised by the same rules. On PostgreSQL each searchable
table also has a generated ``tsv`` column (indonesian configuration, weights A title, B keywords
and service, C symptoms, D solution) with a GIN index; on SQLite an FTS5 table per searchable
table, kept in step by the repositories. Neither is mapped here: they are dialect-specific and
created by the migration.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicedesk_common.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class SearchColumns:
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_keywords: Mapped[str] = mapped_column(Text, default="")
    search_symptoms: Mapped[str] = mapped_column(Text, default="")
    search_solution: Mapped[str] = mapped_column(Text, default="")


class Article(SearchColumns, Base):
    __tablename__ = "kb_articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60), index=True)
    service: Mapped[str | None] = mapped_column(String(120))
    symptoms: Mapped[str] = mapped_column(Text)
    solution: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source_ticket: Mapped[str | None] = mapped_column(String(20), index=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    helpful_yes: Mapped[int] = mapped_column(Integer, default=0)
    helpful_no: Mapped[int] = mapped_column(Integer, default=0)


class ArticleVersion(Base):
    """Every saved state of an article, the first included: who changed what, when."""
    __tablename__ = "kb_article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60))
    service: Mapped[str | None] = mapped_column(String(120))
    symptoms: Mapped[str] = mapped_column(Text)
    solution: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    change: Mapped[str] = mapped_column(String(20))  # created, edited, published, archived, ...
    by: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class SynonymList(Base):
    """The synonym groups the knowledge manager edits (one row), applied at query time."""
    __tablename__ = "kb_synonyms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    groups: Mapped[list] = mapped_column(JSON)
    updated_by: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Word(Base):
    """Every normalised word the searchable texts use, with its stem: typo tolerance looks up
    near spellings here (pg_trgm on PostgreSQL)."""
    __tablename__ = "kb_words"

    word: Mapped[str] = mapped_column(String(80), primary_key=True)
    stem: Mapped[str] = mapped_column(String(80), index=True)


class LexemeStat(Base):
    """PostgreSQL only: in how many searchable rows of a corpus (published articles, solved
    tickets) each lexeme of ``tsv`` occurs (anywhere, and in the title or keywords), and
    (lexeme "") how many rows there are. Kept by a trigger; search reads it for the rarity of
    each query concept and to choose the rows worth scoring."""
    __tablename__ = "kb_lexemes"

    corpus: Mapped[str] = mapped_column(String(20), primary_key=True)
    lexeme: Mapped[str] = mapped_column(Text, primary_key=True)
    df: Mapped[int] = mapped_column(Integer, default=0)
    head_df: Mapped[int] = mapped_column(Integer, default=0)  # in the title or keywords


class KnownTicket(SearchColumns, Base):
    """A ticket as the knowledge service knows it from ticket.created and ticket.closed."""
    __tablename__ = "kb_tickets"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(60))
    service: Mapped[str | None] = mapped_column(String(120))
    solution: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open, solved
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    closed_by: Mapped[str | None] = mapped_column(String(120))
    # the level-2 group that held the ticket when it closed (None: solved at level 1)
    closed_in_group: Mapped[str | None] = mapped_column(String(60))
    # when the last ticket.closed / ticket.reopened (state_at) and the last ticket.updated
    # changing the text (text_at) happened: an older event changes nothing
    state_at: Mapped[str | None] = mapped_column(String(40))
    text_at: Mapped[str | None] = mapped_column(String(40))


class Usage(Base):
    """A suggestion the operator used on a ticket: an article or a similar solved ticket."""
    __tablename__ = "kb_usages"
    __table_args__ = (Index("ix_kb_usages_number_at", "number", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("kb_articles.id"))
    similar_ticket: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    by: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
