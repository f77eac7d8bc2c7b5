"""Knowledge manager's screens (filled in below the operator's path)."""
from flask import render_template

from . import bp


@bp.get("/pengetahuan")
def articles():
    return render_template("staff/placeholder.html", title="Artikel")
