"""Search over the knowledge service's texts: PostgreSQL full-text search or SQLite FTS5, both fed
by the normalisation, abbreviations and synonyms of ``knowledge.text``."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Column
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import text
from ..models import Word
from . import postgres, sqlite
from .query import Query, parse, search_fields, with_typos, words_of

__all__ = ["Search", "Query", "search_fields"]

MAX_WORD = 80


class Search:
    """Searches and keeps the search structures of one session's database in step."""

    def __init__(self, session, *, budget: int = postgres.DEFAULT_BUDGET):
        self.session = session
        self.budget = budget  # PostgreSQL: candidate rows scored per search
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.backend = postgres if self.postgres else sqlite
        self._rarity: dict[tuple[Query, str], postgres.Rarity] = {}  # PostgreSQL, this session

    def query(self, raw: str, synonym_groups: Iterable[Iterable[str]], *,
              tables: Sequence[str] = ()) -> Query:
        """Tokens and concepts of ``raw`` with their typos. On PostgreSQL, the typos and the
        rarity of each concept in each of ``tables`` in one round trip (kept for ``ranked``);
        without ``tables``, ``ranked`` looks them up for its table."""
        parsed = parse(raw, synonym_groups)
        if parsed.empty:
            return parsed
        if not self.postgres:
            return with_typos(parsed, sqlite.typo_candidates(self.session, parsed))
        if not tables:
            return parsed
        query, rarities = postgres.lookup(self.session, parsed, tables)
        self._rarity.update({(query, table): rarity for table, rarity in rarities.items()})
        return query

    def ranked(self, query: Query, *, table: str, key: str, tiebreak: str,
               filters: Mapping[str, object], exclude: Sequence = (), limit: int = 20,
               offset: int = 0, shown: Sequence[Column] = ()) -> tuple[list[tuple], int]:
        """``[(row, score)]`` best first, the row with ``key`` and the ``shown`` columns of
        ``table``; and how many rows were found."""
        if query.empty:
            return [], 0
        if not self.postgres:
            return sqlite.ranked(self.session, query, table=table, key=key, tiebreak=tiebreak,
                                 filters=filters, exclude=exclude, limit=limit, offset=offset,
                                 shown=shown)
        rarity = self._rarity.get((query, table))
        if rarity is None:
            query, rarities = postgres.lookup(self.session, query, [table])
            rarity = rarities[table]
        return postgres.ranked(self.session, query, rarity, table=table, key=key,
                               tiebreak=tiebreak, filters=filters, exclude=exclude,
                               limit=limit, offset=offset, budget=self.budget,
                               shown=[column.name for column in shown])

    def index(self, table: str, key, row, fields: Mapping[str, str]) -> None:
        """Set the row's search columns, learn its words; on SQLite refresh its FTS5 entry.

        PostgreSQL's ``tsv`` column follows the search columns by itself (generated)."""
        for name, value in fields.items():
            setattr(row, name, value)
        self.learn(words_of(fields))
        if not self.postgres:
            self.session.flush()
            sqlite.index(self.session, table, key, fields)

    def learn(self, words: set[str]) -> None:
        rows = [{"word": word, "stem": text.stem(word)} for word in sorted(words)
                if len(word) <= MAX_WORD]
        if not rows:
            return
        insert = pg_insert if self.postgres else sqlite_insert
        for start in range(0, len(rows), 500):
            self.session.execute(insert(Word).values(rows[start:start + 500])
                                 .on_conflict_do_nothing(index_elements=["word"]))
