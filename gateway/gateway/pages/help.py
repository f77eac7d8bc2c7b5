"""The help center `/bantuan` (Pusat Bantuan): search and read the published knowledge-base
articles, and say whether an article helped ("Apakah artikel ini membantu?"). Bahasa Indonesia,
no JavaScript needed; the knowledge service is called as a guest (pages/common.py), so only
published articles ever show."""
from __future__ import annotations

import logging
import math

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from servicedesk_common.errors import Unavailable

from .common import api, path

log = logging.getLogger(__name__)
bp = Blueprint("help_pages", __name__)

PER_PAGE = 20
MAX_QUERY = 200
MAX_PAGE = 500
VOTES = "kb_votes"  # article ids this browser has voted on (the session cookie)
MAX_VOTES_KEPT = 200


def _page() -> int:
    try:
        return min(max(int(request.args.get("halaman", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def _articles(query: dict) -> dict:
    status, body = api("GET", "/api/v1/kb/articles", query=query)
    if status != 200:
        log.warning("event=help_search_failed status=%s", status)
        raise Unavailable("The knowledge base did not answer.")
    return body


def by_category(items: list[dict]) -> list[tuple[str, list[dict]]]:
    """Articles grouped by category (categories and titles in alphabetical order)."""
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item.get("category") or "Lainnya", []).append(item)
    return [(name, sorted(groups[name], key=lambda a: a["title"].lower()))
            for name in sorted(groups)]


@bp.get("/bantuan")
def index():
    q = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    category = request.args.get("kategori", "").strip()[:60]
    page = _page()
    query = {"per_page": PER_PAGE if q else 200, "page": page if q else 1}
    if q:
        query["q"] = q
    if category:
        query["category"] = category
    body = _articles(query)
    items = body.get("items", [])
    pages = max(1, math.ceil(body.get("total", 0) / PER_PAGE)) if q else 1
    return render_template("help/index.html", q=q, category=category, items=items,
                           groups=[] if q else by_category(items), total=body.get("total", 0),
                           page=page, pages=pages)


def voted(article_id: int) -> bool:
    return article_id in session.get(VOTES, [])


@bp.get("/bantuan/artikel/<int:article_id>")
def article(article_id: int):
    status, body = api("GET", path("/api/v1/kb/articles/{}", article_id))
    if status == 404:
        abort(404)
    if status != 200:
        raise Unavailable("The knowledge base did not answer.")
    steps = [line.strip() for line in (body.get("solution") or "").splitlines() if line.strip()]
    return render_template("help/article.html", article=body, steps=steps,
                           voted=voted(article_id))


@bp.post("/bantuan/artikel/<int:article_id>/membantu")
def feedback(article_id: int):
    """One vote per article per browser; the count lives in the knowledge service."""
    answer = request.form.get("membantu")
    if answer not in ("ya", "tidak"):
        abort(400)
    target = url_for("help_pages.article", article_id=article_id) + "#umpan-balik"
    if voted(article_id):
        flash("Terima kasih, masukan Anda untuk artikel ini sudah kami terima.", "success")
        return redirect(target, code=303)
    status, _ = api("POST", path("/api/v1/kb/articles/{}/feedback", article_id),
                    payload={"helpful": answer == "ya"})
    if status == 404:
        abort(404)
    if status != 200:
        log.warning("event=help_feedback_failed article=%s status=%s", article_id, status)
        flash("Masukan Anda belum dapat disimpan. Coba lagi beberapa saat lagi.", "error")
        return redirect(target, code=303)
    session[VOTES] = (session.get(VOTES, []) + [article_id])[-MAX_VOTES_KEPT:]
    flash("Terima kasih atas masukan Anda." if answer == "ya" else
          "Terima kasih. Jika masalah Anda belum teratasi, laporkan kepada kami.", "success")
    return redirect(target, code=303)
