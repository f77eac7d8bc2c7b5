"""Tiket > Semua Tiket (the list, its filters and sorting, the feed the page polls for new
tickets), Tiket Ditugaskan (the technician's queue) and Tambah Tiket Baru (FRM-002)."""
from __future__ import annotations

from datetime import datetime, time
from urllib.parse import urlencode

from flask import (
    current_app,
    g,
    get_template_attribute,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from . import backend, bp, labels, require_role

FILTERS = ("status", "priority", "type", "category", "service", "assignee", "group", "channel",
           "q", "created_from", "created_to", "sla_state")
SORTS = {"-created_at": "Terbaru dulu", "created_at": "Terlama dulu",
         "priority": "Prioritas tertinggi", "sla_due": "Tenggat SLA terdekat",
         "-updated_at": "Baru diperbarui"}
# the queue's columns, and the API's sort field of each that sorts
COLUMNS = (("number", "Nomor"), ("title", "Judul"), ("client", "Pelapor / Instansi"),
           ("status", "Status"), ("priority", "Prioritas"), ("category", "Kategori / Layanan"),
           ("sla_due", "SLA"), ("assignee", "Ditugaskan"), ("created_at", "Dibuat"))
SORTABLE = {name for name, _ in COLUMNS}
DEFAULT_SORT = "-created_at"
OPEN, ALL = "open", "all"  # the queue's own status choices besides the contract's
OPEN_STATUSES = "submitted,new,in_progress"
PER_PAGE = 25
SAVED_COOKIE = "antrean_{username}"
SAVED_DAYS = 365


def _day_bound(value: str, end: bool) -> str | None:
    """A date from the form as the start or end of that office day (WIB), for the API."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    moment = datetime.combine(day, time(23, 59, 59) if end else time(0, 0), tzinfo=labels.WIB)
    return moment.isoformat()


def list_query(args) -> dict:
    """The form's filters as the API's: open tickets unless another status (or all) is asked."""
    query = {name: args.get(name, "").strip() for name in FILTERS if args.get(name, "").strip()}
    status = query.pop("status", OPEN)
    if status != ALL:
        query["status"] = OPEN_STATUSES if status == OPEN else status
    for name, end in (("created_from", False), ("created_to", True)):
        if name in query:
            bound = _day_bound(query[name], end)
            if bound:
                query[name] = bound
            else:
                query.pop(name)
    return query


def queue_sort(args) -> str:
    sort = args.get("sort", DEFAULT_SORT)
    return sort if sort in SORTS or sort.lstrip("-") in SORTABLE else DEFAULT_SORT


def header_sort(column: str, current: str) -> str:
    """A column header's link: its field ascending, or descending if it is already so."""
    return f"-{column}" if current == column else column


def catalog() -> dict:
    return backend.get_or_none("/catalog") or {"types": [], "categories": []}


def category_names(tree: dict) -> list[str]:
    """Every category, also those a type offers alone without services (Akses, Lainnya)."""
    names = [c["name"] for c in tree.get("categories", [])]
    names += [c for t in tree.get("types", []) for c in t.get("categories", [])
              if c not in names]
    return list(dict.fromkeys(names))


def kategori_choices(tree: dict) -> list[tuple[str, str]]:
    """FRM-002's "Kategori Tiket": type and category in one choice ("Insiden - Jaringan")."""
    choices = [(f"{t['code']}|{c}", t["name"] if c == t["name"] else f"{t['name']} - {c}")
               for t in tree.get("types", []) for c in t.get("categories", [])]
    return choices or [(f"{t}|{c}", text) for t, c, text in labels.FORM_CATEGORIES]


def rows(items: list) -> list[tuple[dict, dict]]:
    return [(ticket, labels.sla_badge(ticket)) for ticket in items]


def _saved_cookie() -> str:
    return SAVED_COOKIE.format(username=g.staff.username)


def _remembered(args) -> str | None:
    """Each person's last filters and order come back on their next visit (a cookie of the
    browser, per username); `?reset=1` forgets them."""
    kept = {k: v for k, v in args.items(multi=False) if k in (*FILTERS, "sort") and v}
    return urlencode(kept) if kept else None


@bp.get("/tiket")
def tickets():
    if request.args.get("reset"):
        response = redirect(url_for("staff.tickets", status=OPEN))
        response.delete_cookie(_saved_cookie(), path=url_for("staff.tickets"))
        return response
    saved = request.cookies.get(_saved_cookie())
    if not request.args and saved:
        return redirect(url_for("staff.tickets") + "?" + saved)
    sort = queue_sort(request.args)
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    result = backend.get("/tickets", **list_query(request.args), sort=sort, page=page,
                         per_page=PER_PAGE)
    items = result.items()
    total = result.body.get("total", len(items)) if result.ok else 0
    form = {name: request.args.get(name, "") for name in FILTERS}
    form["status"] = form["status"] or OPEN
    feed = url_for("staff.ticket_feed", **{k: v for k, v in form.items() if v}) \
        if page == 1 and sort == DEFAULT_SORT else None
    response = make_response(render_template(
        "staff/tickets.html", rows=rows(items), total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)), form=form, sort=sort, sorts=SORTS,
        columns=COLUMNS, header_sort=header_sort, errors=result.errors,
        statuses=[(OPEN, "Terbuka (belum selesai)"), *labels.STATUS.items(), (ALL, "Semua")],
        problem=None if result.ok else result.message, feed=feed, catalog=(tree := catalog()),
        categories=category_names(tree), newest=items[0]["created_at"] if items else "",
        **bulk_context()))
    remembered = _remembered(request.args)
    if remembered and result.ok:
        response.set_cookie(_saved_cookie(), remembered, max_age=SAVED_DAYS * 86400,
                            path=url_for("staff.tickets"), httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def bulk_context() -> dict:
    from .bulk import ACTIONS, may_take

    all_groups = groups()
    member_of = {grp["code"] for grp in all_groups if g.staff.username in grp["members"]}
    actions = {k: v for k, v in ACTIONS.items() if k == "take" and member_of or k != "take"
               and backend.allowed("POST", "/tickets/x/assign")}
    return {"bulk_actions": actions, "bulk_groups": all_groups, "member_of": member_of,
            "may_take": may_take}


@bp.get("/tiket/terbaru.json")
def ticket_feed():
    """Tickets newer than `after` (the newest row the page shows), as ready table rows: the
    list's script polls this every few seconds and inserts them at the top."""
    after = labels.parse_time(request.args.get("after"))
    result = backend.get("/tickets", **list_query(request.args), page=1, per_page=50)
    if not result.ok:
        return jsonify({"rows": [], "error": result.message}), result.status
    row = get_template_attribute("staff/_ui.html", "ticket_row")
    fresh = [t for t in result.items()
             if after is None or (labels.parse_time(t.get("created_at")) or after) > after]
    return jsonify({"rows": [{"number": t["number"], "created_at": t.get("created_at"),
                              "html": str(row(t, labels.sla_badge(t)))} for t in fresh],
                    "total": result.body.get("total")})


@bp.get("/ditugaskan")
def assigned():
    """Tiket Ditugaskan: the open escalations of the logged-in technician (an operator may look
    at everyone's)."""
    everyone = request.args.get("semua") == "1" and g.staff.role != "technician"
    query = {"state": "open"} if everyone else {"assignee": "me", "state": "open"}
    result = backend.get("/escalations", **query, per_page=100)
    items = sorted(result.items(), key=lambda e: (e.get("priority") or 9,
                                                  e.get("due_at") or "~"))
    for item in items:
        item["badge"] = labels.sla_badge({"status": item.get("ticket_status"), "sla": {
            "state": item.get("sla_state"), "resolution_due_at": item.get("due_at"),
            "responded_at": "yes"}})
    return render_template("staff/assigned.html", items=items, everyone=everyone,
                           problem=None if result.ok else result.message)


def groups() -> list[dict]:
    """The level-2 groups with their members' usernames, whatever shape the list comes in."""
    body = backend.get_or_none("/groups") or []
    items = body.get("items", []) if isinstance(body, dict) else body
    out = []
    for group in items:
        code = group.get("code") or group.get("name")
        members = [m if isinstance(m, str) else m.get("username")
                   for m in group.get("members") or []]
        out.append({"code": code, "name": group.get("name") or code,
                    "members": [m for m in members if m],
                    "categories": group.get("categories") or []})
    return out


def assign_target(value: str) -> dict:
    """"network" -> the group (its least-loaded member is picked), "network/tech-network-1" ->
    that member; "" -> the category's default group."""
    group, _, assignee = value.partition("/")
    return {k: v for k, v in (("group", group), ("assignee", assignee)) if v}


def _new_ticket_form(values: dict, errors: dict, problem: str | None, status: int = 200):
    tree = catalog()
    return render_template("staff/new_ticket.html", values=values, errors=errors,
                           problem=problem, catalog=tree, kategori=kategori_choices(tree),
                           groups=groups()), status


@bp.route("/tiket/baru", methods=["GET", "POST"])
def new_ticket():
    """Tambah Tiket Baru: the recording form FRM-002, with the channel the report came by."""
    require_role("operator")
    if request.method == "GET":
        return _new_ticket_form({"channel": "phone"}, {}, None)
    form = request.form
    type_, _, category = form.get("kategori", "").partition("|")
    payload = {"title": form.get("title", "").strip(), "body": form.get("body", "").strip(),
               "type": type_ or None, "category": category or None,
               "service": form.get("service") or None, "channel": form.get("channel") or None,
               "client": form.get("client", "").strip() or None,
               "guest_email": form.get("guest_email", "").strip() or None,
               "contact_name": form.get("contact_name", "").strip() or None,
               "contact_phone": form.get("contact_phone", "").strip() or None,
               "agency": form.get("agency", "").strip() or None,
               "urgency": form.get("urgency") or None, "impact": form.get("impact") or None}
    payload = {k: v for k, v in payload.items() if v is not None}
    result = backend.call("POST", "/tickets", payload=payload)
    if not result.ok:
        errors = result.errors
        if "type" in errors or "category" in errors:
            errors["kategori"] = errors.pop("type", []) + errors.pop("category", [])
        return _new_ticket_form(form.to_dict(), errors, result.message, result.status)
    number = result.body["number"]
    follow_ups, escalation = _after_create(number, form)
    from .ticket import done  # here: ticket_forms imports this module
    from .ticket_forms import assignment_shown, priority_shown

    waits = [w for w in (priority_shown(payload, payload), assignment_shown(escalation)) if w]
    return done(number, f"Tiket {number} dibuat." + follow_ups,
                (lambda t: all(w(t) for w in waits)) if waits else None)


def _after_create(number: str, form) -> tuple[str, dict | None]:
    """FRM-002's other fields are other services' business: the internal note (Catatan Tiket),
    the attachments (Lampirkan File) and the assignee (Tugaskan User) follow the creation."""
    problems = []
    note = form.get("note", "").strip()
    if note and not backend.call("POST", f"/tickets/{number}/replies",
                                 payload={"body": note, "internal": True}).ok:
        problems.append("catatan tiket")
    files = [("file", (f.filename, f.read(), f.mimetype or "application/octet-stream"))
             for f in request.files.getlist("files") if f and f.filename]
    if files and not backend.call("POST", f"/tickets/{number}/attachments", files=files).ok:
        problems.append("lampiran")
    target, escalation = form.get("assign_to", ""), None
    if target:
        diagnosis = note or "Dicatat oleh operator dan langsung ditugaskan."
        assigned = backend.call("POST", f"/tickets/{number}/assign", payload={
            **assign_target(target), "diagnosis": diagnosis,
            "reason": "Ditugaskan saat pencatatan (FRM-002)."})
        if assigned.ok:
            escalation = assigned.body
        else:
            problems.append("penugasan")
    if problems:
        return (" Namun gagal menyimpan: " + ", ".join(problems) +
                ". Ulangi dari halaman tiket.", escalation)
    return "", escalation
