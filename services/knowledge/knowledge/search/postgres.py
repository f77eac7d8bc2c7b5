"""Search on PostgreSQL: full-text search (indonesian configuration, weighted tsvector, GIN index)
scored like the reference ranker, and typo tolerance through pg_trgm.

The score of a row is ``text.rank``'s: for each query concept, the sum over fields of the field
weight (title 4, keywords 3, symptoms 2, solution 1) times the match quality (1, or 0.7 through a
typo), the tsvector's weight labels A-D telling the fields apart; each concept counts by its
inverse document frequency, and the total is multiplied by the share of the query's concepts the
row matches.

Rarity comes from ``kb_lexemes`` (rows per lexeme, anywhere and in the title or keywords, kept
by a trigger): a concept's frequency is the sum over its alternatives (a phrase: its rarest word),
at most the row count. Scoring is exact but costs a few tsquery tests per row, so only candidates
are scored (see ``candidates``): rows having the rarest concepts, or the query's concepts in their
title or keywords (``tsv_head``, indexed on its own), about ``budget`` rows. With few rows (the 40
seed articles) every matching row is a candidate and the result is the reference ranker's.
"""
from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy import text as sql

from .. import text
from .query import FIELDS, TYPO_QUALITY, Concept, Query, tsquery, typo_checked, with_typos

CONFIG = "indonesian"
DEFAULT_BUDGET = 100  # candidate rows scored exactly per search (at most twice that)


@dataclass(frozen=True)
class Rarity:
    """Estimated rows having each concept anywhere (``df``) and in the title or keywords
    (``head_df``), and how many rows there are."""
    df: tuple[int, ...]
    head_df: tuple[int, ...]
    total: int


LOOKUP = f"""
    WITH unknown AS (
        SELECT t.token FROM unnest(CAST(%(tokens)s AS text[]), CAST(%(stems)s AS text[]))
            AS t(token, stem)
        WHERE NOT EXISTS (SELECT 1 FROM kb_words k WHERE k.word = t.token)
          AND NOT EXISTS (SELECT 1 FROM kb_words k WHERE k.stem = t.stem)
          AND NOT EXISTS (SELECT 1 FROM kb_words k WHERE k.word = t.stem)
    ), wanted AS (
        SELECT q.i, CAST(NULL AS text) AS token, q.alt
        FROM unnest(CAST(%(indexes)s AS int[]), CAST(%(alternatives)s AS text[])) AS q(i, alt)
        UNION ALL
        SELECT -2, u.token, w.word FROM unknown u CROSS JOIN LATERAL (
            SELECT word FROM kb_words WHERE word %% u.token AND left(word, 1) = left(u.token, 1)
            ORDER BY word <-> u.token LIMIT 20) w
    )
    SELECT c.corpus, w.i, w.token, w.alt, min(coalesce(s.df, 0)) AS df,
           min(coalesce(s.head_df, 0)) AS head_df
    FROM wanted w
    CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('{CONFIG}', w.alt))) AS l(lexeme)
    CROSS JOIN unnest(CAST(%(corpora)s AS text[])) AS c(corpus)
    LEFT JOIN kb_lexemes s ON s.corpus = c.corpus AND s.lexeme = l.lexeme
    GROUP BY c.corpus, w.i, w.token, w.alt
    UNION ALL
    SELECT c.corpus, -1, NULL, '', coalesce((SELECT df FROM kb_lexemes k
                                             WHERE k.corpus = c.corpus AND k.lexeme = ''), 0), 0
    FROM unnest(CAST(%(corpora)s AS text[])) AS c(corpus)
"""


def lookup(session, query: Query, corpora: Sequence[str]
           ) -> tuple[Query, dict[str, Rarity]]:
    """One round trip for one or more corpora (the tables searched): the query's typos (pg_trgm
    finds the words of the texts near each unknown long token, the reference's rule decides;
    the same for every corpus) and the rarity of every concept in each corpus.

    A concept's frequency is the sum over its alternatives and typos (a phrase: its rarest
    word), at most the row count."""
    checked = typo_checked(query)
    indexes, alternatives = [], []
    for position, concept in enumerate(query.concepts):
        for alternative in sorted(concept.alternatives):
            indexes.append(position)
            alternatives.append(alternative)
    rows = session.connection().exec_driver_sql(LOOKUP, {
        "tokens": checked, "stems": [text.stem(token) for token in checked],
        "indexes": indexes, "alternatives": alternatives, "corpora": list(corpora)}).all()
    found: dict[str, set[str]] = {}
    for row in rows:
        if row.i == -2:
            found.setdefault(row.token, set()).add(row.alt)
    near = {token: text.near_words(token, words, set()) for token, words in found.items()}
    query = with_typos(query, {token: words for token, words in near.items() if words})
    return query, {corpus: _rarity(query, [row for row in rows if row.corpus == corpus])
                   for corpus in corpora}


