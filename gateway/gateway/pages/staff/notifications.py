"""Pemberitahuan: what escalation tells each person (a ticket assigned to you, a solution
written back, a ticket returned, an SLA about to be missed), with "tandai dibaca", and which
kinds also come by e-mail."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from . import backend, bp, safe_next


def unread_count() -> int | None:
    """For the header: None when the service does not answer (the link still shows)."""
    body = backend.get_or_none("/notifications", unread="true", per_page=1)
    return body.get("total") if isinstance(body, dict) else None


@bp.get("/pemberitahuan")
def notifications():
    unread = request.args.get("semua") != "1"
    result = backend.get("/notifications", unread="true" if unread else None, per_page=100)
    preferences = backend.get_or_none("/notifications/preferences")
    return render_template("staff/notifications.html", items=result.items(), only_unread=unread,
                           problem=None if result.ok else result.message,
                           preferences=preferences if isinstance(preferences, dict) else None)


@bp.post("/pemberitahuan/email")
def notification_email():
    """The form lists every kind; a box left unticked turns that kind's e-mail off."""
    shown = request.form.getlist("kind")
    wanted = set(request.form.getlist("email"))
    result = backend.call("PUT", "/notifications/preferences",
                          payload={"email": {kind: kind in wanted for kind in shown}})
    flash("Pilihan e-mail pemberitahuan disimpan." if result.ok else result.message,
          "success" if result.ok else "error")
    return redirect(url_for("staff.notifications"))


@bp.post("/pemberitahuan/<int:notification_id>/dibaca")
def notification_read(notification_id):
    result = backend.call("POST", f"/notifications/{notification_id}/read")
    if not result.ok:
        flash(result.message, "error")
    return redirect(safe_next(request.form.get("next")) or url_for("staff.notifications"))


@bp.post("/pemberitahuan/dibaca-semua")
def notifications_read_all():
    result = backend.call("POST", "/notifications/read-all")
    flash("Semua pemberitahuan ditandai dibaca." if result.ok else result.message,
          "success" if result.ok else "error")
    return redirect(url_for("staff.notifications"))
