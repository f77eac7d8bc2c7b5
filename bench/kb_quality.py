"""Search quality of the knowledge base on labelled ticket texts.

Runs the reference ranker (knowledge.text.rank) over bench/data/kb_labelled.json against the seed
articles and synonyms, prints top-1 and top-3 hit rates and every miss. Exits 1 when top-3 is
below the target.

    python bench/kb_quality.py [--target 0.9] [--labelled PATH] [--articles PATH] [--synonyms PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "services" / "knowledge" / "knowledge" / "seed"


def _load(path: Path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def evaluate(labelled, articles, synonym_groups, *, rank):
    """Top-1 and top-3 hit rates and the misses (texts whose article is not in the top 3)."""
    top1 = top3 = 0
    misses = []
    for case in labelled:
        ranked = [slug for slug, _ in rank(case["text"], articles, synonym_groups)]
        if ranked[:1] == [case["expected"]]:
            top1 += 1
        if case["expected"] in ranked[:3]:
            top3 += 1
        else:
            position = ranked.index(case["expected"]) + 1 if case["expected"] in ranked else None
            misses.append({**case, "position": position, "got": ranked[:3]})
    count = len(labelled) or 1
    return top1 / count, top3 / count, misses


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=ROOT / "bench/data/kb_labelled.json")
    parser.add_argument("--articles", type=Path, default=SEED / "articles.json")
    parser.add_argument("--synonyms", type=Path, default=SEED / "synonyms.json")
    parser.add_argument("--target", type=float, default=0.9, help="minimum top-3 hit rate")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT / "services" / "knowledge"))
    from knowledge.text import rank

    labelled = _load(args.labelled)
    articles = _load(args.articles)
    top1, top3, misses = evaluate(labelled, articles, _load(args.synonyms), rank=rank)

    print(f"labelled texts: {len(labelled)}  articles: {len(articles)}")
    print(f"top-1: {top1:.3f}  top-3: {top3:.3f}  (target top-3 >= {args.target})")
    for miss in misses:
        where = f"rank {miss['position']}" if miss["position"] else "not found"
        print(f"MISS [{where}] {miss['text']!r}\n  expected {miss['expected']}, got {miss['got']}")
    return 0 if top3 >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
