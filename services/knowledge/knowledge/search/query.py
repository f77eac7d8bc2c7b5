"""From what the user typed to database queries, by the rules of ``knowledge.text``.

Pure: the query is normalised, split into tokens and expanded with the synonym list exactly as the
reference ranker does (``text.expand``); each resulting concept becomes a PostgreSQL tsquery or an
FTS5 expression. Words are ``[a-z0-9]`` only after normalisation, so quoting them is enough.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .. import text

# field weight label -> (search column, weight); the order of text.FIELD_WEIGHTS
FIELDS: tuple[tuple[str, str, float], ...] = (
    ("A", "search_title", text.FIELD_WEIGHTS["title"]),
    ("B", "search_keywords", text.FIELD_WEIGHTS["keywords"]),
    ("C", "search_symptoms", text.FIELD_WEIGHTS["symptoms"]),
    ("D", "search_solution", text.FIELD_WEIGHTS["solution"]),
)
TYPO_QUALITY = text.FUZZY / text.EXACT


@dataclass(frozen=True)
class Concept:
    """One thing the user asked about: a word or phrase with its synonyms (found exactly or by
    stem), plus words of the texts the user's word is probably a misspelling of."""
    alternatives: frozenset[str]
    typos: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Query:
    tokens: tuple[str, ...]
    concepts: tuple[Concept, ...]

    @property
    def empty(self) -> bool:
        return not self.concepts


MAX_TOKENS = 24  # a whole ticket body is a query too: its first distinct words say enough


def parse(raw: str, synonym_groups: Iterable[Iterable[str]]) -> Query:
    """The tokens and concepts of ``raw``; typos are added later (``with_typos``).

    Each distinct token once, the first ``MAX_TOKENS`` of them: the cost of a search grows with
    the number of concepts (and the pairs of them), and a long text is about its beginning."""
    query_tokens = list(dict.fromkeys(text.tokens(raw or "")))[:MAX_TOKENS]
    if not query_tokens:
        return Query((), ())
    concepts = tuple(Concept(frozenset(alternatives))
                     for alternatives in text.expand(query_tokens, synonym_groups))
    return Query(tuple(query_tokens), concepts)


def typo_checked(query: Query) -> list[str]:
    """The tokens worth a typo lookup: long enough words (the reference's rule)."""
    return sorted({token for token in query.tokens
                   if len(token) >= text._FUZZY_MIN_LEN and token.isalpha()})


def with_typos(query: Query, near: Mapping[str, set[str]]) -> Query:
    """``near``: token -> words of the texts it is probably a typo of (empty when known)."""
    concepts = []
    for concept in query.concepts:
        typos = set().union(*(near.get(word, set()) for word in concept.alternatives))
        concepts.append(Concept(concept.alternatives, frozenset(typos - concept.alternatives)))
    return Query(query.tokens, tuple(concepts))


def _quoted(word: str) -> str:
    return "'" + word.replace("'", "") + "'"


def tsquery(alternatives: Iterable[str], weight: str = "") -> str:
    """``to_tsquery`` text matching any alternative; phrases as ``<->`` chains; optionally only
    in the fields of one weight label (``'sala':A``)."""
    label = f":{weight}" if weight else ""
    parts = []
    for alternative in sorted(alternatives):
        words = [_quoted(word) + label for word in alternative.split() if word]
        if words:
            parts.append(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")")
    return " | ".join(parts)


def any_concept_tsquery(query: Query) -> str:
    return tsquery(set().union(*(c.alternatives | c.typos for c in query.concepts)))


def fts5_expression(alternatives: Iterable[str]) -> str:
    """FTS5 expression matching any alternative, every word by its stem (the FTS5 table holds
    stems): ``("sala" OR "layar biru")``."""
    parts = []
    for alternative in sorted(alternatives):
        stems = " ".join(text.stem(word) for word in alternative.split() if word)
        if stems:
            parts.append('"' + stems.replace('"', "") + '"')
    return "(" + " OR ".join(parts) + ")" if parts else ""


def fts5_query(query: Query) -> str:
    expressions = [fts5_expression(c.alternatives | c.typos) for c in query.concepts]
    return " OR ".join(expression for expression in expressions if expression)


def search_fields(*, title: str | None, keywords: Iterable[str] = (), service: str | None = None,
                  symptoms: str | None, solution: str | None) -> dict[str, str]:
    """The normalised search columns of a searchable text, as ``text.rank`` reads an article:
    keywords and service together in the second field."""
    keyword_text = " ".join([*(keywords or []), service or ""])
    return {
        "search_title": " ".join(text.tokens(title or "")),
        "search_keywords": " ".join(text.tokens(keyword_text)),
        "search_symptoms": " ".join(text.tokens(symptoms or "")),
        "search_solution": " ".join(text.tokens(solution or "")),
    }


def words_of(fields: Mapping[str, str]) -> set[str]:
    return {word for value in fields.values() for word in value.split()}


def stemmed(fields: Mapping[str, str]) -> dict[str, str]:
    """The same columns with every word stemmed: what the FTS5 tables hold."""
    return {name: " ".join(text.stem(word) for word in value.split())
            for name, value in fields.items()}
