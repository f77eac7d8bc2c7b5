"""What the console shows for the API's values: Indonesian labels, the seed's urgency and impact
descriptions (SOP-Dinkominfo-001, "Pendefinisian Prioritas"), SLA badges and times in WIB."""
from __future__ import annotations

from datetime import UTC, datetime

from ..labels import LEVELS as LEVEL
from ..labels import MONTHS, PRIORITY, STATUS, WIB, waktu  # noqa: F401 - WIB for the views
from ..labels import TYPES as TYPE

# The moves DOMAIN.md allows; intake refuses the rest with a 409 all the same.
ALLOWED_MOVES = {"submitted": ("new", "done"), "new": ("in_progress", "done"),
                 "in_progress": ("done",), "done": ("in_progress",)}
CHANNEL = {"web": "Aplikasi (web)", "phone": "Telepon", "email": "E-mail", "letter": "Surat",
           "walk_in": "Datang langsung"}
ROLE = {"client": "Klien", "operator": "Operator Service Desk", "technician": "Teknisi",
        "knowledge_manager": "Knowledge Manager", "supervisor": "Kepala Seksi",
        "admin": "Administrator"}
HOLD = {"waiting_client": "Menunggu klien", "waiting_vendor": "Menunggu vendor"}
SLA_STATE = {"ok": "Aman", "at_risk": "Berisiko", "breached": "Terlampaui", "paused": "Ditunda",
             "met": "Terpenuhi"}
ARTICLE_STATUS = {"draft": "Draf", "published": "Terbit", "archived": "Arsip"}
GROUP = {"egov": "Implementator E-government", "webapi": "Administrator Website / API",
         "network": "Jaringan Komputer"}

# FRM-002 "Kategori Tiket": the recording form's combined type - category choices.
FORM_CATEGORIES = [
    ("other", "Lainnya", "Lainnya"),
    ("incident", "Aplikasi", "Insiden - Aplikasi"), ("incident", "Jaringan", "Insiden - Jaringan"),
    ("incident", "Hardware", "Insiden - Hardware"), ("incident", "Data", "Insiden - Data"),
    ("service_request", "Aplikasi", "Permintaan - Aplikasi"),
    ("service_request", "Jaringan", "Permintaan - Jaringan"),
    ("service_request", "Data", "Permintaan - Data"),
    ("access_request", "Akses", "Permintaan Akses - Akses"),
]

URGENCY_HELP = {
    "high": ["Perangkat TI pendukung layanan tidak dapat digunakan sama sekali",
             "Layanan tidak tersedia",
             "Kerusakan yang disebabkan oleh insiden meningkat dengan cepat"],
    "medium": ["Perangkat TI pendukung layanan hanya dapat digunakan secara terbatas",
               "Layanan tersedia dalam waktu yang kritis",
               "Kerusakan yang disebabkan oleh insiden meningkat dari waktu ke waktu"],
    "low": ["Perangkat TI pendukung layanan masih bisa digunakan",
            "Layanan tersedia secara terbatas dan membuat klien tidak dapat mengerjakan "
            "sebagian aktivitas mereka"],
}
IMPACT_HELP = {
    "high": ["Mengganggu proses bisnis utama",
             "Banyak user yang tidak dapat meneruskan pekerjaan",
             "Berpotensi kehilangan banyak data"],
    "medium": ["Mengganggu satu atau beberapa proses bisnis",
               "Hanya satu atau beberapa user yang terhambat pekerjaannya"],
    "low": ["Menghambat pekerjaan user secara personal"],
}
SURVEY_SCALE = {1: "Tidak Memuaskan", 2: "Kurang Memuaskan", 3: "Cukup Memuaskan",
                4: "Memuaskan", 5: "Sangat Memuaskan"}


