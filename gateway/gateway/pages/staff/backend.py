"""Every console action is a call of the public API on behalf of the logged-in user: the same
door check as the API (the route catalogue, servicedesk_common.routes), then the service through
the gateway's ServiceClient with the user's signed identity, so the services' own permission
rules apply unchanged. Routes the gateway answers itself (users, ...) are dispatched in-process
with the user's bearer token."""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import current_app, g, session

from servicedesk_common.errors import error_body
from servicedesk_common.routes import CATALOGUE, NotDeclared, WrongMethod
from servicedesk_common.settings import env_float
from servicedesk_common.web import request_id, runtime

from ...routing import Answer

log = logging.getLogger(__name__)
PREFIX = "/api/v1"

# The services answer in English (marshmallow's words, mostly); the console speaks Indonesian.
MESSAGES = {
    "Missing data for required field.": "Wajib diisi.",
    "Field may not be null.": "Wajib diisi.",
    "Not a valid string.": "Isian tidak valid.",
    "Not a valid integer.": "Harus berupa angka.",
    "Not a valid email address.": "Alamat e-mail tidak valid.",
    "Not a valid boolean.": "Isian tidak valid.",
    "Unknown field.": "Isian tidak dikenal.",
    "Must not be blank.": "Wajib diisi.",
    "Not a valid date.": "Tanggal tidak valid.",
    "Not a valid datetime.": "Waktu tidak valid.",
    "Write the resolution the client is told.": "Tulis catatan penyelesaian untuk klien.",
    "Set the urgency before closing.": "Tentukan urgensi sebelum menutup.",
    "Set the impact before closing.": "Tentukan dampak sebelum menutup.",
    "Choose the category before closing.": "Pilih kategori sebelum menutup.",
}
STATUS_TEXT = {
    400: "Permintaan tidak valid.", 401: "Sesi Anda berakhir; silakan masuk kembali.",
    403: "Peran Anda tidak diizinkan melakukan ini.", 404: "Data tidak ditemukan.",
    409: "Tindakan ini bertentangan dengan keadaan tiket saat ini.",
    410: "Data ini sudah kedaluwarsa.", 413: "Berkas terlalu besar.",
    415: "Jenis berkas tidak diterima.", 422: "Periksa kembali isian yang ditandai.",
    429: "Terlalu banyak permintaan; tunggu sebentar.",
    503: "Layanan sedang tidak tersedia; coba lagi sebentar lagi.",
}


def translate(message: str) -> str:
    if message in MESSAGES:
        return MESSAGES[message]
    if message.startswith("Must be one of") or message.startswith("Not a valid choice"):
        return "Pilihan tidak valid."
    if message.startswith("Unknown field {"):  # a canned reply's placeholder
        return "Isian tiket tidak dikenal: " + message.removeprefix("Unknown field ")
    if message.startswith("Length must be") or message.startswith("Shorter than"):
        return f"Panjang isian tidak sesuai ({message})"
    return message


@dataclass
class Result:
    status: int
    body: dict | list = field(default_factory=dict)
    raw: bytes = b""
    headers: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> dict:
        return (self.body.get("error") or {}) if isinstance(self.body, dict) else {}

    @property
    def message(self) -> str:
        """What to tell the user: our Indonesian text for the status, plus the service's own
        explanation for a conflict (which move is allowed, ...)."""
        text = STATUS_TEXT.get(self.status, "Terjadi kesalahan; coba lagi.")
        detail = self.error.get("message")
        if detail and self.status in (400, 409, 410, 413, 415):
            return f"{text} ({detail})"
        return text

    @property
    def errors(self) -> dict[str, list[str]]:
        """422 details: field -> messages, in Indonesian where we know the words."""
        details = (self.error.get("details") or {}) if self.status == 422 else {}
        out = {}
        for name, messages in details.items():
            if isinstance(messages, dict):  # nested schema: flatten one level
                messages = [f"{k}: {v}" for k, v in messages.items()]
            if isinstance(messages, str):
                messages = [messages]
            out[name] = [translate(str(m)) for m in messages]
        return out

    def items(self) -> list:
        if isinstance(self.body, list):
            return self.body
        return self.body.get("items", []) if self.ok else []


def identity():
    return getattr(g, "staff", None)


def allowed(method: str, path: str) -> bool:
    """Would the API's door let the logged-in user do this? (The service may still refuse a
    particular ticket: only it knows ownership and assignment.)"""
    route = CATALOGUE.find(method, PREFIX + path)
    return route is not None and route.access.refusal(identity(), has_token=False) is None


def call(method: str, path: str, *, payload=None, query: dict | None = None,
         files: list | None = None, form: dict | None = None) -> Result:
    """`path` is the public API path without /api/v1, e.g. "/tickets/INC-2026-000001"."""
    public = PREFIX + path
    query_string = urlencode({k: v for k, v in (query or {}).items() if v not in (None, "")},
                             doseq=True)
    try:
        answer = runtime().services.public(
            method, public, identity=identity(), request_id=request_id(), payload=payload,
            files=files, form=form, query=query_string,
            own=lambda: _in_process(method, public, payload, query_string))
    except (NotDeclared, WrongMethod):
        return Result(404, error_body("not_found", f"No API route {method} {public}."))
    return _result(answer.status, answer.data, answer.headers)


def _result(status: int, data: bytes, headers: dict) -> Result:
    body: dict | list = {}
    if headers.get("Content-Type", "").startswith("application/json") and data:
        try:
            body = json.loads(data)
        except ValueError:
            log.warning("event=unreadable_service_answer status=%s", status)
            status = 503
    return Result(status, body, data, headers)


def _in_process(method: str, path: str, payload, query_string: str) -> Answer:
    """The gateway's own routes (users, reports it may aggregate): through its own app, with the
    user's bearer token, so the API's views and checks are the ones that run."""
    token = session.get("staff_token", "")
    response = current_app.test_client().open(
        path, method=method, json=payload, query_string=query_string,
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id() or ""})
    return Answer(response.status_code, response.get_data(), dict(response.headers))


def get(path: str, **query) -> Result:
    return call("GET", path, query=query)


def get_or_none(path: str, **query):
    """For side panels: a service that is down or refuses leaves its panel empty, not the page."""
    try:
        result = get(path, **query)
    except Exception:  # noqa: BLE001 - Unavailable and friends: the panel says so
        log.warning("event=panel_unavailable path=%s", path)
        return None
    return result.body if result.ok else None


def ticket_showing(number: str, shows) -> dict | None:
    """Read-your-writes: another service applies an action's effect a moment later (triage the
    priority, escalation the assignee and the solution); look at intake's ticket until
    `shows(ticket)` holds, for at most SERVICEDESK_CONSOLE_WAIT_SECONDS. None if it did not."""
    deadline = time.monotonic() + env_float("SERVICEDESK_CONSOLE_WAIT_SECONDS", 5.0)
    pause = 0.05
    while True:
        result = get(f"/tickets/{number}")
        if result.ok and shows(result.body):
            return result.body
        left = deadline - time.monotonic()
        if left <= 0:
            log.info("event=console_wait_timeout ticket=%s", number)
            return None
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.4)
