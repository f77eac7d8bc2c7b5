"""Knowledge: the knowledge manager reviews drafts, publishes, archives and edits articles
(FRM-003 "Tambah Artikel") and keeps the synonyms search uses; other staff read and propose."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from . import backend, bp, require_role
from .tickets import catalog

STATUSES = {"draft": "Draf untuk ditinjau", "published": "Terbit", "archived": "Arsip"}
FIELDS = ("title", "category", "service", "symptoms", "solution")


def is_manager() -> bool:
    return g.staff.role == "knowledge_manager"


@bp.get("/pengetahuan")
def articles():
    default = "draft" if is_manager() else "published"
    status = request.args.get("status", default)
    status = status if status in STATUSES else default
    q = request.args.get("q", "").strip()
    result = backend.get("/kb/articles", q=q or None, status=status,
                         category=request.args.get("category") or None, per_page=100)
    return render_template("staff/kb_list.html", items=result.items(), status=status,
                           statuses=STATUSES, q=q, category=request.args.get("category", ""),
                           catalog=catalog(), manager=is_manager(),
                           problem=None if result.ok else result.message)


def _payload(form) -> dict:
    data = {name: form.get(name, "").strip() for name in FIELDS}
    data["service"] = data["service"] or None
    data["keywords"] = [k.strip() for k in form.get("keywords", "").replace("\n", ",").split(",")
                        if k.strip()]
    return data


def _form_page(article: dict | None, values: dict, errors: dict, problem, status=200):
    return render_template("staff/kb_form.html", article=article, values=values, errors=errors,
                           problem=problem, catalog=catalog(), manager=is_manager(),
                           statuses=STATUSES), status


@bp.route("/pengetahuan/baru", methods=["GET", "POST"])
def new_article():
    """FRM-003: the knowledge manager records a known solution; other staff propose a draft."""
    if request.method == "GET":
        source = request.args.get("dari")  # "usulkan dari tiket": prefilled from a ticket
        values = {}
        if source:
            ticket = backend.get_or_none(f"/tickets/{source}") or {}
            values = {"title": ticket.get("title", ""), "category": ticket.get("category", ""),
                      "service": ticket.get("service") or "", "symptoms": ticket.get("body", ""),
                      "solution": ticket.get("solution") or ticket.get("resolution") or ""}
        return _form_page(None, values, {}, None)
    payload = _payload(request.form)
    result = backend.call("POST", "/kb/articles", payload=payload)
    if not result.ok:
        return _form_page(None, request.form.to_dict(), result.errors, result.message,
                          result.status)
    article = result.body
    if is_manager() and request.form.get("publish") and article.get("status") != "published":
        published = backend.call("PATCH", f"/kb/articles/{article['id']}",
                                 payload={"status": "published"})
        if published.ok:
            article = published.body
    flash(f"Artikel \u201c{article.get('title')}\u201d disimpan sebagai "
          f"{STATUSES.get(article.get('status'), article.get('status', 'draf')).lower()}.",
          "success")
    return redirect(url_for("staff.articles", status=article.get("status", "draft")))


def load_article(article_id: int) -> dict:
    result = backend.get(f"/kb/articles/{article_id}")
    if not result.ok:
        abort(404 if result.status in (403, 404, 405) else result.status)
    return result.body


@bp.route("/pengetahuan/<int:article_id>", methods=["GET", "POST"])
def article(article_id):
    current = load_article(article_id)
    values = {**current, "keywords": ", ".join(current.get("keywords") or [])}
    if request.method == "GET":
        return _form_page(current, values, {}, None)
    require_role("knowledge_manager")
    payload = _payload(request.form)
    result = backend.call("PATCH", f"/kb/articles/{article_id}", payload=payload)
    if not result.ok:
        return _form_page(current, request.form.to_dict(), result.errors, result.message,
                          result.status)
    flash("Artikel diperbarui.", "success")
    return redirect(url_for("staff.article", article_id=article_id))


@bp.post("/pengetahuan/<int:article_id>/status")
def article_status(article_id):
    """Terbitkan, Arsipkan, Kembalikan ke draf."""
    require_role("knowledge_manager")
    status = request.form.get("status")
    if status not in STATUSES:
        abort(400)
    result = backend.call("PATCH", f"/kb/articles/{article_id}", payload={"status": status})
    if result.ok:
        flash(f"Artikel \u201c{result.body.get('title', '')}\u201d kini "
              f"{STATUSES[status].lower()}.", "success")
    else:
        flash(result.message, "error")
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith(
        "/staf/") else url_for("staff.articles", status=status))


@bp.route("/pengetahuan/sinonim", methods=["GET", "POST"])
def synonyms():
    """The synonym groups search treats as one word: one group a line, words by commas."""
    if request.method == "POST":
        require_role("knowledge_manager")
        groups = [[w.strip() for w in line.split(",") if w.strip()]
                  for line in request.form.get("groups", "").splitlines()]
        groups = [group for group in groups if len(group) > 1]
        result = backend.call("PUT", "/kb/synonyms", payload={"groups": groups})
        if result.ok:
            flash(f"{len(groups)} kelompok sinonim disimpan.", "success")
            return redirect(url_for("staff.synonyms"))
        return render_template("staff/kb_synonyms.html", text=request.form.get("groups", ""),
                               errors=result.errors, problem=result.message,
                               manager=is_manager()), result.status
    body = backend.get_or_none("/kb/synonyms")
    groups = (body or {}).get("groups") if isinstance(body, dict) else body
    return render_template("staff/kb_synonyms.html", errors={}, manager=is_manager(),
                           problem=None if body is not None else
                           "Daftar sinonim belum tersedia dari layanan pengetahuan.",
                           text="\n".join(", ".join(group) for group in groups or []))
