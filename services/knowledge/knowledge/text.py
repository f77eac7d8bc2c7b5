"""Text rules of the knowledge base: normalisation, tokens, synonyms and a reference ranker.

Pure functions on plain data (no Flask, no database). ``rank`` is the search used on SQLite and the
reference the PostgreSQL full-text search is measured against (bench/kb_quality.py).
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

# Chat abbreviations and spelling variants as office staff type them -> the standard word(s).
ABBREVIATIONS: dict[str, str] = {
    # negation
    "tdk": "tidak", "tak": "tidak", "gk": "tidak", "g": "tidak", "ga": "tidak", "gak": "tidak",
    "ngga": "tidak", "nggak": "tidak", "ngak": "tidak", "ngk": "tidak", "enggak": "tidak",
    "engga": "tidak", "ndak": "tidak", "nda": "tidak", "kagak": "tidak",
    "gabisa": "tidak bisa", "gbs": "tidak bisa", "gakbisa": "tidak bisa", "tdkbisa": "tidak bisa",
    "blm": "belum", "blum": "belum",
    # function words
    "yg": "yang", "sy": "saya", "aq": "aku", "dgn": "dengan", "dg": "dengan", "krn": "karena",
    "karna": "karena", "udh": "sudah", "udah": "sudah", "sdh": "sudah", "dah": "sudah",
    "bs": "bisa", "bsa": "bisa", "dr": "dari", "utk": "untuk", "untk": "untuk", "sm": "sama",
    "jg": "juga", "lg": "lagi", "bgt": "banget", "trs": "terus", "trus": "terus", "tp": "tapi",
    "tpi": "tapi", "gmn": "bagaimana", "gimana": "bagaimana", "knp": "kenapa", "tlg": "tolong",
    "mhn": "mohon", "skrg": "sekarang", "msh": "masih", "kl": "kalau", "klo": "kalau",
    "kalo": "kalau", "jd": "jadi", "dpt": "dapat", "spt": "seperti", "sblm": "sebelum",
    "stlh": "setelah", "kmrn": "kemarin", "kmarin": "kemarin", "hr": "hari", "bbrp": "beberapa",
    "kyk": "seperti", "kyknya": "sepertinya", "kayaknya": "sepertinya", "kayak": "seperti",
    "pake": "pakai", "dipake": "dipakai", "sampe": "sampai", "aja": "saja", "ttg": "tentang",
    "pd": "pada", "org": "orang", "tsb": "tersebut", "srg": "sering", "bnyk": "banyak",
    "abis": "habis", "min": "admin", "mksh": "terima kasih", "makasih": "terima kasih",
    "thx": "terima kasih", "dlm": "dalam", "sdg": "sedang", "lgsg": "langsung", "lsg": "langsung",
    "dapet": "dapat", "ato": "atau", "atw": "atau", "emg": "memang", "emang": "memang",
    "tau": "tahu",
    # domain shorthand
    "komp": "komputer", "kmptr": "komputer", "jar": "jaringan", "apl": "aplikasi",
    "hdisk": "hardisk", "pwd": "password",
}

STOPWORDS: frozenset[str] = frozenset("""
yang dan di ke dari ini itu untuk dengan pada dalam oleh tentang kepada bagi
saya aku kami kita anda kamu dia mereka nya
ada adalah akan atau juga sudah telah jadi karena tapi tetapi namun agar supaya serta
mohon tolong bantu bantuan bantuannya izin ijin lapor
pak bu bapak ibu mas mbak admin terima kasih selamat pagi siang sore malam
sih dong deh nih ya yah kok lho loh kan
banget sangat sekali lagi terus saja hanya cuma doang
bagaimana kenapa mengapa apa apakah kapan dimana mana
bisa dapat mau ingin harus masih sedang kalau jika apabila ketika saat waktu
seperti sepertinya tersebut para pun lah kah hal
tadi sekarang kemarin hari besok habis baru pas setelah sebelum sejak
the a an is are to of and or it my
""".split())

_MARKS = re.compile(r"[\u0300-\u036f]")
_REPEAT_DIGIT = re.compile(r"\b([a-z]{2,})2\b")  # "temen2" -> "temen" (chat reduplication)
_HYPHEN_REPEAT = re.compile(r"\b([a-z]+)-\1\b")  # "data-data" -> "data"
_HYPHEN_JOIN = re.compile(r"\b([a-z]{1,3})-(?=[a-z])")  # "nge-hang" -> "ngehang", "wi-fi" -> "wifi"
_APOSTROPHE = re.compile(r"(?<=[a-z])['\u2019](?=[a-z])")  # "can't" -> "cant"
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase, no accents or punctuation, chat abbreviations expanded, single spaces."""
    text = unicodedata.normalize("NFKD", text or "").lower()
    text = _MARKS.sub("", text)
    text = _APOSTROPHE.sub("", text)
    text = _REPEAT_DIGIT.sub(r"\1", text)
    text = _HYPHEN_REPEAT.sub(r"\1", text)
    text = _HYPHEN_JOIN.sub(r"\1", text)  # other hyphens split: "naik-turun" -> "naik turun"
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


