"""The ticket's Edit page (verify, recategorise, prioritise, status) and Tugaskan (the escalation
form FRM-006), as the SOP's steps 2, 6, 7, 8, 12 and 17 click them."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from . import backend, bp, labels
from .ticket import _open_escalation, done, load_ticket
from .tickets import assign_target, catalog, groups, kategori_choices

EDITABLE = ("title", "body", "type", "category", "service", "urgency", "impact")


def status_choices(current: str) -> list[tuple[str, str]]:
    """The current status and the moves DOMAIN.md allows from it; reopening has its own form
    (it needs a reason)."""
    moves = [m for m in labels.ALLOWED_MOVES.get(current, ()) if not (
        current == "done" and m == "in_progress")]
    return [(s, labels.STATUS[s] + (" (tidak berubah)" if s == current else ""))
            for s in [current, *moves] if s in labels.STATUS]


def matrix() -> dict:
    return backend.get_or_none("/priority-matrix") or {}


def computed_priority(table: dict, urgency, impact):
    try:
        return table[urgency][impact]
    except (KeyError, TypeError):
        return None


def _edit_page(t: dict, values: dict, errors: dict, problem: str | None, status: int = 200):
    table = matrix()
    return render_template(
        "staff/ticket_edit.html", t=t, values=values, errors=errors, problem=problem,
        catalog=(tree := catalog()), kategori=kategori_choices(tree), matrix=table,
        statuses=status_choices(t.get("status", "new")),
        computed=computed_priority(table, values.get("urgency"), values.get("impact"))), status


@bp.route("/tiket/<number>/edit", methods=["GET", "POST"])
def edit(number):
    t = load_ticket(number)
    if not backend.allowed("PATCH", f"/tickets/{number}"):
        abort(403)
    current = {name: t.get(name) or "" for name in EDITABLE}
    current.update(status=t.get("status"), priority="", priority_reason="",
                   kategori=f"{t.get('type') or ''}|{t.get('category') or ''}")
    if request.method == "GET":
        return _edit_page(t, current, {}, None)
    form = request.form
    values = {**current, **form.to_dict()}
    submitted = {name: form.get(name, "").strip() for name in EDITABLE if name in form}
    if "kategori" in form:
        type_, _, category = form["kategori"].partition("|")
        submitted.update(type=type_, category=category)
    payload = {name: value or None for name, value in submitted.items()
               if value != (current[name] or "")}
    override = form.get("priority", "")
    if override:
        payload["priority"] = int(override) if override.isdigit() else override
        payload["priority_reason"] = form.get("priority_reason", "").strip() or None
    wanted = form.get("status") or t.get("status")
    closing = wanted == "done" and t.get("status") != "done"
    if wanted != t.get("status") and not closing:
        payload["status"] = wanted
    if override and not payload.get("priority_reason"):
        return _edit_page(t, values, {"priority_reason": [
            "Tuliskan alasan mengubah prioritas dari hasil matriks."]},
            "Periksa kembali isian yang ditandai.", 422)
    if payload:
        result = backend.call("PATCH", f"/tickets/{number}", payload=payload)
        if not result.ok:
            errors = result.errors
            if "type" in errors or "category" in errors:
                errors["kategori"] = errors.pop("type", []) + errors.pop("category", [])
            return _edit_page(t, values, errors, result.message, result.status)
    shows = priority_shown(payload, values)
    if closing:
        result = backend.call("POST", f"/tickets/{number}/close",
                              payload={"resolution": form.get("resolution", "").strip()}
                              if form.get("resolution", "").strip() else {})
        if not result.ok:
            return _edit_page(load_ticket(number), values, result.errors, result.message,
                              result.status)
        return done(number, "Tiket ditutup (Selesai); tautan survei dikirim ke klien.", shows)
    if payload:
        return done(number, "Tiket diperbarui.", shows)
    flash("Tidak ada yang berubah.", "info")
    return redirect(url_for("staff.ticket", number=number))


def priority_shown(payload: dict, values: dict):
    """After a change of urgency, impact or the override, the priority triage will set (the
    override, else the matrix's): a test of the ticket for it, or None if nothing to wait for."""
    if not {"urgency", "impact", "priority"} & set(payload):
        return None
    expected = payload.get("priority") or computed_priority(
        matrix(), values.get("urgency"), values.get("impact"))
    if expected is None:
        return None
    return lambda t: t.get("priority") == expected


def assignment_shown(escalation: dict):
    """The ticket carries the escalation just made, and its assignee."""
    if not isinstance(escalation, dict) or escalation.get("id") is None:
        return None
    return lambda t: t.get("assignee") == escalation.get("assignee") and any(
        e.get("id") == escalation["id"] for e in t.get("escalations") or [])


@bp.route("/tiket/<number>/tugaskan", methods=["GET", "POST"])
def assign(number):
    t = load_ticket(number)
    if not backend.allowed("POST", f"/tickets/{number}/assign"):
        abort(403)
    open_escalation = _open_escalation(t)
    if request.method == "GET":
        return _assign_page(t, {}, {}, None, open_escalation)
    form = request.form
    payload = {**assign_target(form.get("assign_to", "")),
               "diagnosis": form.get("diagnosis", "").strip(),
               "reason": form.get("reason", "").strip()}
    path = f"/tickets/{number}/reassign" if open_escalation else f"/tickets/{number}/assign"
    result = backend.call("POST", path, payload=payload)
    if not result.ok:
        errors = result.errors
        for name in ("group", "assignee"):
            if name in errors:
                errors.setdefault("assign_to", []).extend(errors.pop(name))
        return _assign_page(t, form.to_dict(), errors, result.message, open_escalation,
                            result.status)
    who = result.body.get("assignee") if isinstance(result.body, dict) else None
    return done(number, f"Tiket ditugaskan{' ke ' + who if who else ''}.",
                assignment_shown(result.body))


def _assign_page(t, values, errors, problem, open_escalation, status: int = 200):
    all_groups = groups()
    default = next((g for g in all_groups if t.get("category") in g["categories"]), None)
    return render_template("staff/ticket_assign.html", t=t, values=values, errors=errors,
                           problem=problem, groups=all_groups, default=default,
                           open_escalation=open_escalation), status
