"""The Kepala Seksi's screens: survey results and their evaluation (Major / Non Major, target
quarter, approval), the follow-ups of low scores, and the KPI dashboard."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from . import backend, bp, require_role

SURVEY_STATES = {"answered": "Sudah dijawab", "open": "Menunggu jawaban",
                 "expired": "Kedaluwarsa", "all": "Semua"}


def period_args() -> dict:
    """`from` and `to` as dates (WIB office days, `to` included), this month by default."""
    today = date.today()
    start = request.args.get("from") or today.replace(day=1).isoformat()
    end = request.args.get("to") or today.isoformat()
    return {"from": start, "to": end}


@bp.get("/survei")
def surveys():
    require_role("supervisor")
    period = period_args()
    state = request.args.get("state", "answered")
    follow_up = request.args.get("follow_up", "")
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    listing = backend.get("/surveys", **period, state=state if state in SURVEY_STATES else
                          "answered", follow_up=follow_up or None, page=page, per_page=50)
    summary = backend.get("/surveys/summary", **period,
                          period=request.args.get("group_by", "month"))
    return render_template(
        "staff/surveys.html", items=listing.items(), total=listing.body.get("total", 0)
        if listing.ok else 0, page=page, period=period, state=state, follow_up=follow_up,
        states=SURVEY_STATES, summary=summary.body if summary.ok else None,
        errors={**summary.errors, **listing.errors},
        problem=None if listing.ok else listing.message)


@bp.post("/survei/<int:survey_id>/evaluasi")
def evaluate(survey_id):
    require_role("supervisor")
    form = request.form
    payload = {"severity": form.get("severity") or None, "note": form.get("note", "").strip()}
    if form.get("target_quarter", "").isdigit():
        payload["target_quarter"] = int(form["target_quarter"])
    if form.get("approved") in ("yes", "no"):
        payload["approved"] = form["approved"] == "yes"
    payload = {k: v for k, v in payload.items() if v is not None}
    result = backend.call("PATCH", f"/surveys/{survey_id}/evaluation", payload=payload)
    back = request.form.get("back") or url_for("staff.surveys")
    if not back.startswith("/staf/"):
        back = url_for("staff.surveys")
    if result.ok:
        flash(f"Evaluasi survei tiket {result.body.get('number', '')} disimpan.", "success")
    else:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in result.errors.items())
        flash(f"{result.message} {details}".strip(), "error")
    return redirect(back + f"#survei-{survey_id}")


@bp.get("/kpi")
def kpi():
    """The KPI dashboard lives at /dasbor (issue 10, behind this console's login)."""
    require_role("supervisor", "admin")
    return redirect(url_for("dashboard.index"))
