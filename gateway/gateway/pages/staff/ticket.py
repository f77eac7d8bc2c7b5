"""The ticket page ("Lihat") and what is done from it: reply or internal note, attachments,
hold and lift, resolve, close, reopen, knowledge "gunakan". Edit and Tugaskan: ticket_forms.py."""
from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from . import backend, bp, labels


def load_ticket(number: str) -> dict:
    result = backend.get(f"/tickets/{number}")
    if result.status in (403, 404):
        abort(404)
    if not result.ok:
        abort(result.status if result.status >= 500 else 400)
    return result.body


def permissions(ticket: dict) -> dict:
    """What the page offers: the API's role table, plus what only the ticket tells (a
    technician acts on the tickets assigned to him)."""
    n = ticket["number"]
    me = g.staff
    mine = ticket.get("assignee") == me.username
    done = ticket.get("status") == "done"
    return {
        "edit": backend.allowed("PATCH", f"/tickets/{n}"),
        "assign": backend.allowed("POST", f"/tickets/{n}/assign") and not done,
        "resolve": backend.allowed("POST", f"/tickets/{n}/resolve") and not done
        and (me.role != "technician" or mine)
        and (_open_escalation(ticket) is not None or (  # escalations lag behind assignee
            not ticket.get("escalations") and bool(ticket.get("assignee"))
            and not ticket.get("solution"))),
        "close": backend.allowed("POST", f"/tickets/{n}/close") and not done,
        "reopen": backend.allowed("POST", f"/tickets/{n}/reopen") and done,
        # a hold pauses a ticket being handled (it stays "Dalam Penanganan")
        "hold": backend.allowed("POST", f"/tickets/{n}/hold")
        and (ticket.get("status") == "in_progress" or bool(ticket.get("on_hold")))
        and (me.role != "technician" or mine),
        "reply": backend.allowed("POST", f"/tickets/{n}/replies"),
        "attach": backend.allowed("POST", f"/tickets/{n}/attachments"),
        "history": backend.allowed("GET", f"/tickets/{n}/history"),
        "sla": backend.allowed("GET", f"/tickets/{n}/sla/explain"),
        "suggest": backend.allowed("GET", "/kb/suggest"),
        # knowledge lets operators and supervisors mark a suggestion used (its MARKERS)
        "use": me.role in ("operator", "supervisor"),
        "take": _may_take(ticket),
        "to_article": done and backend.allowed("POST", "/kb/articles"),
    }


def _may_take(ticket: dict) -> bool:
    from .bulk import may_take, my_groups
    return may_take(ticket, my_groups())


def _open_escalation(ticket: dict) -> dict | None:
    for escalation in reversed(ticket.get("escalations") or []):
        if escalation.get("state", "open") == "open":
            return escalation
    return None


def suggestions(number: str) -> dict:
    """Knowledge's ranked articles and similar solved tickets, and which were marked used."""
    body = backend.get_or_none("/kb/suggest", ticket=number) or {}
    used = body.get("used") or []
    return {"articles": (body.get("articles") or [])[:5],
            "tickets": (body.get("tickets") or [])[:5],
            "used_articles": {u.get("article_id") for u in used if u.get("article_id")},
            "used_tickets": {u.get("similar_ticket") for u in used if u.get("similar_ticket")}}


def render_ticket(ticket: dict, *, form: str | None = None, errors: dict | None = None,
                  values: dict | None = None, problem: str | None = None, status: int = 200,
                  pending: bool = False):
    n = ticket["number"]
    can = permissions(ticket)
    canned = canned_replies(n) if can["reply"] else []
    history = backend.get_or_none(f"/tickets/{n}/history") if can["history"] else None
    if isinstance(history, dict):
        history = history.get("items", [])
    explain = backend.get_or_none(f"/tickets/{n}/sla/explain") if can["sla"] else None
    kb = suggestions(n) if can["suggest"] else {"articles": [], "tickets": [],
                                                "used_articles": set(), "used_tickets": set()}
    return render_template(
        "staff/ticket.html", t=ticket, can=can, badge=labels.sla_badge(ticket, explain=explain),
        history=history, explain=explain, kb=kb, escalation=_open_escalation(ticket),
        form=form, errors=errors or {}, values=values or {}, problem=problem,
        pending=pending, canned=canned, draft=draft(canned, kb)), status


