"""Indonesian labels for the API's English values, and times shown in WIB (Asia/Jakarta)."""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

STATUS = {"submitted": "Diajukan", "new": "Baru", "in_progress": "Dalam Penanganan",
          "done": "Selesai"}
TYPES = {"incident": "Insiden", "service_request": "Permintaan",
         "access_request": "Permintaan Akses", "other": "Lainnya"}
PRIORITY = {1: "Tinggi", 2: "Menengah", 3: "Rendah"}
LEVELS = {"high": "Tinggi", "medium": "Menengah", "low": "Rendah"}
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")


def status_label(value) -> str:
    return STATUS.get(value, value or "-")


def type_label(value) -> str:
    return TYPES.get(value, value or "-")


def priority_label(value) -> str:
    try:
        return PRIORITY.get(int(value), "-")
    except (TypeError, ValueError):
        return "Belum ditentukan"


def level_label(value) -> str:
    return LEVELS.get(value, value or "-")


def waktu(value) -> str:
    """'2026-01-12T07:05:00+00:00' -> '12 Januari 2026 14:05 WIB'; '-' when empty or unreadable."""
    if not value:
        return "-"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(WIB)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H:%M} WIB"


def site_path(url) -> str:
    """A link to one of our own pages (e.g. the survey link the survey service makes with its
    public URL) as a path on this site, so it works whatever host the client came in by."""
    parsed = urlsplit(url or "")
    if parsed.path.startswith(("/survei/", "/lacak", "/bantuan")):
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return url or ""


FILTERS = {"waktu": waktu, "site_path": site_path, "status_label": status_label,
           "type_label": type_label, "priority_label": priority_label,
           "level_label": level_label}
