"""One OpenAPI document for the whole public contract, derived from the route catalogue: one
operation per declared route, described by the service that answers it (its own document,
fetched and cached briefly per app) and marked with who may call it. A service's operation
that is not declared is not public and is left out."""
from __future__ import annotations

import copy
import json
import logging
import time

from servicedesk_common.routes import GATEWAY, ROUTES, Route

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
    own_paths = doc.pop("paths", {})
    doc["info"] = {"title": "Service desk API", "version": "v1", "description": DESCRIPTION}
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    components.setdefault("securitySchemes", {})["bearerAuth"] = {
        "type": "http", "scheme": "bearer"}
    doc["security"] = [{"bearerAuth": []}, {}]
    tags = {tag["name"]: tag for tag in doc.get("tags", [])}
    described = {GATEWAY: own_paths}
    complete = True
    for service in sorted(client.service_urls):
        part = _service_doc(client, service)
        if part is None:
            complete = False
            continue
        described[service] = part.get("paths", {})
        schemas.update(part.get("components", {}).get("schemas", {}))
        for tag in part.get("tags", []):
            tags.setdefault(tag["name"], tag)
    doc["tags"] = list(tags.values())
    paths: dict = {}
    for route in ROUTES:
        item = described.get(route.service, {}).get(route.openapi_path, {})
        entry = paths.setdefault(route.openapi_path, {})
        if "parameters" in item:
            entry.setdefault("parameters", item["parameters"])
        entry[route.method.lower()] = _operation(route, item.get(route.method.lower()))
    doc["paths"] = dict(sorted(paths.items()))
    if complete:
        cache.update(at=time.monotonic(), doc=doc)
    return doc


def _operation(route: Route, described: dict | None) -> dict:
    """The service's description of the operation (a stub while it is away), with who may
    call it from the catalogue."""
    operation = copy.deepcopy(described) if described else {
        "summary": f"{route.method} {route.openapi_path} ({route.service})",
        "responses": {"default": {"description": "See the service's description."}}}
    who = f"Who: {route.access.who}."
    operation["description"] = f"{operation['description']}\n\n{who}" \
        if operation.get("description") else who
    operation["security"] = [{"bearerAuth": []}] if route.access.login else \
        [{"bearerAuth": []}, {}]
    operation["x-roles"] = list(route.access.roles)
    return operation


def _service_doc(client, service: str) -> dict | None:
    try:
        response = client.call(service, "GET", "/openapi.json", identity=None, request_id=None)
        return json.loads(response.data) if response.status == 200 else None
    except Exception as exc:  # noqa: BLE001 - a missing service leaves a partial document
        log.warning("event=openapi_fetch_failed service=%s error=%r", service, exc)
        return None