def _rarity(query: Query, rows) -> Rarity:
    """One corpus's rows of ``LOOKUP``: how many rows have each concept (its alternatives and
    typos), anywhere and in the title or keywords."""
    total = next(row.df for row in rows if row.i == -1)
    typo_counts: dict[str, tuple[int, int]] = {}
    df, head_df = [0] * len(query.concepts), [0] * len(query.concepts)
    for row in rows:
        if row.i >= 0:
            df[row.i] += row.df
            head_df[row.i] += row.head_df
        elif row.i == -2:
            typo_counts[row.alt] = (row.df, row.head_df)
    for position, concept in enumerate(query.concepts):
        for word in concept.typos:
            df[position] += typo_counts[word][0]
            head_df[position] += typo_counts[word][1]
    return Rarity(tuple(min(total, n) for n in df), tuple(min(total, n) for n in head_df),
                  total)


@dataclass(frozen=True)
class Candidates:
    """Which rows to score: those whose ``tsv`` matches ``anywhere`` or whose ``tsv_head`` (the
    title and keywords) matches ``head``; empty texts match nothing."""
    anywhere: str
    head: str


def candidates(concepts: Sequence[Concept], rarity: Rarity, budget: int) -> Candidates:
    """The smallest of these clauses (by estimated rows) while they add up to ``budget`` rows,
    and at least the smallest of each kind (anywhere, in the title or keywords):

    - a concept anywhere (rare words: whatever the row, it is about them);
    - a concept in the title or keywords (what the row is about);
    - two concepts together in the title or keywords (common words that describe the problem
      together: "komputer" and "lambat"), estimated as if independent.
    """
    live = [position for position, df in enumerate(rarity.df) if df > 0]
    text_of = {position: f"({_any(concepts[position])})" for position in live}
    clauses: list[tuple[float, str, str]] = []
    for position in live:
        clauses.append((rarity.df[position], "anywhere", text_of[position]))
        if rarity.head_df[position]:
            clauses.append((rarity.head_df[position], "head", text_of[position]))
    for first, second in itertools.combinations(live, 2):
        if rarity.head_df[first] and rarity.head_df[second]:
            size = rarity.head_df[first] * rarity.head_df[second] / max(rarity.total, 1)
            clauses.append((size, "head", f"{text_of[first]} & {text_of[second]}"))
    clauses.sort(key=lambda clause: clause[0])  # stable: ties keep the query's order
    chosen: dict[str, list[str]] = {"anywhere": [], "head": []}
    rows = 0.0
    for size, kind, clause in clauses:
        if chosen[kind] and rows + size > budget:
            continue
        chosen[kind].append(clause)
        rows += size
    return Candidates(" | ".join(chosen["anywhere"]), " | ".join(chosen["head"]))


@functools.lru_cache(maxsize=4096)
def _any(concept: Concept) -> str:
    return tsquery(concept.alternatives | concept.typos)


def _tsquery_sql(text_query: str) -> str:
    """A constant ``to_tsquery``: the text holds only normalised words (``[a-z0-9]``), quotes
    and tsquery operators, so doubling the quotes makes it a safe SQL literal (no bind
    parameters to compile and convert: a search builds dozens)."""
    return f"to_tsquery('{CONFIG}', '{text_query.replace(chr(39), chr(39) * 2)}')"


@functools.lru_cache(maxsize=4096)  # a suggestion scores the same concepts in two tables
def _concept_score(concept: Concept) -> str:
    """The SQL sum over fields for one concept: weight x quality where the concept matches."""
    cases = []
    for label, _column, weight in FIELDS:
        whens = [f"WHEN t.tsv @@ {_tsquery_sql(tsquery(concept.alternatives, label))} "
                 f"THEN {weight}"]
        if concept.typos:
            whens.append(f"WHEN t.tsv @@ {_tsquery_sql(tsquery(concept.typos, label))} "
                         f"THEN {weight * TYPO_QUALITY}")
        cases.append("CASE " + " ".join(whens) + " ELSE 0 END")
    return (f"CASE WHEN t.tsv @@ {_tsquery_sql(_any(concept))} THEN "
            + " + ".join(cases) + " ELSE 0 END")


