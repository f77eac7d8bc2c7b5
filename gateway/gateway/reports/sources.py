"""Each service computes the indicators of the data it owns; the gateway asks them all at once,
as the caller (their own role checks apply). A service that is down, slow or without the
endpoint gives no answer and a note, never a failed report."""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

from servicedesk_common.errors import ApiError
from servicedesk_common.routes import CATALOGUE

from .period import Period

log = logging.getLogger(__name__)

# name -> path, each answered by the service the route catalogue names; all take ?from=&to=
SOURCES = {
    "intake": "/api/v1/tickets/kpi",
    "triage": "/api/v1/classifications/kpi",
    "sla": "/api/v1/sla/kpi",
    "escalation": "/api/v1/escalations/kpi",
    "survey": "/api/v1/surveys/kpi",
    "survey_questions": "/api/v1/surveys/summary",
    "knowledge": "/api/v1/kb/kpi",
}
REASONS = {403: "forbidden", 404: "not_available"}
QUICK_FAILURE_SECONDS = 1.0


@dataclass(frozen=True)
class Answer:
    service: str
    body: dict | None = None
    reason: str | None = None  # unavailable, not_available, forbidden, error
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.body is not None

    def view(self) -> dict:
        return {"service": self.service, "ok": self.ok, "reason": self.reason,
                "note": self.note}


def fetch(client, service: str, path: str, *, identity, request_id, query: str) -> Answer:
    for attempt in (1, 2):
        started = time.monotonic()
        try:
            status, body = client.json(service, "GET", path, identity=identity,
                                       request_id=request_id, query=query)
            break
        except ApiError as exc:  # Unavailable: not answering, not configured, unreadable
            # A GET may be asked again when it failed at once (a stale keep-alive
            # connection), not after waiting out a timeout.
            if attempt == 2 or time.monotonic() - started > QUICK_FAILURE_SECONDS:
                return Answer(service, reason="unavailable", note=exc.message)
        except Exception:  # noqa: BLE001 - one source must not sink the report
            log.exception("event=kpi_source_failed service=%s path=%s", service, path)
            return Answer(service, reason="error", note=f"Asking {service} failed.")
        log.warning("event=kpi_source_retry service=%s path=%s", service, path)
    if status == 200 and isinstance(body, dict):
        return Answer(service, body=body)
    message = ((body or {}).get("error") or {}).get("message") if isinstance(body, dict) \
        else None
    log.warning("event=kpi_source_refused service=%s path=%s status=%s", service, path, status)
    return Answer(service, reason=REASONS.get(status, "error"),
                  note=f"{service} answered {status}" + (f": {message}" if message else "."))


def fetch_all(client, period: Period, *, identity, request_id) -> dict[str, Answer]:
    """All sources in parallel (the pooled client is thread-safe)."""
    query = urlencode(period.query())
    with ThreadPoolExecutor(max_workers=len(SOURCES)) as pool:
        futures = {name: pool.submit(fetch, client, CATALOGUE.match("GET", path).service, path,
                                     identity=identity, request_id=request_id, query=query)
                   for name, path in SOURCES.items()}
        return {name: future.result() for name, future in futures.items()}
