"""Admin screens."""
from flask import render_template

from . import bp


@bp.get("/admin")
def admin_home():
    return render_template("staff/placeholder.html", title="Admin")


@bp.get("/admin/pengguna")
def admin_users():
    return render_template("staff/placeholder.html", title="Pengguna")


@bp.get("/admin/grup")
def admin_groups():
    return render_template("staff/placeholder.html", title="Grup")


@bp.get("/admin/katalog")
def admin_catalog():
    return render_template("staff/placeholder.html", title="Katalog")


@bp.get("/admin/matriks")
def admin_matrix():
    return render_template("staff/placeholder.html", title="Matriks")


@bp.get("/admin/sla")
def admin_sla():
    return render_template("staff/placeholder.html", title="SLA")
