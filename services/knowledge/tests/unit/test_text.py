"""Text rules of the knowledge base, and the seed data they run on."""

import json
import re
from pathlib import Path

import pytest

from knowledge.text import check_synonym_groups, expand, normalize, rank, stem, tokens

ROOT = Path(__file__).resolve().parents[4]
SEED = ROOT / "services" / "knowledge" / "knowledge" / "seed"
LABELLED = ROOT / "bench" / "data" / "kb_labelled.json"

# The incident catalog of DOMAIN.md (category -> services), for when DOMAIN.md is not at hand.
CATALOG = {
    "Aplikasi": ["Aplikasi down", "Aplikasi rusak", "Aplikasi bug", "Update aplikasi gagal",
                 "OS crash"],
    "Jaringan": ["SIM down", "Internet lambat", "Internet mati", "Internet down",
                 "Perbaikan jaringan"],
    "Hardware": ["WAN mati", "Komputer rusak", "Komputer terkena virus", "Komputer hang",
                 "Komputer gagal booting", "Komputer lambat", "Laptop hang", "Hardisk rusak",
                 "Server down", "Kabel rusak", "Listrik rusak", "RAM kotor"],
    "Data": ["Data tidak sinkron", "Data hilang", "Data pending", "Update data lambat"],
}


def _load(path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def articles():
    return _load(SEED / "articles.json")


@pytest.fixture(scope="module")
def synonyms():
    return _load(SEED / "synonyms.json")


@pytest.fixture(scope="module")
def labelled():
    return _load(LABELLED)


def _top(query, articles, synonyms, n=1):
    return [slug for slug, _ in rank(query, articles, synonyms)[:n]]


# ------------------------------------------------------------------------------------ normalize


def test_normalize_lowercases_and_drops_punctuation_and_accents():
    assert normalize("Komputer  MATI!!! (sejak pagi)...") == "komputer mati sejak pagi"
    assert normalize("Café: \u201cerror\u201d") == "cafe error"
    assert normalize("") == ""


def test_normalize_expands_chat_abbreviations():
    assert normalize("sy gk bs login, udh dicoba") == "saya tidak bisa login sudah dicoba"
    assert normalize("ga/gak/nggak") == "tidak tidak tidak"
    assert normalize("yg dgn krn blm sdh") == "yang dengan karena belum sudah"
    assert normalize("komp jar") == "komputer jaringan"


def test_normalize_collapses_chat_reduplication():
    assert normalize("temen2 jg putus2") == "temen juga putus"
    assert normalize("data-data hilang") == "data hilang"


def test_normalize_joins_short_prefixes_and_splits_other_hyphens():
    assert normalize("nge-hang") == "ngehang"
    assert normalize("Wi-Fi e-Kinerja") == "wifi ekinerja"
    assert normalize("listrik naik-turun") == "listrik naik turun"


def test_normalize_keeps_numbers_and_apostrophe_words_whole():
    assert normalize("error 502, can't start") == "error 502 cant start"


# --------------------------------------------------------------------------------------- tokens


def test_tokens_drop_stopwords_but_keep_negation():
    text = "Pak, mohon bantuan, komputer saya tidak bisa menyala"
    assert tokens(text) == ["komputer", "tidak", "menyala"]


def test_tokens_drop_idioms_that_are_not_about_the_problem():
    assert tokens("simpan gk ada respon sama sekali") == ["simpan", "tidak", "respon"]
    assert "sama" in tokens("data tidak sama")


def test_stem_maps_affixed_forms_to_one_key():
    assert {stem(word) for word in ("hapus", "terhapus", "dihapus", "kehapus")} == {"hapus"}
    assert stem("dinyalakan") == stem("nyalakan") == "nyala"
    assert stem("dinas") == "dinas"  # too short to cut
    assert stem("502") == "502"


# --------------------------------------------------------------------------------------- expand


def test_expand_adds_every_member_of_the_token_group():
    groups = [["lambat", "lemot", "lelet"], ["komputer", "pc"]]
    assert expand(["pc", "lemot"], groups) == [{"pc", "komputer"}, {"lemot", "lambat", "lelet"}]


def test_expand_leaves_unknown_tokens_alone():
    assert expand(["printer"], [["lambat", "lemot"]]) == [{"printer"}]
    assert expand(["printer"], []) == [{"printer"}]


def test_expand_reads_group_members_in_normalised_form():
    groups = [["hang", "nge-hang", "Not Responding"]]
    assert expand(["ngehang"], groups) == [{"ngehang", "hang", "not responding"}]


def test_expand_adds_a_set_for_a_multi_word_synonym_spelled_by_the_tokens():
    groups = [["hang", "freeze", "not responding"]]
    result = expand(tokens("excel not responding terus"), groups)
    assert result[:3] == [{"excel"}, {"not"}, {"responding"}]
    assert result[3] == {"hang", "freeze", "not responding"}


def test_expand_finds_a_phrase_through_stopwords_and_affixes():
    groups = [["mati", "down", "tidak bisa diakses"], ["tidak terbaca", "tidak terdeteksi"]]
    assert {"mati", "down"} <= expand(tokens("aplikasi gk bisa diakses"), groups)[-1]
    assert {"tidak terdeteksi"} <= expand(tokens("hardisk gak kebaca"), groups)[-1]


def test_expand_finds_the_group_of_another_form_of_the_word():
    assert expand(["dihapus"], [["hilang", "terhapus"]]) == [{"dihapus", "hilang", "terhapus"}]


def test_word_in_two_groups_gets_both():
    assert expand(["lan"], [["lan", "utp"], ["lan", "jaringan"]]) == [{"lan", "utp", "jaringan"}]


# ----------------------------------------------------------------------------------------- rank


def _article(slug, title="", keywords=(), symptoms="", solution=""):
    return {"slug": slug, "title": title, "category": "Hardware", "service": "",
            "keywords": list(keywords), "symptoms": symptoms, "solution": solution}


def test_field_weights_order_title_keywords_symptoms_solution():
    articles = [
        _article("in-solution", title="aaa", solution="monitor"),
        _article("in-symptoms", title="bbb", symptoms="monitor"),
        _article("in-keywords", title="ccc", keywords=["monitor"]),
        _article("in-title", title="monitor"),
        _article("elsewhere", title="ddd"),
    ]
    assert [slug for slug, _ in rank("monitor", articles, [])] == [
        "in-title", "in-keywords", "in-symptoms", "in-solution"]


def test_rare_word_counts_more_than_a_word_every_article_has():
    articles = [
        _article("common", title="komputer tidak menyala"),
        _article("rare", title="komputer tidak bunyi beep"),
        _article("other", title="komputer tidak tampil"),
    ]
    assert _top("komputer tidak beep", articles, []) == ["rare"]


def test_article_matching_more_of_the_query_wins():
    articles = [
        _article("one-word-everywhere", title="laptop", keywords=["laptop"], symptoms="laptop",
                 solution="laptop"),
        _article("three-words", title="internet kabel", symptoms="komputer lain normal"),
    ]
    assert _top("laptop internet kabel lain", articles, []) == ["three-words"]


def test_typo_still_finds_the_article():
    articles = [_article("hardisk", title="hardisk rusak"), _article("kabel", title="kabel rusak")]
    assert _top("hardsik rusak", articles, []) == ["hardisk"]
    assert _top("harddisk", articles, []) == ["hardisk"]


def test_a_word_the_articles_know_is_not_taken_for_a_typo():
    articles = [_article("rekan", title="tanya rekan"), _article("rekap", title="rekap salah")]
    assert [slug for slug, _ in rank("rekap", articles, [])] == ["rekap"]


def test_synonyms_are_not_typo_matched():
    # "simpen" is a synonym of "simpan"; it must not reach "simpeg" through typo tolerance
    articles = [_article("simpeg", title="simpeg error")]
    assert rank("simpan", articles, [["simpan", "simpen"]]) == []


def test_query_of_stopwords_or_unknown_words_finds_nothing(articles, synonyms):
    assert rank("mohon bantuannya pak", articles, synonyms) == []
    assert rank("qwerty zxcvb", articles, synonyms) == []
    assert rank("", articles, synonyms) == []
    assert rank("internet", [], synonyms) == []


def test_ties_are_broken_by_slug():
    articles = [_article("b", title="wifi"), _article("a", title="wifi")]
    assert [slug for slug, _ in rank("wifi", articles, [])] == ["a", "b"]


def test_rank_leaves_its_input_unchanged(articles, synonyms):
    before = json.dumps(articles, sort_keys=True)
    rank("komputer lemot", articles, synonyms)
    assert json.dumps(articles, sort_keys=True) == before


def test_slang_hang_finds_the_hang_article(articles, synonyms):
    assert _top("pc sy ngelag parah, gk bs diklik", articles, synonyms) == ["komputer-hang"]
    assert _top("komputer nge-freeze terus", articles, synonyms) == ["komputer-hang"]


def test_slow_internet_and_dead_internet_are_told_apart(articles, synonyms):
    def top(query):
        return _top(query, articles, synonyms)

    assert top("inet lemot bgt buka web lama") == ["internet-lambat"]
    assert top("pc saya aja yg gk ada internet, yg lain bisa") == ["internet-mati-satu-komputer"]
    assert top("internet mati semua sekantor, modem lampu merah") == ["internet-down-satu-kantor"]


def test_slow_computer_is_not_slow_internet(articles, synonyms):
    assert _top("komputer lelet bgt pas dinyalain", articles, synonyms) == ["komputer-lambat"]


def test_beeping_computer_finds_dirty_ram_and_beeping_ups_finds_the_ups(articles, synonyms):
    assert _top("pc bunyi beep terus layar gelap", articles, synonyms) == ["ram-kotor"]
    assert _top("ups bunyi terus", articles, synonyms) == ["ups-berbunyi-listrik-tidak-stabil"]


def test_deleted_file_and_data_missing_in_an_application_are_told_apart(articles, synonyms):
    def top(query):
        return _top(query, articles, synonyms)

    assert top("file excel sy kehapus dr recycle bin") == ["file-terhapus"]
    assert top("data yg udh diinput di aplikasi ilang") == ["data-aplikasi-hilang"]


# ------------------------------------------------------------------------------------ seed data


def _domain_catalog():
    """The catalog table of DOMAIN.md (shared/ beside the repository), or None when not at hand."""
    for path in (ROOT / "docs" / "DOMAIN.md", ROOT.parent / "shared" / "DOMAIN.md"):
        if path.exists():
            break
    else:
        return None
    catalog: dict[str, list[str]] = {}
    in_table = False
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[:3] == ["category", "detail", "services"]:
            in_table = True
        elif in_table and line.startswith("|") and not set(line) <= set("|- "):
            catalog.setdefault(cells[0], []).extend(name.strip() for name in cells[2].split(","))
        elif in_table and not line.startswith("|"):
            break
    return catalog


def test_embedded_catalog_matches_domain_md():
    catalog = _domain_catalog()
    if catalog is None:
        pytest.skip("DOMAIN.md not found beside the repository")
    assert catalog == CATALOG


def test_every_catalog_service_has_an_article(articles):
    catalog = _domain_catalog() or CATALOG
    covered = {(article["category"], article["service"]) for article in articles}
    missing = [(category, service) for category, services in catalog.items() for service in services
               if (category, service) not in covered]
    assert not missing


def test_articles_follow_form_frm_003(articles):
    service_category = {service: category
                        for category, services in CATALOG.items() for service in services}
    assert len(articles) >= 36
    assert len({article["slug"] for article in articles}) == len(articles)
    for article in articles:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article["slug"]), article["slug"]
        assert service_category[article["service"]] == article["category"], article["slug"]
        assert article["title"] and article["symptoms"], article["slug"]
        assert 3 <= len(article["keywords"]) <= 8, article["slug"]
        steps = article["solution"].split("\n")
        assert len(steps) >= 3, article["slug"]
        assert all(step.startswith(f"{n}. ") for n, step in enumerate(steps, 1)), article["slug"]


