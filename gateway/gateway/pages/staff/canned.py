"""Templat Balasan: the supervisor keeps the canned replies the staff pick in the reply form."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from . import backend, bp, require_role

FIELDS = ("number", "title", "contact_name", "agency", "category", "service", "status",
          "priority", "guest_email", "client", "assignee")


def _page(values: dict, errors: dict, problem: str | None, status: int = 200,
          editing: int | None = None):
    result = backend.get("/canned-replies")
    return render_template("staff/canned_replies.html", items=result.items(), fields=FIELDS,
                           values=values, errors=errors, editing=editing,
                           problem=problem or (None if result.ok else result.message)), status


@bp.get("/templat-balasan")
def canned_replies():
    require_role("supervisor")
    return _page({}, {}, None)


def _form() -> dict:
    return {"title": request.form.get("title", "").strip(),
            "body": request.form.get("body", "").strip()}


@bp.post("/templat-balasan")
def add_canned_reply():
    require_role("supervisor")
    payload = _form()
    result = backend.call("POST", "/canned-replies", payload=payload)
    if not result.ok:
        return _page(payload, result.errors, result.message, result.status)
    flash(f"Templat “{payload['title']}” ditambahkan.", "success")
    return redirect(url_for("staff.canned_replies"))


@bp.post("/templat-balasan/<int:reply_id>")
def change_canned_reply(reply_id):
    require_role("supervisor")
    payload = _form()
    if request.form.get("delete"):
        result = backend.call("DELETE", f"/canned-replies/{reply_id}")
        done_text = "Templat dihapus."
    else:
        result = backend.call("PUT", f"/canned-replies/{reply_id}", payload=payload)
        done_text = f"Templat “{payload['title']}” disimpan."
    if not result.ok:
        return _page(payload, result.errors, result.message, result.status, editing=reply_id)
    flash(done_text, "success")
    return redirect(url_for("staff.canned_replies"))
