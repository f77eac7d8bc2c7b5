"""Supervisor's screens."""
from flask import render_template

from . import bp


@bp.get("/survei")
def surveys():
    return render_template("staff/placeholder.html", title="Survei")


@bp.get("/kpi")
def kpi():
    return render_template("staff/placeholder.html", title="KPI")
