"""The client's pages: `/` the ticket form, `/lacak` tracking (issue 8 fills these in)."""
from flask import Blueprint, render_template

bp = Blueprint("client_pages", __name__)


@bp.get("/")
def ticket_form():
    return render_template("client/form.html")
