"""Admin: level-2 groups with their members and the categories they take by default (routing),
and the service catalog (add, move, retire a service)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from . import backend, bp
from .admin import admin_only, done
from .tickets import catalog, category_names, groups

NOT_IN_CATALOG = "Pilih kategori dari katalog; kategori baru tidak dibuat dari sini."


@bp.get("/admin/grup")
def admin_groups():
    admin_only()
    return render_template("staff/admin_groups.html", groups=groups(),
                           categories=category_names(catalog()))


@bp.post("/admin/grup/<code>/anggota")
def admin_add_member(code):
    admin_only()
    username = request.form.get("username", "").strip()
    result = backend.call("POST", f"/groups/{code}/members", payload={"username": username})
    return done(result, f"{username} ditambahkan ke grup {code}.", "staff.admin_groups")


@bp.post("/admin/grup/<code>/anggota/<username>/hapus")
def admin_remove_member(code, username):
    admin_only()
    result = backend.call("DELETE", f"/groups/{code}/members/{username}")
    return done(result, f"{username} dikeluarkan dari grup {code}.", "staff.admin_groups")


@bp.post("/admin/grup/<code>/kategori")
def admin_group_categories(code):
    admin_only()
    chosen = request.form.getlist("categories")
    result = backend.call("PUT", f"/groups/{code}/categories", payload={"categories": chosen})
    return done(result, f"Rute kategori grup {code} disimpan.", "staff.admin_groups")


@bp.post("/admin/grup")
def admin_create_group():
    admin_only()
    payload = {"code": request.form.get("code", "").strip(),
               "name": request.form.get("name", "").strip(),
               "description": request.form.get("description", "").strip() or None}
    result = backend.call("POST", "/groups", payload=payload)
    return done(result, f"Grup {payload['code']} dibuat.", "staff.admin_groups")


@bp.get("/admin/katalog")
def admin_catalog():
    admin_only()
    tree = catalog()
    return render_template("staff/admin_catalog.html", catalog=tree,
                           categories=[(name, name) for name in category_names(tree)])


def _unknown_category(category: str | None) -> bool:
    """Admins choose a category of the catalog: a typo must not start a new one."""
    return category is not None and category not in category_names(catalog())


@bp.post("/admin/katalog/layanan")
def admin_add_service():
    admin_only()
    payload = {name: request.form.get(name, "").strip() for name in ("category", "detail",
                                                                      "name")}
    if _unknown_category(payload["category"]):
        flash(NOT_IN_CATALOG, "error")
        return redirect(url_for("staff.admin_catalog"))
    result = backend.call("POST", "/catalog/services", payload=payload)
    return done(result, f"Layanan {payload['name']} ditambahkan.", "staff.admin_catalog")


@bp.post("/admin/katalog/layanan/<code>")
def admin_move_service(code):
    admin_only()
    payload = {name: request.form.get(name, "").strip() for name in ("category", "detail")
               if request.form.get(name, "").strip()}
    if request.form.get("retire"):
        result = backend.call("PATCH", f"/catalog/services/{code}", payload={"active": False})
        return done(result, "Layanan dinonaktifkan.", "staff.admin_catalog")
    if _unknown_category(payload.get("category")):
        flash(NOT_IN_CATALOG, "error")
        return redirect(url_for("staff.admin_catalog"))
    result = backend.call("PATCH", f"/catalog/services/{code}", payload=payload)
    return done(result, "Layanan dipindahkan.", "staff.admin_catalog")
