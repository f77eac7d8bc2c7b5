"""What every page module uses to talk to the services: a call as a guest through the same
pooled client the API routing uses, picking the service by the public path (the route
catalogue, servicedesk_common.routes)."""
from __future__ import annotations

import json
import logging
from urllib.parse import quote, urlencode

from servicedesk_common.errors import NotFound, Unavailable
from servicedesk_common.routes import NotDeclared, WrongMethod
from servicedesk_common.web import request_id, runtime

from ..routing import Answer

log = logging.getLogger(__name__)


def path(template: str, *segments: str) -> str:
    """`path("/api/v1/track/{}", number)` with each segment URL-quoted."""
    return template.format(*(quote(str(segment), safe="") for segment in segments))


def api(method: str, api_path: str, *, payload: dict | None = None,
        query: dict | None = None) -> tuple[int, dict]:
    """Call a public API path as a guest: (status, JSON body). A service that is down raises
    Unavailable (503 page); an unknown path raises NotFound."""
    answer = _as_guest(method, api_path, payload=payload, query=query)
    try:
        return answer.status, json.loads(answer.data or b"{}")
    except ValueError:
        raise Unavailable(f"The service behind {api_path} gave an unreadable answer.") from None


def upload(api_path: str, files: list, *, query: dict | None = None,
           field: str = "file") -> tuple[int, dict]:
    """POST files (werkzeug FileStorage) as one multipart request, each under `field`."""
    parts = [(field, (f.filename, f.read(), f.mimetype or "application/octet-stream"))
             for f in files]
    answer = _as_guest("POST", api_path, files=parts, query=query)
    try:
        return answer.status, json.loads(answer.data or b"{}")
    except ValueError:
        return answer.status, {}


def _as_guest(method: str, api_path: str, *, query: dict | None, **content) -> Answer:
    try:
        return runtime().services.public(
            method, api_path, identity=None, request_id=request_id(),
            query=urlencode(query or {}), has_token=bool((query or {}).get("token")), **content)
    except (NotDeclared, WrongMethod):
        raise NotFound(f"No API route {method} {api_path}.") from None


def error_details(body: dict) -> dict:
    """The `details` of an error in the contract's shape ({} otherwise)."""
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    return details if isinstance(details, dict) else {}


__all__ = ["api", "upload", "path", "error_details", "Unavailable"]
