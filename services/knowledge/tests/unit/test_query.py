"""From typed text to database queries: the same tokens and synonyms as the reference ranker,
tsquery and FTS5 texts, and which rows PostgreSQL scores."""
from knowledge.search import postgres
from knowledge.search.query import (
    MAX_TOKENS,
    Concept,
    fts5_expression,
    parse,
    search_fields,
    tsquery,
    typo_checked,
    with_typos,
)

SYNONYMS = [["hang", "macet", "ngelag"], ["mati", "down", "tidak bisa diakses"],
            ["layar biru", "bsod"]]


def test_query_is_normalised_and_expanded_like_the_reference():
    query = parse("PC sy ngelag, gk bisa diakses!", SYNONYMS)
    assert query.tokens == ("pc", "ngelag", "tidak", "diakses")
    assert query.concepts[1].alternatives == {"hang", "macet", "ngelag"}
    assert query.concepts[-1].alternatives == {"mati", "down", "tidak diakses"}
    assert parse("yang dan di ke", SYNONYMS).empty


def test_a_long_text_gives_its_first_distinct_words_only():
    query = parse("printer printer " + " ".join(f"kata{n}" for n in range(100)), SYNONYMS)
    assert query.tokens[:2] == ("printer", "kata0") and len(query.tokens) == MAX_TOKENS


def test_tsquery_quotes_words_chains_phrases_and_labels_fields():
    assert tsquery({"bsod", "layar biru"}) == "'bsod' | ('layar' <-> 'biru')"
    assert tsquery({"bsod", "layar biru"}, "A") == "'bsod':A | ('layar':A <-> 'biru':A)"
    assert tsquery({"it's"}) == "'its'"
    assert tsquery(set()) == ""


def test_fts5_expression_uses_stems_in_quotes():
    assert fts5_expression({"menyala", "layar biru"}) == '("layar biru" OR "yala")'


def test_typos_are_looked_up_for_long_words_and_kept_apart_from_synonyms():
    query = parse("komputer hnag lambta", SYNONYMS)
    assert typo_checked(query) == ["komputer", "lambta"]
    with_near = with_typos(query, {"lambta": {"lambat"}, "hnag": {"hang"}})
    assert with_near.concepts[2].typos == {"lambat"}
    assert with_near.concepts[0].typos == frozenset()


def test_search_fields_read_an_article_as_the_reference_does():
    fields = search_fields(title="Komputer HANG!", keywords=["nge-hang"], service="Komputer hang",
                           symptoms="Layar tdk bergerak", solution=None)
    assert fields == {"search_title": "komputer hang", "search_keywords": "ngehang komputer hang",
                      "search_symptoms": "layar tidak bergerak", "search_solution": ""}


def concepts(*words):
    return [Concept(frozenset({word})) for word in words]


def test_a_small_corpus_scores_every_row_that_matches_anything():
    rarity = postgres.Rarity(df=(30, 12, 0), head_df=(10, 4, 0), total=40)
    chosen = postgres.candidates(concepts("komputer", "lambat", "siput"), rarity, budget=400)
    assert chosen.anywhere == "('lambat') | ('komputer')"
    assert "siput" not in chosen.anywhere + chosen.head


def test_a_large_corpus_scores_rare_words_and_common_words_together_in_titles():
    rarity = postgres.Rarity(df=(8000, 3600, 40), head_df=(4000, 2000, 0), total=10000)
    chosen = postgres.candidates(concepts("komputer", "lambat", "siput"), rarity, budget=400)
    assert chosen.anywhere == "('siput')"
    assert chosen.head == "('komputer') & ('lambat')"


def test_the_smallest_clause_of_each_kind_is_taken_even_beyond_the_budget():
    rarity = postgres.Rarity(df=(9000,), head_df=(0,), total=10000)
    assert postgres.candidates(concepts("tidak"), rarity, budget=400).anywhere == "('tidak')"
    both = postgres.Rarity(df=(9000, 5000), head_df=(900, 500), total=10000)
    chosen = postgres.candidates(concepts("tidak", "bisa"), both, budget=400)
    assert (chosen.anywhere, chosen.head) == ("('bisa')", "('tidak') & ('bisa')")
    nothing = postgres.Rarity(df=(0,), head_df=(0,), total=10000)
    assert postgres.candidates(concepts("siput"), nothing, budget=400) == postgres.Candidates(
        "", "")
