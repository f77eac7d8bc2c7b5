"""What every page module uses to talk to the services: a call as a guest through the same
pooled client the API routing uses, picking the service by the public path (the route
catalogue, servicedesk_common.routes)."""
from __future__ import annotations

import json
import logging
from urllib.parse import quote, urlencode

from urllib3 import encode_multipart_formdata

from servicedesk_common.errors import NotFound, Unavailable
from servicedesk_common.routes import CATALOGUE
from servicedesk_common.web import request_id, runtime

log = logging.getLogger(__name__)


def path(template: str, *segments: str) -> str:
    """`path("/api/v1/track/{}", number)` with each segment URL-quoted."""
    return template.format(*(quote(str(segment), safe="") for segment in segments))


def api(method: str, api_path: str, *, payload: dict | None = None,
        query: dict | None = None) -> tuple[int, dict]:
    """Call a public API path as a guest: (status, JSON body). A service that is down raises
    Unavailable (503 page); an unknown path raises NotFound."""
    return runtime().services.json(_service(method, api_path), method, api_path,
                                   request_id=request_id(), payload=payload,
                                   query=urlencode(query or {}))


def upload(api_path: str, files: list, *, query: dict | None = None,
           field: str = "file") -> tuple[int, dict]:
    """POST files (werkzeug FileStorage) as one multipart request, each under `field`."""
    service = _service("POST", api_path)
    parts = [(field, (f.filename, f.read(), f.mimetype or "application/octet-stream"))
             for f in files]
    body, content_type = encode_multipart_formdata(parts)
    response = runtime().services.call(service, "POST", api_path, identity=None,
                                       request_id=request_id(), body=body,
                                       headers={"Content-Type": content_type},
                                       query=urlencode(query or {}))
    try:
        return response.status, json.loads(response.data or b"{}")
    except ValueError:
        return response.status, {}


def _service(method: str, api_path: str) -> str:
    route = CATALOGUE.find(method, api_path)
    if route is None:
        raise NotFound(f"No API route {method} {api_path}.")
    return route.service


def error_details(body: dict) -> dict:
    """The `details` of an error in the contract's shape ({} otherwise)."""
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    return details if isinstance(details, dict) else {}


__all__ = ["api", "upload", "path", "error_details", "Unavailable"]