def ranked(session, query: Query, rarity: Rarity, *, table: str, key: str, tiebreak: str,
           filters: Mapping[str, object], exclude: Sequence = (), limit: int = 20,
           offset: int = 0, budget: int = DEFAULT_BUDGET, shown: Sequence[str] = ()
           ) -> tuple[list, int]:
    """``[(row, score)]`` best first (the row: ``key`` and the ``shown`` columns) and how many
    rows were found; ``query`` and ``rarity`` as ``lookup`` gave them.

    ``table``, ``key``, ``tiebreak``, ``shown`` and the names in ``filters`` are identifiers from
    our code, never from the request; the filter values are bound, the tsqueries are constants
    made of normalised words (``_tsquery_sql``).
    """
    chosen = candidates(query.concepts, rarity, budget)
    if not (chosen.anywhere or chosen.head):
        return [], 0
    known = sum(1 for df in rarity.df if df > 0)
    params: dict = {"limit": limit, "offset": offset, "cap": budget * 2}
    where = ["(" + " OR ".join(
        [f"t.tsv @@ {_tsquery_sql(chosen.anywhere)}"] * bool(chosen.anywhere)
        + [f"t.tsv_head @@ {_tsquery_sql(chosen.head)}"] * bool(chosen.head)) + ")"]
    for position, (column, value) in enumerate(filters.items()):
        where.append(f"t.{column} = %(f{position})s")
        params[f"f{position}"] = value
    if exclude:
        where.append(f"NOT (t.{key} = ANY(%(exclude)s))")
        params["exclude"] = list(exclude)
    idf = [math.log((rarity.total + 1) / (df + 0.5)) if df else 0.0 for df in rarity.df]
    scored = [(i, c) for i, c in enumerate(query.concepts) if idf[i] > 0]
    columns = ",\n".join(f"{_concept_score(c)} AS s{i}" for i, c in scored)
    weighted = " + ".join(f"{idf[i]!r} * s{i}" for i, _ in scored)
    matched = " + ".join(f"(s{i} > 0)::int" for i, _ in scored)
    # the shown columns of the page's rows only (through the primary key), not of every
    # candidate: no second round trip to load them
    extra = "".join(f", r.{name}" for name in shown)
    statement = f"""
        WITH candidates AS (
            SELECT t.{key} AS key, t.{tiebreak} AS tiebreak, {columns}
            FROM {table} t WHERE {' AND '.join(where)} LIMIT %(cap)s
        ), scored AS (
            SELECT key, tiebreak,
                   round(CAST(({weighted}) * ({matched})::float / {known} AS numeric), 4) AS score
            FROM candidates
        ), best AS (
            SELECT key, tiebreak, CAST(score AS float) AS score, count(*) OVER () AS hits
            FROM scored WHERE score > 0
            ORDER BY score DESC, tiebreak LIMIT %(limit)s OFFSET %(offset)s
        )
        SELECT b.key, b.score, b.hits{extra}
        FROM best b{f" JOIN {table} r ON r.{key} = b.key" if shown else ""}
        ORDER BY b.score DESC, b.tiebreak
    """
    connection = session.connection()
    rows = connection.exec_driver_sql(statement, params).all()
    if not rows and offset:  # a page past the end still says how many there are
        first = connection.exec_driver_sql(statement, {**params, "offset": 0, "limit": 1}
                                           ).first()
        return [], first.hits if first else 0
    return [(row, row.score) for row in rows], rows[0].hits if rows else 0


SCOPES = {"kb_articles": "published", "kb_tickets": "solved"}  # rows search counts
PLANNER = "SET random_page_cost = 1.1"


def tune_planner(engine) -> None:
    """Every connection of the search's engine: the rows are in memory and few, and with the
    default random_page_cost (4, for spinning disks) the planner sometimes reads the whole table
    instead of a bitmap of the GIN indexes."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute(PLANNER)
        dbapi_connection.commit()

    engine.dispose()  # connections made before (migrations, a schema) reconnect, tuned


def rebuild_statistics(session, table: str) -> None:
    """Recount ``kb_lexemes`` for one table from scratch: after a bulk load that bypassed the
    trigger (bench/kb_search.py), or should the counts ever be doubted."""
    session.execute(sql("DELETE FROM kb_lexemes WHERE corpus = :corpus"), {"corpus": table})
    session.execute(sql(
        "INSERT INTO kb_lexemes (corpus, lexeme, df, head_df) "
        "SELECT :corpus, l.lexeme, count(*), count(*) FILTER (WHERE l.weights && ARRAY['A', 'B']) "
        f"FROM {table} t, unnest(t.tsv) AS l WHERE t.status = :scope GROUP BY l.lexeme "
        f"UNION ALL SELECT :corpus, '', count(*), 0 FROM {table} WHERE status = :scope"),
        {"corpus": table, "scope": SCOPES[table]})
