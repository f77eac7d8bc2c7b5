"""The pooled client to the services: the forwarding of a public call to the service that
answers it (servicedesk_common.routes says which), and the one way the gateway's own pages call
a public route, with the same catalogue and door check as a caller from outside."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import urllib3
from flask import Response, request

from servicedesk_common.errors import HTTP_CODES, Unavailable, error_body
from servicedesk_common.identity import HEADER as IDENTITY_HEADER
from servicedesk_common.identity import Identity, sign_identity
from servicedesk_common.routes import CATALOGUE, GATEWAY
from servicedesk_common.web import REQUEST_ID_HEADER

log = logging.getLogger(__name__)

FORWARDED_REQUEST_HEADERS = ("Content-Type", "Accept", "Accept-Language", "If-None-Match")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Location",
                              "Cache-Control", "Allow", "Retry-After")


@dataclass
class Answer:
    status: int
    data: bytes = b""
    headers: dict = field(default_factory=dict)


def refused(status: int, code: str, message: str) -> Answer:
    return Answer(status, json.dumps(error_body(code, message)).encode(),
                  {"Content-Type": "application/json"})


class ServiceClient:
    """Keep-alive connections to every service, with timeouts; never a hang, never a 500."""

    def __init__(self, service_urls: dict[str, str], secret: str, *, timeout: float = 15.0,
                 connect_timeout: float = 2.0, pool_size: int = 16):
        self.service_urls = {name: url.rstrip("/") for name, url in service_urls.items() if url}
        self.secret = secret
        # One keep-alive pool per service, `pool_size` idle connections kept; a busy moment
        # opens extra ones rather than wait (never a hang).
        self.pool = urllib3.PoolManager(num_pools=16, maxsize=pool_size,
                                        retries=False, timeout=urllib3.Timeout(
                                            connect=connect_timeout, read=timeout))

    def headers(self, identity: Identity | None, request_id: str | None) -> dict:
        headers = {REQUEST_ID_HEADER: request_id or ""}
        if identity is not None:
            headers[IDENTITY_HEADER] = sign_identity(identity, self.secret)
        return headers

    def call(self, service: str, method: str, path: str, *, identity: Identity | None,
             request_id: str | None, body: bytes | None = None, headers: dict | None = None,
             query: str = "") -> urllib3.BaseHTTPResponse:
        base = self.service_urls.get(service)
        if not base:
            raise Unavailable(f"The {service} service is not configured.")
        url = f"{base}{path}" + (f"?{query}" if query else "")
        all_headers = {**self.headers(identity, request_id), **(headers or {})}
        try:
            return self.pool.request(method, url, body=body, headers=all_headers,
                                     preload_content=True, redirect=False)
        except urllib3.exceptions.HTTPError as exc:
            log.warning("event=service_unreachable service=%s error=%r", service, exc)
            raise Unavailable(f"The {service} service is not answering; try again shortly.",
                              details={"service": service}) from None

    def json(self, service: str, method: str, path: str, *, identity=None, request_id=None,
             payload=None, query: str = "") -> tuple[int, dict]:
        body = json.dumps(payload).encode() if payload is not None else None
        response = self.call(service, method, path, identity=identity, request_id=request_id,
                             body=body, query=query,
                             headers={"Content-Type": "application/json"} if body else None)
        try:
            return response.status, json.loads(response.data or b"{}")
        except ValueError:
            raise Unavailable(f"The {service} service gave an unreadable answer.") from None

    def public(self, method: str, public_path: str, *, identity: Identity | None,
               request_id: str | None, payload=None, files: list | None = None,
               form: dict | None = None, query: str = "", has_token: bool = False,
               own: Callable[[], Answer] | None = None) -> Answer:
        """Call a public API path from inside the gateway as `identity` (None: a guest): a JSON
        `payload` or multipart `files` (name, (filename, bytes, type)) with `form` fields. A
        route the gateway answers itself is `own()`; an undeclared one raises NotDeclared."""
        route = CATALOGUE.match(method, public_path)
        refusal = route.access.refusal(identity, has_token=has_token)
        if refusal:
            return refused(refusal, "unauthorized" if refusal == 401 else "forbidden",
                           "Not allowed by the API's role table.")
        if route.service == GATEWAY:
            return own() if own else refused(404, "not_found", f"No API route {public_path}.")
        body, content_type = None, None
        if files is not None:
            body, content_type = urllib3.encode_multipart_formdata(
                [*(form or {}).items(), *files])
        elif payload is not None:
            body, content_type = json.dumps(payload).encode(), "application/json"
        response = self.call(route.service, method, public_path, identity=identity,
                             request_id=request_id, body=body, query=query,
                             headers={"Content-Type": content_type} if content_type else None)
        return Answer(response.status, response.data, dict(response.headers))

    def forward(self, service: str, identity: Identity | None, request_id: str | None) -> Response:
        headers = {name: request.headers[name] for name in FORWARDED_REQUEST_HEADERS
                   if name in request.headers}
        upstream = self.call(service, request.method, quote(request.path, safe=_PATH_SAFE),
                             identity=identity, request_id=request_id,
                             body=request.get_data() or None, headers=headers,
                             query=request.query_string.decode())
        if upstream.status >= 400 and not (upstream.headers.get("Content-Type") or "") \
                .startswith("application/json"):
            # Never hand on an HTML error page: the contract's shape, same status.
            log.warning("event=service_non_json_error service=%s status=%s", service,
                        upstream.status)
            code = HTTP_CODES.get(upstream.status, "error")
            return Response(json.dumps(error_body(code, f"The {service} service answered "
                                                  f"{upstream.status}.")),
                            status=upstream.status, mimetype="application/json")
        response = Response(upstream.data, status=upstream.status)
        for name in FORWARDED_RESPONSE_HEADERS:
            if name in upstream.headers:
                response.headers[name] = upstream.headers[name]
        location = response.headers.get("Location", "")
        if location.startswith(self.service_urls[service] + "/"):
            # A service's redirect names its internal address: hand on the path only.
            response.headers["Location"] = location[len(self.service_urls[service]):]
        return response


def not_found_body(path: str) -> dict:
    return error_body("not_found", f"No API route {path}.")