def test_some_services_have_two_articles_to_tell_apart(articles):
    per_service: dict[str, int] = {}
    for article in articles:
        per_service[article["service"]] = per_service.get(article["service"], 0) + 1
    assert sum(1 for count in per_service.values() if count >= 2) >= 10


def test_seed_synonyms_are_valid(synonyms):
    assert len(synonyms) >= 20
    assert check_synonym_groups(synonyms) == []


def test_check_synonym_groups_explains_what_to_fix():
    groups = [["hang"], ["yang", "macet"], ["Hang!", "hang"], "lemot", ["sama sekali", "x"]]
    problems = check_synonym_groups(groups)
    assert problems == [
        "Grup 1: perlu minimal dua kata yang berbeda.",
        'Grup 2: "yang" kosong atau hanya berisi kata umum yang diabaikan.',
        "Grup 2: perlu minimal dua kata yang berbeda.",
        'Grup 3: "hang" sama dengan "Hang!".',
        "Grup 3: perlu minimal dua kata yang berbeda.",
        "Grup 4: harus berupa daftar kata.",
        'Grup 5: "sama sekali" kosong atau hanya berisi kata umum yang diabaikan.',
        "Grup 5: perlu minimal dua kata yang berbeda.",
    ]


def test_every_labelled_slug_exists_and_every_article_is_labelled(articles, labelled):
    slugs = {article["slug"] for article in articles}
    assert len(labelled) >= 80
    assert {case["expected"] for case in labelled} == slugs
    assert all(case["text"].strip() for case in labelled)


def test_labelled_tickets_find_their_article_in_the_top_three(articles, synonyms, labelled):
    hits = sum(1 for case in labelled
               if case["expected"] in _top(case["text"], articles, synonyms, n=3))
    assert hits / len(labelled) >= 0.9
