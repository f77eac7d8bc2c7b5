"""The staff console at /staf (issue 11): the SOP's screens for operators, technicians, the
knowledge manager, the supervisor and the admin. Server-rendered, Bahasa Indonesia, working
without JavaScript; a login form sets the session cookie that holds the gateway's access token,
and every action calls the public API's services as that user (backend.py)."""
from __future__ import annotations

import hmac

from flask import (
    Blueprint,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from servicedesk_common.errors import ApiError
from servicedesk_common.identity import STAFF

from ...security import CSRF_FIELD, csrf_token, session_user
from . import backend, labels

bp = Blueprint("staff", __name__, url_prefix="/staf")

PUBLIC_ENDPOINTS = ("staff.login",)
HOME = {"technician": "staff.assigned", "knowledge_manager": "staff.articles",
        "admin": "staff.admin_home"}


def safe_next(target: str | None) -> str | None:
    """Only a path inside the console: never an open redirect, never a header split by CR/LF."""
    if target and target.startswith("/staf") and not target.startswith("//") \
            and "\\" not in target and not any(ord(ch) < 0x20 or ord(ch) == 0x7f
                                                for ch in target):
        return target
    return None


def home_url(role: str) -> str:
    return url_for(HOME.get(role, "staff.tickets"))


@bp.record_once
def _configure(state):
    """The session cookie carries the login: signed with the gateway's secret, HttpOnly,
    SameSite=Lax (security.install_guards sets the same; this holds without it too)."""
    app = state.app
    app.secret_key = app.secret_key or app.extensions["servicedesk"].settings.session_key
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    for name, function in labels.FILTERS.items():
        app.jinja_env.filters[name] = function


@bp.before_request
def _gate():
    g.staff = None
    identity = session_user()  # not revoked, still active, and its role now (as the API's)
    if identity is not None and identity.role in STAFF:
        g.staff = identity
    if request.method == "POST":
        _check_csrf()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if g.staff is None:
        session.pop("staff_token", None)
        if request.accept_mimetypes.best == "application/json" or request.path.endswith(".json"):
            return jsonify({"error": {"code": "unauthorized", "message": "Log in again."}}), 401
        return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
    return None


def _check_csrf() -> None:
    """security.py checks every page POST already; checked here too, so the console never
    depends on the order the guards were installed in."""
    expected, sent = session.get("csrf"), request.form.get(CSRF_FIELD, "")
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        abort(400)


def require_role(*roles: str) -> None:
    if getattr(g, "staff", None) is None or g.staff.role not in roles:
        abort(403)


@bp.context_processor
def _context():
    return {"me": getattr(g, "staff", None), "can": backend.allowed, "L": labels,
            "csrf_field": CSRF_FIELD, "staff_csrf": csrf_token, "nav": navigation(),
            "unread": unread_notifications}


def unread_notifications() -> int | None:
    from .notifications import unread_count
    return unread_count() if getattr(g, "staff", None) is not None else None


def navigation() -> list[tuple[str, list[tuple[str, str]]]]:
    """The menu: the SOP's "Tiket" with its submenus, then each role's own screens, shown to
    those the API lets use them."""
    if getattr(g, "staff", None) is None:
        return []
    role = g.staff.role
    ticket_menu = [("Semua Tiket", url_for("staff.tickets"))]
    if backend.allowed("GET", "/escalations"):
        ticket_menu.append(("Tiket Ditugaskan", url_for("staff.assigned")))
    if role == "operator":
        ticket_menu.append(("Tambah Tiket Baru", url_for("staff.new_ticket")))
    if backend.allowed("GET", "/mail/quarantine"):
        ticket_menu.append(("Surel Karantina", url_for("staff.mail_quarantine")))
    menu = [("Tiket", ticket_menu),
            ("Pengetahuan", [("Artikel", url_for("staff.articles"))])]
    if role == "supervisor":
        menu.append(("Laporan", [("Survei Kepuasan", url_for("staff.surveys")),
                                 ("Dasbor KPI", url_for("dashboard.index"))]))
    if role == "admin":
        menu.append(("Laporan", [("Dasbor KPI", url_for("dashboard.index"))]))
        menu.append(("Admin", [("Pengguna", url_for("staff.admin_users")),
                               ("Grup & Rute", url_for("staff.admin_groups")),
                               ("Katalog", url_for("staff.admin_catalog")),
                               ("Matriks Prioritas", url_for("staff.admin_matrix")),
                               ("Kalender & SLA", url_for("staff.admin_sla")),
                               ("Kelompok Pengguna Survei",
                                url_for("staff.admin_user_groups"))]))
    return menu


ERROR_TEXT = {403: ("Tidak diizinkan", "Peran Anda tidak diizinkan membuka atau melakukan ini."),
              404: ("Tidak ditemukan", "Tiket, artikel atau halaman ini tidak ada.")}


@bp.errorhandler(ApiError)
@bp.errorhandler(HTTPException)
def _console_error(exc):
    """Errors inside the console keep the console's menu (the public pages have their own)."""
    status = getattr(exc, "status", None) or getattr(exc, "code", None) or 500
    from .. import ERROR_TEXT as PAGE_TEXT  # the public pages' wording for the rest

    title, text = ERROR_TEXT.get(status) or PAGE_TEXT.get(status) or PAGE_TEXT[
        500 if status >= 500 else 400]
    if not hasattr(g, "staff"):
        g.staff = None
    return render_template("staff/error.html", title=title, message=text,
                           status=status), status


@bp.get("")
@bp.get("/")
def index():
    return redirect(home_url(g.staff.role))


from . import (  # noqa: E402,F401  - the views register themselves on bp
    admin,
    knowledge,
    mail,
    notifications,
    session_views,
    supervisor,
    ticket,
    tickets,
)
