"""One OpenAPI document for the whole public contract: the gateway's own paths plus each
service's public paths, fetched from the services and cached briefly (per app)."""
from __future__ import annotations

import copy
import json
import logging
import time

log = logging.getLogger(__name__)

CACHE_SECONDS = 30
DESCRIPTION = (
    "The public contract of the service desk gateway. Log in with POST /api/v1/auth/login and "
    "send `Authorization: Bearer <access_token>`. Errors: "
    '`{"error": {"code", "message", "details"}}`. A service that is down answers 503.')


def merged_openapi(app, client) -> dict:
    cache = app.extensions.setdefault("openapi_cache", {"at": 0.0, "doc": None})
    if cache["doc"] is not None and time.monotonic() - cache["at"] < CACHE_SECONDS:
        return cache["doc"]
    doc = copy.deepcopy(app.extensions["smorest_api"].spec.to_dict())
    doc["info"] = {"title": "Service desk API", "version": "v1", "description": DESCRIPTION}
    doc["paths"] = {path: item for path, item in doc.get("paths", {}).items()
                    if path.startswith("/api/v1/")}
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    components.setdefault("securitySchemes", {})["bearerAuth"] = {
        "type": "http", "scheme": "bearer"}
    doc["security"] = [{"bearerAuth": []}, {}]
    tags = {tag["name"]: tag for tag in doc.get("tags", [])}
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
        for tag in part.get("tags", []):
            tags.setdefault(tag["name"], tag)
    doc["tags"] = list(tags.values())
    doc["paths"] = dict(sorted(doc["paths"].items()))
    if complete:
        cache.update(at=time.monotonic(), doc=doc)
    return doc


def _service_doc(client, service: str) -> dict | None:
    try:
        response = client.call(service, "GET", "/openapi.json", identity=None, request_id=None)
        return json.loads(response.data) if response.status == 200 else None
    except Exception as exc:  # noqa: BLE001 - a missing service leaves a partial document
        log.warning("event=openapi_fetch_failed service=%s error=%r", service, exc)
        return None
