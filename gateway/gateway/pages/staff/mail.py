"""Surel karantina: inbound mail the desk could not read, kept for the operators, with a
button that turns one into a ticket."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from . import backend, bp


@bp.get("/surel-karantina")
def mail_quarantine():
    result = backend.get("/mail/quarantine")
    return render_template("staff/mail_quarantine.html",
                           items=result.body if result.ok else [],
                           may_ticket=backend.allowed("POST", "/mail/quarantine/1/ticket"),
                           problem=None if result.ok else result.message)


@bp.post("/surel-karantina/<int:mail_id>/tiket")
def mail_quarantine_ticket(mail_id):
    result = backend.call("POST", f"/mail/quarantine/{mail_id}/ticket")
    if not result.ok:
        flash(result.message, "error")
        return redirect(url_for("staff.mail_quarantine"))
    flash(f"Tiket {result.body['number']} dibuat dari surel ini.", "success")
    return redirect(url_for("staff.ticket", number=result.body["number"]))
