"""Search on SQLite: an FTS5 table per searchable table, holding the stemmed search columns, ranked
by bm25 with the field weights (title 4, keywords 3, symptoms 2, solution 1). Typo tolerance with
the reference's rule over the vocabulary words sharing the token's first letter.

The FTS5 tables are ``<table>_fts(key UNINDEXED, search_title, search_keywords, search_symptoms,
search_solution)``; ``index``/``unindex`` keep them in step with the rows.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Column, Float
from sqlalchemy import column as sql_column
from sqlalchemy import text as sql

from .. import text
from .query import FIELDS, Query, fts5_query, stemmed, typo_checked

COLUMNS = tuple(column for _label, column, _weight in FIELDS)


def index(session, table: str, key, fields: Mapping[str, str]) -> None:
    unindex(session, table, key)
    values = stemmed(fields)
    session.execute(sql(
        f"INSERT INTO {table}_fts (key, {', '.join(COLUMNS)}) "
        f"VALUES (:key, {', '.join(':' + column for column in COLUMNS)})"),
        {"key": str(key), **{column: values.get(column, "") for column in COLUMNS}})


def unindex(session, table: str, key) -> None:
    session.execute(sql(f"DELETE FROM {table}_fts WHERE key = :key"), {"key": str(key)})


def typo_candidates(session, query: Query) -> dict[str, set[str]]:
    checked = typo_checked(query)
    near = {}
    for token in checked:
        rows = session.execute(sql(
            "SELECT word, stem FROM kb_words WHERE substr(word, 1, 1) = :first "
            "AND length(word) BETWEEN :shortest AND :longest"),
            {"first": token[0], "shortest": len(token) - 2, "longest": len(token) + 2}).all()
        words = {row.word for row in rows}
        if token in words or session.execute(sql(
                "SELECT 1 FROM kb_words WHERE stem = :stem LIMIT 1"),
                {"stem": text.stem(token)}).first():
            continue
        found = text.near_words(token, words, set())
        if found:
            near[token] = found
    return near


def ranked(session, query: Query, *, table: str, key: str, tiebreak: str,
           filters: Mapping[str, object], exclude: Sequence = (), limit: int = 20,
           offset: int = 0, shown: Sequence[Column] = ()) -> tuple[list, int]:
    """``[(row, score)]`` best first (the row: ``key`` and the ``shown`` columns; score =
    -bm25) and how many rows match at all."""
    expression = fts5_query(query)
    if not expression:
        return [], 0
    weights = ", ".join(str(weight) for _label, _column, weight in FIELDS)
    params: dict = {"match": expression, "limit": limit, "offset": offset}
    where = []
    for position, (column, value) in enumerate(filters.items()):
        where.append(f"t.{column} = :f{position}")
        params[f"f{position}"] = value
    for position, value in enumerate(exclude):
        where.append(f"t.{key} != :x{position}")
        params[f"x{position}"] = value
    scope = "".join(" AND " + clause for clause in where)
    # the FTS5 key is text: compare it to the row's primary key in the key's own type, so
    # each match finds its row through the primary key index
    joined = f"t.{key} = CAST(f.key AS INTEGER)" if key == "id" else f"t.{key} = f.key"
    found = f"""
        FROM {table}_fts f JOIN {table} t ON {joined}
        WHERE {table}_fts MATCH :match{scope}
    """
    extra = "".join(f", t.{column.name} AS {column.name}" for column in shown)
    best = sql(
        f"SELECT t.{key} AS key, -bm25({table}_fts, 0, {weights}) AS score{extra} "
        f"{found}ORDER BY score DESC, t.{tiebreak} LIMIT :limit OFFSET :offset"
    ).columns(sql_column("key"), sql_column("score", Float), *shown)  # typed: dates, JSON
    rows = session.execute(best, params).all()
    hits = session.execute(sql(f"SELECT count(*) {found}"), params).scalar_one()
    return [(row, round(row.score, 4)) for row in rows], hits
