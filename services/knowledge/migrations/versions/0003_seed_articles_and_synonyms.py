"""seed articles and synonyms: the 40 seed articles as published (version 1), the synonym list

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 08:44:54.658792
"""
import json
from datetime import UTC, datetime
from pathlib import Path

from alembic import op
import sqlalchemy as sa

import knowledge
from knowledge import text
from knowledge.search import sqlite as fts
from knowledge.search.query import search_fields, words_of

SEED = Path(knowledge.__file__).resolve().parent / "seed"
SEEDED_BY = "seed"


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _load(name: str):
    with (SEED / name).open(encoding="utf-8") as handle:
        return json.load(handle)


ARTICLE_COLUMNS = ("id", "slug", "title", "category", "service", "symptoms", "solution",
                   "status", "version", "created_by", "created_at", "updated_by", "updated_at",
                   "published_at", "helpful_yes", "helpful_no", "search_title",
                   "search_keywords", "search_symptoms", "search_solution")
VERSION_COLUMNS = ("article_id", "version", "title", "category", "service", "symptoms",
                   "solution", "status", "change", "by", "at")


def upgrade() -> None:
    bind = op.get_bind()
    moment = datetime.now(UTC)
    articles = sa.table("kb_articles", *(sa.column(name) for name in ARTICLE_COLUMNS),
                        sa.column("keywords", sa.JSON))
    versions = sa.table("kb_article_versions", *(sa.column(name) for name in VERSION_COLUMNS),
                        sa.column("keywords", sa.JSON))
    words = sa.table("kb_words", sa.column("word"), sa.column("stem"))
    article_rows, version_rows, vocabulary = [], [], set()
    for number, seed in enumerate(_load("articles.json"), 1):
        fields = search_fields(title=seed["title"], keywords=seed["keywords"],
                               service=seed.get("service"), symptoms=seed["symptoms"],
                               solution=seed["solution"])
        vocabulary |= words_of(fields)
        content = {name: seed.get(name) for name in ("title", "category", "service", "symptoms",
                                                      "solution", "keywords")}
        article_rows.append({"id": number, "slug": seed["slug"], **content,
                             "status": "published", "version": 1, "created_by": SEEDED_BY,
                             "created_at": moment, "updated_by": SEEDED_BY,
                             "updated_at": moment, "published_at": moment, "helpful_yes": 0,
                             "helpful_no": 0, **fields})
        version_rows.append({"article_id": number, "version": 1, **content,
                             "status": "published", "change": "published", "by": SEEDED_BY,
                             "at": moment})
        if bind.dialect.name == "sqlite":
            fts.index(bind, "kb_articles", number, fields)
    op.bulk_insert(articles, article_rows)
    op.bulk_insert(versions, version_rows)
    op.bulk_insert(words, [{"word": word, "stem": text.stem(word)}
                           for word in sorted(vocabulary)])
    synonyms = sa.table("kb_synonyms", sa.column("id"), sa.column("groups", sa.JSON),
                        sa.column("updated_by"), sa.column("updated_at"))
    op.bulk_insert(synonyms, [{"id": 1, "groups": _load("synonyms.json"),
                               "updated_by": SEEDED_BY, "updated_at": moment}])
    if bind.dialect.name == "postgresql":  # ids were given: move the sequence past them
        op.execute("SELECT setval(pg_get_serial_sequence('kb_articles', 'id'), "
                   "(SELECT max(id) FROM kb_articles))")


def downgrade() -> None:
    op.execute("DELETE FROM kb_article_versions WHERE \"by\" = 'seed'")
    op.execute("DELETE FROM kb_articles WHERE created_by = 'seed'")
    op.execute("DELETE FROM kb_synonyms")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DELETE FROM kb_articles_fts")
