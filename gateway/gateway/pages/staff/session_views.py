"""Staff login (/staf/masuk) and logout: gateway.auth checks the password and issues the access
token; the session cookie keeps it."""
from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for

from servicedesk_common.errors import Unauthorized, Unavailable
from servicedesk_common.identity import STAFF
from servicedesk_common.schemas import has_control_chars
from servicedesk_common.web import runtime

from ... import auth
from . import bp, home_url, safe_next


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if g.staff is not None:
            return redirect(next_url or home_url(g.staff.role))
        return render_template("staff/login.html", next_url=next_url, error=None, username="")
    from ...api import unit_of_work  # the API's own unit of work (imported late: api imports us)

    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    error, status = None, 200
    if not username or not password:
        error, status = "Isi nama pengguna dan kata sandi.", 422
    elif has_control_chars(username):  # no account has one; the database refuses NUL
        error, status = "Nama pengguna atau kata sandi salah.", 401
    elif not runtime().limiter.allow("login", request.remote_addr or "?"):
        error, status = "Terlalu banyak percobaan masuk; tunggu sebentar.", 429
    else:
        try:
            with unit_of_work() as uow:
                user = auth.login(username, password, uow=uow,
                                  throttle=runtime().login_throttle,
                                  source=request.remote_addr or "?",
                                  directory=runtime().directory)
                token = auth.issue_token(user, runtime().settings.token_key)
                role = user.role
        except auth.LoginThrottled as exc:
            status = 429
            error = (f"Terlalu banyak percobaan masuk yang gagal; tunggu {exc.retry_after} "
                     "detik lalu coba lagi.")
        except Unauthorized:
            status, error = 401, "Nama pengguna atau kata sandi salah."
        except auth.NotInDesk:
            status, error = 403, ("Akun direktori Anda tidak termasuk grup service desk mana "
                                  "pun; hubungi administrator.")
        except Unavailable:
            status, error = 503, ("Direktori kantor sedang tidak menjawab; coba lagi nanti "
                                  "atau masuk dengan akun lokal.")
        else:
            if role not in STAFF:
                error, status = ("Akun ini bukan akun staf. Klien melapor dan melacak tiket "
                                 "melalui halaman depan."), 403
            else:
                session.clear()  # a fresh session (and CSRF token) for the logged-in user
                session["staff_token"] = token
                return redirect(next_url or home_url(role))
    return render_template("staff/login.html", next_url=next_url, error=error,
                           username=username), status


@bp.post("/keluar")
def logout():
    """Ends every session of the account (a copy of this cookie stops working too)."""
    from ...api import end_sessions

    if g.staff is not None:
        end_sessions(g.staff.username)
    session.clear()
    return redirect(url_for("staff.login"))
