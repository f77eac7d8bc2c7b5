""""Ambil" (take it myself) on the queue and the ticket page, and the queue's bulk actions:
set the priority, assign to a group or technician, or take several tickets at once. Each ticket
is its own API call: one refusal is reported next to its number and does not stop the rest."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for

from . import backend, bp
from .ticket import done
from .ticket_forms import assignment_shown
from .tickets import assign_target, groups

ACTIONS = {"priority": "Ubah prioritas", "assign": "Tugaskan", "take": "Ambil"}
MAX_TICKETS = 100
BULK_DIAGNOSIS = "Ditugaskan dari antrean (tindakan massal)."
LAGGING = ("Semua tindakan diterima, tetapi sebagian belum tampil di antrean; "
           "hasilnya muncul dalam beberapa detik.")


def my_groups() -> set[str]:
    """The level-2 groups the logged-in user is a member of: only they can "Ambil"."""
    return {group["code"] for group in groups() if g.staff.username in group["members"]}


def may_take(ticket: dict, member_of: set[str]) -> bool:
    return bool(member_of) and ticket.get("status") != "done" \
        and ticket.get("assignee") != g.staff.username \
        and backend.allowed("POST", f"/tickets/{ticket['number']}/take")


@bp.post("/tiket/<number>/ambil")
def take(number):
    if not backend.allowed("POST", f"/tickets/{number}/take"):
        abort(403)
    result = backend.call("POST", f"/tickets/{number}/take", payload={})
    if not result.ok:
        flash(f"{number}: {result.message}", "error")
        return redirect(request.referrer or url_for("staff.ticket", number=number))
    return done(number, f"Tiket {number} Anda ambil.", assignment_shown(result.body))


def _command(action: str, number: str, form) -> tuple[str, str, dict | None]:
    """(method, path, payload) of one ticket's part of the bulk action."""
    if action == "take":
        return "POST", f"/tickets/{number}/take", {}
    if action == "assign":
        return "POST", f"/tickets/{number}/assign", {
            **assign_target(form.get("assign_to", "")),
            "diagnosis": form.get("diagnosis", "").strip() or BULK_DIAGNOSIS,
            "reason": form.get("reason", "").strip() or BULK_DIAGNOSIS}
    priority = form.get("priority", "")
    return "PATCH", f"/tickets/{number}", {
        "priority": int(priority) if priority.isdigit() else priority or None,
        "priority_reason": form.get("reason", "").strip() or None}


def _shows(action: str, body, payload: dict):
    if action == "priority":
        return lambda t: t.get("priority") == payload["priority"]
    return assignment_shown(body)


@bp.post("/tiket/massal")
def bulk():
    """The queue's bulk form: every selected ticket gets the action; the queue then shows each
    ticket's outcome, after the owning services applied it (read-your-writes)."""
    form = request.form
    action = form.get("action", "")
    numbers = list(dict.fromkeys(n.strip() for n in form.getlist("numbers") if n.strip()))
    back = redirect(url_for("staff.tickets"))
    if action not in ACTIONS:
        flash("Pilih tindakan massal.", "error")
        return back
    if not numbers:
        flash("Pilih tiket lebih dulu (centang barisnya).", "error")
        return back
    if len(numbers) > MAX_TICKETS:
        flash(f"Paling banyak {MAX_TICKETS} tiket sekaligus.", "error")
        return back
    if action == "priority" and not form.get("reason", "").strip():
        flash("Tuliskan alasan mengubah prioritas.", "error")
        return back
    waits = []
    for number in numbers:
        method, path, payload = _command(action, number, form)
        result = backend.call(method, path, payload=payload)
        if result.ok:
            waits.append((number, _shows(action, result.body, payload)))
        else:
            detail = "; ".join(m for ms in result.errors.values() for m in ms)
            flash(f"{number}: ditolak. {result.message}{' ' + detail if detail else ''}",
                  "error")
    late = False
    for number, shows in waits:
        # one wait at most: once a ticket lags, the rest are not waited for one by one
        if shows is not None and not late:
            late = backend.ticket_showing(number, shows) is None
        flash(f"{number}: {ACTIONS[action]} berhasil.", "success")
    if late:
        flash(LAGGING, "info")
    return back
