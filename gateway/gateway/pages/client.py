"""The client's pages: `/` the ticket form, `/terkirim` its receipt, `/lacak` tracking with
public replies and a reply form. They post to the gateway itself, which calls the services as
a guest (pages/common.py)."""
from __future__ import annotations

import logging
import re

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from servicedesk_common.errors import Unavailable

from . import ticket_form
from .common import api, error_details, path, upload

log = logging.getLogger(__name__)
bp = Blueprint("client_pages", __name__)

NUMBER = re.compile(r"^[A-Za-z]{3}-\d{4}-\d{1,9}$")
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{8,128}$")
MAX_REPLY = 20000


def load_choices() -> ticket_form.Choices:
    status, catalog = api("GET", "/api/v1/catalog")
    if status != 200:
        raise Unavailable("The catalog is not available.")
    return ticket_form.choices_from_catalog(catalog)


@bp.get("/")
def ticket_form_page():
    return render_template("client/form.html", choices=load_choices(),
                           values={"type": "incident"}, errors={})


@bp.post("/")
def submit_ticket():
    choices = load_choices()
    values = ticket_form.clean(request.form)
    files = [f for f in request.files.getlist("attachments") if f and f.filename]
    errors = ticket_form.check(values, choices)
    answer = 422
    if not errors:
        try:
            status, body = api("POST", "/api/v1/tickets",
                               payload=ticket_form.ticket_payload(values))
        except Unavailable:  # keep what the client typed; they can send it again
            status, body = 503, {}
        if status == 201:
            session["sent"] = {"number": body["number"], "token": body["tracking_token"],
                               "attachments": attach(body["number"], body["tracking_token"],
                                                     files)}
            return redirect(url_for("client_pages.ticket_sent"), code=303)
        log.info("event=ticket_form_refused status=%s", status)
        if status == 422:
            errors = ticket_form.errors_from_api(error_details(body))
        else:
            errors = {"_form": ["Tiket belum dapat dikirim. Coba lagi beberapa saat lagi."]}
            answer = 503 if status >= 500 else 400
    if files:
        errors.setdefault("attachments", []).append("Pilih ulang lampiran Anda.")
    return render_template("client/form.html", choices=choices, values=values,
                           errors=errors), answer


def attach(number: str, token: str, files: list) -> dict:
    """Send the form's files to the new ticket; the ticket stands whatever happens here."""
    if not files:
        return {"sent": 0, "problem": None}
    try:
        status, _ = upload(path("/api/v1/tickets/{}/attachments", number), files,
                           query={"token": token})
    except Unavailable:
        status = 503
    if 200 <= status < 300:
        return {"sent": len(files), "problem": None}
    log.warning("event=form_attachments_refused ticket=%s status=%s", number, status)
    problem = {413: "Lampiran terlalu besar sehingga tidak ikut terkirim.",
               415: "Jenis berkas lampiran tidak diterima sehingga tidak ikut terkirim."}.get(
        status, "Lampiran belum dapat diterima saat ini sehingga tidak ikut terkirim.")
    return {"sent": 0, "problem": problem + " Sebutkan hal ini dalam balasan di halaman "
                                            "pelacakan."}


@bp.get("/terkirim")
def ticket_sent():
    sent = session.get("sent")
    if not sent:
        return redirect(url_for("client_pages.ticket_form_page"))
    link = url_for("client_pages.track", number=sent["number"], token=sent["token"])
    return render_template("client/sent.html", sent=sent, link=link,
                           full_link=request.host_url.rstrip("/") + link)


@bp.get("/lacak")
def track():
    number = (request.args.get("number") or "").strip().upper()
    token = (request.args.get("token") or "").strip()
    if not number and not token:
        return render_template("client/track.html", number="", token="", errors={})
    errors = lookup_errors(number, token)
    if errors:
        return render_template("client/track.html", number=number, token=token,
                               errors=errors), 422
    return show_ticket(number, token)


def lookup_errors(number: str, token: str) -> dict:
    errors = {}
    if not NUMBER.match(number):
        errors["number"] = ["Masukkan nomor tiket, misalnya INC-2026-000042."]
    if not TOKEN.match(token):
        errors["token"] = ["Masukkan kode pelacakan dari email atau halaman bukti laporan."]
    return errors


def show_ticket(number: str, token: str, *, reply: str = "", reply_errors=None):
    status, ticket = api("GET", path("/api/v1/track/{}", number), query={"token": token})
    if status != 200:
        log.info("event=track_lookup_failed status=%s", status)
        errors = {"_form": ["Tiket tidak ditemukan. Periksa nomor tiket dan kode pelacakan."]}
        return render_template("client/track.html", number=number, token=token,
                               errors=errors), 404
    return render_template("client/track.html", number=number, token=token, ticket=ticket,
                           errors=reply_errors or {}, reply=reply), 422 if reply_errors else 200


@bp.post("/lacak/balas")
def track_reply():
    number = (request.form.get("number") or "").strip().upper()
    token = (request.form.get("token") or "").strip()
    body = (request.form.get("body") or "").strip()
    if lookup_errors(number, token):
        return render_template("client/track.html", number=number, token=token,
                               errors=lookup_errors(number, token)), 422
    if not body or len(body) > MAX_REPLY:
        message = "Tulis balasan Anda." if not body else \
            f"Balasan paling banyak {MAX_REPLY} karakter."
        return show_ticket(number, token, reply=body, reply_errors={"body": [message]})
    status, _ = api("POST", path("/api/v1/track/{}/replies", number),
                         query={"token": token}, payload={"body": body})
    if 200 <= status < 300:
        flash("Balasan Anda sudah terkirim.", "success")
        return redirect(url_for("client_pages.track", number=number, token=token), code=303)
    message = {404: "Tiket tidak ditemukan atau kode pelacakan salah.",
               409: "Tiket ini tidak menerima balasan lagi."}.get(
        status, "Balasan belum dapat dikirim. Coba lagi beberapa saat lagi.")
    if status == 422:
        message = "Balasan tidak dapat diterima; periksa isinya."
    return show_ticket(number, token, reply=body, reply_errors={"body": [message]})