# Idioms whose words would otherwise count: "tidak ada respon sama sekali" is not about "sama".
STOP_PHRASES: tuple[str, ...] = ("sama sekali", "sama saja", "apa saja")


def tokens(text: str) -> list[str]:
    """The normalised words of ``text`` without stopwords and stop phrases, in order."""
    text = f" {normalize(text)} "
    for phrase in STOP_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    return [word for word in text.split() if word not in STOPWORDS]


_PARTICLES = ("nya", "lah", "kah", "pun")
_SUFFIXES = ("kan", "an", "in")
_PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "pem", "pen", "ber", "ter", "di", "ke",
             "nge")
_MIN_STEM = 4


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, conservative Indonesian stemmer: one particle, one suffix, one prefix at most.

    Not linguistically exact ("mengirim" -> "irim"); it only has to map the forms of one word to
    the same key on both the query and the article side.
    """
    if len(word) <= _MIN_STEM or not word.isalpha():
        return word
    steps = ((_PARTICLES, _cut_suffix), (_SUFFIXES, _cut_suffix), (_PREFIXES, _cut_prefix))
    for affixes, cut in steps:
        for affix in affixes:
            shorter = cut(word, affix)
            if shorter is not None:
                word = shorter
                break
    return word


def _cut_suffix(word: str, suffix: str) -> str | None:
    if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
        return word[: -len(suffix)]
    return None


def _cut_prefix(word: str, prefix: str) -> str | None:
    if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
        return word[len(prefix):]
    return None


def _phrase(text: str) -> str:
    return " ".join(tokens(text))


def _stemmed(phrase: str) -> str:
    return " ".join(stem(word) for word in phrase.split())


def _synonym_index(synonym_groups: Iterable[Iterable[str]]) -> dict[str, set[str]]:
    """Normalised member -> every member of every group it belongs to (itself included)."""
    index: dict[str, set[str]] = {}
    for group in synonym_groups:
        members = {_phrase(member) for member in group} - {""}
        for member in members:
            index.setdefault(member, set()).update(members)
    return index


@functools.lru_cache(maxsize=8)
def _prepared(synonym_groups: tuple[tuple[str, ...], ...]):
    """The member index, the same by stems and the longest member (in words) of one synonym
    list: built once per list, not per query (callers must not change the sets)."""
    index = _synonym_index(synonym_groups)
    by_stem: dict[str, set[str]] = {}
    for member, synonyms in index.items():
        by_stem.setdefault(_stemmed(member), set()).update(synonyms)
    longest = max((member.count(" ") + 1 for member in index), default=1)
    return index, by_stem, longest


def expand(tokens: Sequence[str], synonym_groups: Iterable[Iterable[str]]) -> list[set[str]]:
    """Each token with its synonyms, then one set per multi-word synonym the tokens spell out.

    The first ``len(tokens)`` sets line up with ``tokens``: the token itself plus the members of
    every group holding it (or, failing that, a form of it with the same stem: "kehapus" finds
    the group of "terhapus"). Multi-word members are space-separated phrases. A multi-word member
    found as consecutive tokens, compared by stems ("not responding", "tidak bisa diakses",
    "gak kebaca" for "tidak terbaca"), adds one more set: the phrase with its synonyms.
    Members are compared in normalised form, so "nge-hang" in a group matches the token "ngehang".
    """
    index, by_stem, longest = _prepared(tuple(tuple(group) for group in synonym_groups))
    expanded = [{token} | index.get(token, by_stem.get(stem(token), set())) for token in tokens]
    stems = [stem(token) for token in tokens]
    for size in range(2, longest + 1):
        for start in range(len(tokens) - size + 1):
            phrase = " ".join(stems[start:start + size])
            if phrase in by_stem:
                expanded.append(set(by_stem[phrase]))
    return expanded


def check_synonym_groups(synonym_groups: Iterable[Iterable[str]]) -> list[str]:
    """What is wrong with an edited synonym list, as messages for the knowledge manager.

    An empty list means the groups are fine.
    """
    problems = []
    for number, group in enumerate(synonym_groups, 1):
        if isinstance(group, str) or not all(isinstance(member, str) for member in group):
            problems.append(f"Grup {number}: harus berupa daftar kata.")
            continue
        seen: dict[str, str] = {}
        for member in group:
            phrase = _phrase(member)
            if not phrase:
                problems.append(f"Grup {number}: \"{member}\" kosong atau hanya berisi kata umum "
                                "yang diabaikan.")
            elif len(member.split()) > 1 and " " not in phrase:
                problems.append(f"Grup {number}: \"{member}\" menyusut menjadi satu kata "
                                f"\"{phrase}\" karena kata umum diabaikan; "
                                "tulis kata yang lebih khas.")
            elif phrase in seen:
                problems.append(f"Grup {number}: \"{member}\" sama dengan \"{seen[phrase]}\".")
            else:
                seen[phrase] = member
        if len(seen) < 2:
            problems.append(f"Grup {number}: perlu minimal dua kata yang berbeda.")
    return problems


# --------------------------------------------------------------------------------------- ranking

FIELD_WEIGHTS: dict[str, float] = {"title": 4.0, "keywords": 3.0, "symptoms": 2.0, "solution": 1.0}
EXACT, STEMMED, FUZZY = 1.0, 0.9, 0.7
FUZZY_CUTOFF = 0.8  # difflib ratio; typos only for words of 5+ letters sharing the first letter
_FUZZY_MIN_LEN = 5
COORDINATION = 1.0  # exponent of the share of query concepts an article matches


class _Field:
    __slots__ = ("words", "stems", "text")

    def __init__(self, words: list[str]):
        stems = [stem(word) for word in words]
        self.words = set(words)
        self.stems = set(stems)
        self.text = " " + " ".join(stems) + " "


def _article_fields(article: Mapping) -> dict[str, _Field]:
    keywords = list(article.get("keywords") or [])
    if article.get("service"):
        keywords.append(article["service"])
    return {
        "title": _Field(tokens(article.get("title") or "")),
        "keywords": _Field(tokens(" ".join(keywords))),
        "symptoms": _Field(tokens(article.get("symptoms") or "")),
        "solution": _Field(tokens(article.get("solution") or "")),
    }


def _similar(word: str, vocabulary: set[str], stems: set[str]) -> set[str]:
    """Words (or stems) of the articles that ``word`` is probably a typo of.

    Only for words the articles do not use themselves (a known word is not a typo: "rekap" must
    not match "rekan"), of five letters or more, sharing the first letter and almost the length.
    """
    if len(word) < _FUZZY_MIN_LEN or not word.isalpha():
        return set()
    if word in vocabulary or stem(word) in stems:
        return set()
    slack = 2 if len(word) >= 8 else 1
    matcher = difflib.SequenceMatcher(a=word)
    found = set()
    for candidate in vocabulary | stems:
        if (candidate[0] == word[0] and len(candidate) >= _FUZZY_MIN_LEN
                and abs(len(candidate) - len(word)) <= slack):
            matcher.set_seq2(candidate)
            if matcher.real_quick_ratio() >= FUZZY_CUTOFF and matcher.ratio() >= FUZZY_CUTOFF:
                found.add(candidate)
    return found


def near_words(word: str, vocabulary: set[str], stems: set[str]) -> set[str]:
    """Public face of the typo rule for the database searches: ``vocabulary`` and ``stems`` may
    be just the candidates an index found near ``word`` (see ``_similar``)."""
    return _similar(word, vocabulary, stems)


def _match(alternatives: set[str], field: _Field, near: Mapping[str, set[str]]) -> float:
    best = 0.0
    for alternative in alternatives:
        if " " in alternative:
            phrase = " " + " ".join(stem(word) for word in alternative.split()) + " "
            score = EXACT if phrase in field.text else 0.0
        elif alternative in field.words:
            score = EXACT
        elif stem(alternative) in field.stems:
            score = STEMMED
        elif near.get(alternative, set()) & (field.words | field.stems):
            score = FUZZY
        else:
            continue
        if score > best:
            best = score
            if best == EXACT:
                break
    return best


def rank(
    query: str, articles: Iterable[Mapping], synonym_groups: Iterable[Iterable[str]]
) -> list[tuple[str, float]]:
    """Articles matching ``query`` as ``(slug, score)``, best first; those scoring 0 left out.

    Every query concept (a token or a multi-word synonym, with its synonyms; see ``expand``) scores
    per article the sum over fields of field weight (title 4, keywords and service 3, symptoms 2,
    solution 1) times match quality (exact 1, same stem 0.9, typo 0.7), weighted by how rare the
    concept is among the articles (inverse document frequency), so words found everywhere
    ("tidak", "komputer") count little. The sum is then multiplied by the share of the query's
    concepts the article matches at all, so one rare word repeated in every field does not beat an
    article that matches most of what the user wrote. Ties are broken by slug.
    """
    articles = list(articles)
    query_tokens = tokens(query)
    if not query_tokens or not articles:
        return []
    concepts = expand(query_tokens, synonym_groups)
    indexed = [(article["slug"], _article_fields(article)) for article in articles]
    vocabulary = set().union(*(field.words for _, fields in indexed for field in fields.values()))
    stems = set().union(*(field.stems for _, fields in indexed for field in fields.values()))
    # typo tolerance for what the user typed only; synonyms are spelled on purpose
    near = {token: _similar(token, vocabulary, stems) for token in query_tokens}

    # matrix[article][concept][field] = match quality
    matrix = [
        [{name: _match(concept, field, near) for name, field in fields.items()}
         for concept in concepts]
        for _, fields in indexed
    ]
    total = len(indexed)
    idf = []
    for position in range(len(concepts)):
        found_in = sum(1 for row in matrix if any(row[position].values()))
        idf.append(math.log((total + 1) / (found_in + 0.5)) if found_in else 0.0)

    known = sum(1 for weight in idf if weight > 0)
    results = []
    for (slug, _), row in zip(indexed, matrix, strict=True):
        score = sum(
            idf[position] * sum(FIELD_WEIGHTS[name] * quality for name, quality in cells.items())
            for position, cells in enumerate(row)
        )
        matched = sum(1 for cells in row if any(cells.values()))
        score *= (matched / known) ** COORDINATION if known else 0.0
        if score > 0:
            results.append((slug, round(score, 4)))
    results.sort(key=lambda item: (-item[1], item[0]))
    return results
