"""Admin: users, the priority matrix, SLA policies and calendars. Groups, routing and the
catalog: admin_catalog.py. Each form is one API call; the service's messages come back to it."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from servicedesk_common.identity import ROLES

from . import backend, bp, labels, require_role

LEVELS = ("high", "medium", "low")


def admin_only() -> None:
    require_role("admin")


def done(result, success: str, endpoint: str, **values):
    """Back to the screen: the success, or the service's message and field errors."""
    if result.ok:
        flash(success, "success")
    else:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in result.errors.items())
        flash(f"{result.message} {details}".strip(), "error")
    return redirect(url_for(endpoint, **values))


@bp.get("/admin")
def admin_home():
    admin_only()
    return render_template("staff/admin_home.html")


@bp.get("/admin/pengguna")
def admin_users():
    admin_only()
    role = request.args.get("role") or None
    result = backend.get("/users", role=role, per_page=200)
    return render_template("staff/admin_users.html", users=result.items(), role=role,
                           roles=[(r, labels.ROLE[r]) for r in ROLES],
                           groups=list(labels.GROUP.items()), values={}, errors={},
                           problem=None if result.ok else result.message)


@bp.post("/admin/pengguna")
def admin_create_user():
    admin_only()
    form = request.form
    payload = {"username": form.get("username", "").strip(), "password": form.get("password", ""),
               "role": form.get("role", ""), "group": form.get("group") or None,
               "name": form.get("name", "").strip() or None,
               "email": form.get("email", "").strip() or None}
    result = backend.call("POST", "/users", payload=payload)
    if result.ok:
        flash(f"Pengguna {payload['username']} dibuat.", "success")
        return redirect(url_for("staff.admin_users"))
    listing = backend.get("/users", per_page=200)
    return render_template("staff/admin_users.html", users=listing.items(), role=None,
                           roles=[(r, labels.ROLE[r]) for r in ROLES],
                           groups=list(labels.GROUP.items()), values=form.to_dict(),
                           errors=result.errors, problem=result.message), result.status


@bp.post("/admin/pengguna/<username>")
def admin_update_user(username):
    admin_only()
    form = request.form
    payload = {"role": form.get("role"), "group": form.get("group") or None,
               "active": form.get("active") == "1"}
    if form.get("password"):
        payload["password"] = form["password"]
    result = backend.call("PATCH", f"/users/{username}", payload=payload)
    return done(result, f"Pengguna {username} diperbarui.", "staff.admin_users")


@bp.route("/admin/matriks", methods=["GET", "POST"])
def admin_matrix():
    """The priority matrix (urgency x impact) as nine choices."""
    admin_only()
    errors, problem, status = {}, None, 200
    if request.method == "POST":
        matrix = {u: {i: int(request.form.get(f"{u}.{i}", "0") or 0) for i in LEVELS}
                  for u in LEVELS}
        result = backend.call("PUT", "/priority-matrix", payload=matrix)
        if result.ok:
            flash("Matriks prioritas disimpan; berlaku untuk penetapan prioritas berikutnya.",
                  "success")
            return redirect(url_for("staff.admin_matrix"))
        errors, problem, status = result.errors, result.message, result.status
    matrix = backend.get_or_none("/priority-matrix") or {}
    if request.method == "POST":
        matrix = {u: {i: request.form.get(f"{u}.{i}") for i in LEVELS} for u in LEVELS}
    return render_template("staff/admin_matrix.html", matrix=matrix, levels=LEVELS,
                           errors=errors, problem=problem), status


@bp.route("/admin/kelompok-pengguna", methods=["GET", "POST"])
def admin_user_groups():
    """The survey form's user groups (Kelompok Pengguna): code and label per row, in order;
    a row left empty is dropped, three empty rows add new ones."""
    admin_only()
    if request.method == "GET":
        rows = backend.get_or_none("/surveys/user-groups") or []
        return render_template("staff/admin_user_groups.html", rows=rows + [
            {"value": "", "label": ""}] * 3, errors={}, problem=None)
    rows = _user_group_rows(request.form)
    filled = [n for n, row in enumerate(rows) if row["value"] or row["label"]]
    result = backend.call("PUT", "/surveys/user-groups",
                          payload={"groups": [rows[n] for n in filled]})
    if result.ok:
        flash("Kelompok pengguna disimpan; berlaku untuk survei yang diisi berikutnya.",
              "success")
        return redirect(url_for("staff.admin_user_groups"))
    errors = {_form_row(key, filled): messages for key, messages in result.errors.items()}
    return render_template("staff/admin_user_groups.html", rows=rows, errors=errors,
                           problem=result.message), result.status


def _user_group_rows(form) -> list[dict]:
    count = min(form.get("rows", default=0, type=int), 100)
    return [{"value": form.get(f"value_{n}", "").strip(),
             "label": form.get(f"label_{n}", "").strip()} for n in range(count)]


def _form_row(key: str, filled: list[int]) -> str:
    """The service numbers the rows it was sent ("groups.1.value"); the form shows them all."""
    parts = key.split(".")
    if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(filled):
        parts[1] = str(filled[int(parts[1])])
    return ".".join(parts)


@bp.get("/admin/sla")
def admin_sla():
    admin_only()
    policies = backend.get("/sla/policies", per_page=200)
    calendars = backend.get_or_none("/sla/calendars") or {}
    calendars = calendars.get("items", []) if isinstance(calendars, dict) else calendars
    return render_template("staff/admin_sla.html", policies=policies.items(),
                           calendars=calendars,
                           problem=None if policies.ok else policies.message)


@bp.post("/admin/sla/kebijakan/<int:priority>")
def admin_policy(priority):
    admin_only()
    form = request.form
    try:
        payload = {"response_minutes": float(form.get("response_minutes", "")),
                   "resolution_minutes": float(form.get("resolution_minutes", "")),
                   "calendar": form.get("calendar", "")}
    except ValueError:
        flash("Isi target dalam menit (angka).", "error")
        return redirect(url_for("staff.admin_sla"))
    result = backend.call("PUT", f"/sla/policies/{priority}", payload=payload)
    return done(result, f"Kebijakan SLA prioritas {priority} disimpan.", "staff.admin_sla")


@bp.post("/admin/sla/kalender/<name>/libur")
def admin_closed_date(name):
    admin_only()
    payload = {"date": request.form.get("date", ""),
               "reason": request.form.get("reason", "").strip() or None}
    result = backend.call("POST", f"/sla/calendars/{name}/closed-dates", payload=payload)
    return done(result, f"Hari libur {payload['date']} ditambahkan ke kalender {name}.",
                "staff.admin_sla")


@bp.post("/admin/sla/kalender/<name>/libur/<day>/hapus")
def admin_remove_closed_date(name, day):
    admin_only()
    result = backend.call("DELETE", f"/sla/calendars/{name}/closed-dates/{day}")
    return done(result, f"Hari libur {day} dihapus dari kalender {name}.", "staff.admin_sla")


from . import admin_catalog  # noqa: E402,F401  - groups, routing, catalog
