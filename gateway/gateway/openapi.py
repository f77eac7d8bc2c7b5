"""One OpenAPI document for the whole public contract: the gateway's own paths plus each
service's public paths, fetched from the services and cached briefly."""
from __future__ import annotations

import json
import logging
import time

log = logging.getLogger(__name__)

_CACHE: dict = {"at": 0.0, "doc": None}
CACHE_SECONDS = 30


def merged_openapi(app, client) -> dict:
    if _CACHE["doc"] is not None and time.monotonic() - _CACHE["at"] < CACHE_SECONDS:
        return _CACHE["doc"]
    doc = app.extensions["smorest_api"].spec.to_dict()
    doc["info"] = {"title": "Service desk API", "version": "v1",
                   "description": "The public contract of the service desk gateway."}
    doc.setdefault("paths", {})
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    complete = True
    for service in sorted(client.service_urls):
        part = _service_doc(client, service)
        if part is None:
            complete = False
            continue
        for path, item in part.get("paths", {}).items():
            if path.startswith("/api/v1/"):
                doc["paths"][path] = item
        schemas.update(part.get("components", {}).get("schemas", {}))
    if complete:
        _CACHE.update(at=time.monotonic(), doc=doc)
    return doc


def _service_doc(client, service: str) -> dict | None:
    try:
        response = client.call(service, "GET", "/openapi.json", identity=None, request_id=None)
        return json.loads(response.data) if response.status == 200 else None
    except Exception as exc:  # noqa: BLE001 - a missing service leaves a partial document
        log.warning("event=openapi_fetch_failed service=%s error=%r", service, exc)
        return None