def canned_replies(number: str) -> list[dict]:
    """The supervisor's reply templates, already filled in with this ticket's fields."""
    if not backend.allowed("GET", "/canned-replies"):
        return []
    body = backend.get_or_none("/canned-replies", ticket=number)
    return body if isinstance(body, list) else []


def draft(canned: list[dict], kb: dict) -> str:
    """What the reply form starts with: the canned reply picked (`?templat=`), or the solution
    of the article or similar ticket just used (`?gunakan=`, `?gunakan_tiket=`)."""
    args = request.args
    if args.get("templat"):
        return next((c.get("filled") or c.get("body") or "" for c in canned
                     if str(c.get("id")) == args["templat"]), "")
    if args.get("gunakan"):
        return next((a.get("solution") or "" for a in kb["articles"]
                     if str(a.get("id")) == args["gunakan"]), "")
    if args.get("gunakan_tiket"):
        return next((s.get("solution") or "" for s in kb["tickets"]
                     if s.get("number") == args["gunakan_tiket"]), "")
    return ""


@bp.get("/tiket/<number>")
def ticket(number):
    loaded = load_ticket(number)
    if loaded.get("unread_client_replies") and backend.allowed("POST", f"/tickets/{number}/read"):
        backend.call("POST", f"/tickets/{number}/read")  # opening it is reading the replies
    return render_ticket(loaded, pending=request.args.get("menunggu") == "1")


PENDING = ("Perubahan sudah diterima tetapi belum tampil di semua bagian tiket; halaman ini "
           "dimuat ulang sebentar lagi.")


def done(number: str, success: str, shows=None):
    """Back to the ticket, at its top where the message is, once the ticket shows what the
    action caused (`shows(ticket)`, when another service applies it): read-your-writes."""
    flash(success, "success")
    if shows is not None and backend.ticket_showing(number, shows) is None:
        flash(PENDING, "info")  # the page then loads itself once more (`menunggu`)
        return redirect(url_for("staff.ticket", number=number, menunggu=1))
    return redirect(url_for("staff.ticket", number=number))


def act(number: str, form_name: str, method: str, path: str, payload: dict | None,
        success: str, shows=None):
    """Call the API; on success back to the ticket with a message, otherwise the ticket page
    again with the service's messages next to this form's fields."""
    result = backend.call(method, path, payload=payload)
    if result.ok:
        return done(number, success, shows)
    return render_ticket(load_ticket(number), form=form_name, errors=result.errors,
                         values=request.form.to_dict(), problem=result.message,
                         status=result.status)


def text(name: str) -> str:
    return request.form.get(name, "").strip()


@bp.post("/tiket/<number>/balas")
def reply(number):
    internal = request.form.get("visibility") == "internal"
    return act(number, "balas", "POST", f"/tickets/{number}/replies",
               {"body": text("body"), "internal": internal},
               "Catatan internal disimpan." if internal else "Balasan dikirim ke klien.")


@bp.post("/tiket/<number>/tunda")
def hold(number):
    return act(number, "tunda", "POST", f"/tickets/{number}/hold",
               {"reason": request.form.get("reason", ""), "note": text("note")},
               "Tiket ditunda; jam penyelesaian SLA berhenti.")


@bp.post("/tiket/<number>/tunda/cabut")
def lift_hold(number):
    return act(number, "tunda", "DELETE", f"/tickets/{number}/hold", None,
               "Penundaan dicabut; jam penyelesaian SLA berjalan lagi.")


@bp.post("/tiket/<number>/selesaikan")
def resolve(number):
    payload = {"solution": text("solution")}
    if request.form.get("kb_article"):
        payload["kb_article"] = request.form["kb_article"]
    return act(number, "selesaikan", "POST", f"/tickets/{number}/resolve", payload,
               "Solusi dikirim; operator diberi tahu bahwa eskalasi selesai.",
               shows=lambda t: t.get("solution") == payload["solution"])


