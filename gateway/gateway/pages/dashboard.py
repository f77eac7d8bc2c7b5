"""/dasbor: the supervisor's KPI dashboard (Bahasa Indonesia): the SOP's indicators for a month
and the month before, tickets per day by priority, SLA met per priority and satisfaction per
question as SVG drawn on the server (no script), and the month as CSV.

Login is the staff console's: the session cookie that /staf/masuk sets (session["staff_token"],
read and re-checked the way the console's gate does); supervisors and admins only."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from servicedesk_common.identity import ADMIN, SUPERVISOR

from ..reports import build, charts, csv_response, period
from ..security import CSRF_FIELD, csrf_token, session_user
from .labels import MONTHS
from .staff import backend, navigation
from .staff import labels as staff_labels

bp = Blueprint("dashboard", __name__, url_prefix="/dasbor")

REASON_TEXT = {
    "unavailable": "Layanan {service} sedang tidak menjawab.",
    "not_available": "Layanan {service} belum menyediakan data ini.",
    "forbidden": "Peran Anda tidak dapat melihat data dari layanan {service}.",
    "error": "Data dari layanan {service} tidak dapat dibaca.",
}
AREAS = {"recording": "Pencatatan", "categorisation": "Kategorisasi",
         "prioritisation": "Prioritas", "initial_diagnosis": "Diagnosis Awal",
         "escalation": "Eskalasi", "investigation": "Investigasi", "resolution": "Resolusi",
         "closure": "Penutupan"}


def logged_in():
    """The console's login, if any: its token from the session, the account still active and
    its role as it is now."""
    return session_user()


@bp.before_request
def _gate():
    g.staff = logged_in()
    if g.staff is None:
        session.pop("staff_token", None)
        # The console's login goes back to its own paths only; its /staf/kpi leads here.
        return redirect(url_for("staff.login", next=url_for("staff.kpi")))
    if g.staff.role not in (SUPERVISOR, ADMIN):
        abort(403)
    return None


@bp.context_processor
def _context():
    return {"me": g.staff, "nav": navigation(), "can": backend.allowed, "L": staff_labels,
            "csrf_field": CSRF_FIELD, "staff_csrf": csrf_token, "areas": AREAS,
            "shown": shown, "note_text": note_text, "month_name": month_name,
            "split_of": split_of}


def chosen_month() -> period.Period:
    """?bulan=2026-05, else this month (WIB); a wrong value falls back to this month."""
    today = datetime.now(UTC).astimezone(period.OFFICE).date()
    try:
        year, number = (int(part) for part in request.args.get("bulan", "").split("-"))
        return period.month(year, number)
    except ValueError:
        return period.month(today.year, today.month)


def month_name(span: period.Period) -> str:
    return f"{MONTHS[span.first_day.month - 1]} {span.first_day.year}"


def shown(item: dict) -> str:
    """An indicator's value as the office writes it."""
    value = item.get("value")
    if value is None:
        return "—"
    if item["unit"] == "share":
        return charts.percent(value)
    if item["unit"] == "seconds":
        return duration(value)
    if item["unit"] == "score":
        return charts.decimal(value)
    return str(value)


def split_of(item: dict, split: str, key: str) -> dict:
    """One split of an indicator, shown like the indicator (no tickets: no value, 0 of 0)."""
    part = (item.get(f"by_{split}") or {}).get(key) or {"value": None, "numerator": 0,
                                                         "denominator": 0}
    return {**item, **part}


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [(days, "hari"), (hours, "jam"), (minutes, "menit"), (rest, "detik")]
    return " ".join(f"{n} {unit}" for n, unit in parts if n) or "0 detik"


def note_text(report: dict, item: dict) -> str:
    source = report["sources"].get(item["source"]) or {}
    text = REASON_TEXT.get(source.get("reason") or "", "Data tidak tersedia ({service}).")
    return text.format(service=item["source"])


@bp.get("")
def index():
    this = chosen_month()
    last = period.previous_month(this)
    current, previous = build(this, g.staff), build(last, g.staff)
    indicators = current["indicators"]
    days = current["tickets_per_day"]
    questions = indicators["satisfaction_mean"].get("by_question") or {}
    answered = any(part.get("value") is not None for part in questions.values())
    return render_template(
        "dashboard/index.html", this=this, last=last, current=current, previous=previous,
        days_chart=charts.tickets_per_day(days) if days is not None else None,
        sla_chart=charts.sla_per_priority(indicators["response_target_met"],
                                          indicators["resolution_target_met"])
        if indicators["response_target_met"]["available"] else None,
        survey_chart=charts.satisfaction_per_question(questions) if answered else None,
        month_value=f"{this.first_day:%Y-%m}", last_value=f"{last.first_day:%Y-%m}")


@bp.get("/unduh.csv")
def download():
    """The chosen month as CSV (the same as /api/v1/reports/kpi?format=csv)."""
    return csv_response(build(chosen_month(), g.staff))