HISTORY_WHAT = {
    "created": "Tiket dibuat", "status": "Status", "title": "Judul", "body": "Isi tiket",
    "type": "Jenis", "category": "Kategori", "service": "Layanan", "urgency": "Urgensi",
    "impact": "Dampak", "priority": "Prioritas", "priority_reason": "Alasan prioritas",
    "assignee": "Ditugaskan ke", "group": "Grup", "hold": "Penundaan", "reply": "Balasan",
    "note": "Catatan internal", "attachment": "Lampiran", "closed": "Ditutup",
    "reopened": "Dibuka kembali", "sla_met": "Target SLA terpenuhi",
    "sla_breached": "Target SLA terlampaui", "sla_at_risk": "Target SLA berisiko",
    "escalated": "Dieskalasi", "resolved": "Solusi level 2", "survey": "Survei",
}
HISTORY_VALUES = {"status": STATUS, "created": STATUS, "urgency": LEVEL, "impact": LEVEL,
                  "type": TYPE, "hold": HOLD, "group": GROUP,
                  "sla_met": {"response": "Respons", "resolution": "Penyelesaian"},
                  "sla_breached": {"response": "Respons", "resolution": "Penyelesaian"},
                  "sla_at_risk": {"response": "Respons", "resolution": "Penyelesaian"}}


def history_value(what: str, value) -> str:
    if value is None or value == "":
        return "—"
    if what == "priority":
        return f"{value} · {PRIORITY.get(int(value), '')}" if str(value).isdigit() else value
    return HISTORY_VALUES.get(what, {}).get(value, str(value))


def label(table: dict, value, default: str = "—") -> str:
    if value is None or value == "":
        return default
    return table.get(value, str(value))


def parse_time(value) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def duration(minutes: float) -> str:
    minutes = int(round(abs(minutes)))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} hari"] if days else []
    if hours:
        parts.append(f"{hours} jam")
    if mins or not parts:
        parts.append(f"{mins} menit")
    return " ".join(parts[:2])


def short_time(moment: datetime) -> str:
    """'4 Des 12:00': a due moment short enough for a queue row (WIB, as everywhere)."""
    local = moment.astimezone(WIB)
    return f"{local.day} {MONTHS[local.month - 1][:3]} {local:%H:%M}"


def sla_badge(ticket: dict, now: datetime | None = None, explain: dict | None = None) -> dict:
    """The badge: state (ok / at_risk / breached / paused) and the target that is running
    (response until verified, then resolution). Time left is business time, and only the SLA
    service's explanation knows it (the calendar): with it the badge says what is left in
    working time, without it (the queue) the due moment; never a wall-clock countdown."""
    sla = ticket.get("sla") or {}
    now = now or datetime.now(UTC)
    state = sla.get("state") or None
    if ticket.get("on_hold") and ticket.get("status") != "done":
        state = "paused"
    if ticket.get("status") == "done":
        met = sla.get("resolution_met")
        return {"state": "met" if met else ("breached" if met is False else "ok"),
                "label": "Selesai", "left": None}
    key = "resolution" if sla.get("responded_at") or not sla.get("response_due_at") \
        else "response"
    target = "Penyelesaian" if key == "resolution" else "Respons"
    due = parse_time(sla.get(f"{key}_due_at"))
    left = None
    if due is not None:
        late = due < now
        left = f"{target}: {'lewat tenggat' if late else 'tenggat'} {short_time(due)}"
        working = (explain or {}).get(key) or {}
        if not late and working.get("remaining_minutes") is not None:
            left = f"{target}: sisa {duration(working['remaining_minutes'])} kerja " \
                   f"(tenggat {short_time(due)})"
        if state is None:
            state = "breached" if late else "ok"
    state = state or "ok"
    return {"state": state, "label": label(SLA_STATE, state), "left": left}


FILTERS = {
    "st_status": lambda v: label(STATUS, v), "st_priority": lambda v: label(PRIORITY, v),
    "st_level": lambda v: label(LEVEL, v), "st_type": lambda v: label(TYPE, v),
    "st_channel": lambda v: label(CHANNEL, v), "st_role": lambda v: label(ROLE, v),
    "st_hold": lambda v: label(HOLD, v), "st_group": lambda v: label(GROUP, v),
    "st_article": lambda v: label(ARTICLE_STATUS, v), "st_time": waktu,
    "st_short": lambda v: short_time(parse_time(v)) if parse_time(v) else "—",
}