@bp.post("/tiket/<number>/kembalikan")
def return_to_level1(number):
    """The technician hands the ticket back (not his group's, or level 1 can solve it)."""
    return act(number, "selesaikan", "POST", f"/tickets/{number}/return",
               {"reason": text("reason")}, "Tiket dikembalikan ke operator (level 1).",
               shows=lambda t: _open_escalation(t) is None)


@bp.post("/tiket/<number>/tutup")
def close(number):
    payload = {"resolution": text("resolution")} if text("resolution") else {}
    return act(number, "tutup", "POST", f"/tickets/{number}/close", payload,
               "Tiket ditutup (Selesai); tautan survei dikirim ke klien.")


@bp.post("/tiket/<number>/buka-kembali")
def reopen(number):
    return act(number, "buka", "POST", f"/tickets/{number}/reopen", {"reason": text("reason")},
               "Tiket dibuka kembali (Dalam Penanganan).")


@bp.post("/tiket/<number>/gunakan/<article>")
def use_article(number, article):
    """"Gunakan": the article solved (or helps solve) this ticket; knowledge counts it."""
    return _use(number, f"/kb/articles/{article}/used", {"ticket": number},
                "Artikel dicatat sebagai solusi yang digunakan; solusinya ada di draf balasan.",
                gunakan=article)


@bp.post("/tiket/<number>/gunakan-tiket/<similar>")
def use_similar(number, similar):
    """A similar solved ticket's solution was used on this one."""
    return _use(number, f"/tickets/{number}/suggestions/used", {"similar_ticket": similar},
                f"Solusi tiket {similar} dicatat sebagai digunakan; solusinya ada di draf "
                "balasan.", gunakan_tiket=similar)


def _use(number: str, path: str, payload: dict, success: str, **draft_from):
    """Knowledge counts the use; the reply form then starts with the solution used."""
    result = backend.call("POST", path, payload=payload)
    if not result.ok:
        return render_ticket(load_ticket(number), form="saran", errors=result.errors,
                             problem=result.message, status=result.status)
    flash(success, "success")
    return redirect(url_for("staff.ticket", number=number, **draft_from, _anchor="balas"))


@bp.post("/tiket/<number>/jadikan-artikel")
def to_article(number):
    """A solved ticket becomes a draft article, prefilled, for the knowledge manager."""
    result = backend.call("POST", "/kb/articles/from-ticket", payload={"ticket": number})
    if result.ok:
        flash("Draf artikel dibuat dari tiket ini; lengkapi lalu simpan.", "success")
        return redirect(url_for("staff.article", article_id=result.body["id"]))
    return render_ticket(load_ticket(number), form="saran", errors=result.errors,
                         problem=result.message, status=result.status)


@bp.post("/tiket/<number>/lampiran")
def attach(number):
    files = [("file", (f.filename, f.read(), f.mimetype or "application/octet-stream"))
             for f in request.files.getlist("file") if f and f.filename]
    if not files:
        return render_ticket(load_ticket(number), form="lampiran",
                             errors={"file": ["Pilih berkas yang akan dilampirkan."]},
                             problem="Tidak ada berkas yang dipilih.", status=422)
    result = backend.call("POST", f"/tickets/{number}/attachments", files=files)
    if result.ok:
        flash(f"{len(files)} berkas dilampirkan.", "success")
        return redirect(url_for("staff.ticket", number=number) + "#lampiran")
    return render_ticket(load_ticket(number), form="lampiran", errors=result.errors,
                         problem=result.message, status=result.status)


@bp.get("/tiket/<number>/lampiran/<int:attachment>")
def attachment(number, attachment):
    result = backend.get(f"/tickets/{number}/attachments/{attachment}")
    if not result.ok:
        abort(404 if result.status in (403, 404) else result.status)
    mimetype = result.headers.get("Content-Type", "application/octet-stream")
    disposition = result.headers.get("Content-Disposition", "attachment")
    if not (mimetype.startswith("image/") and "svg" not in mimetype):
        # a client's file never runs in our origin: anything but a plain image downloads
        disposition = "attachment" + disposition[len("inline"):] \
            if disposition.startswith("inline") else disposition
    response = Response(result.raw, mimetype=mimetype)
    response.headers["Content-Disposition"] = disposition
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


from . import ticket_forms  # noqa: E402,F401  - Edit and Tugaskan
