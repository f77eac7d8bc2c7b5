"""A worker's own HTTP port for probes and scraping: `/healthz` (the process works: no thread
died, no stop under way), `/readyz` (database and broker reachable) and `/metrics`."""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .errors import error_body

log = logging.getLogger(__name__)

Checks = Callable[[], dict[str, bool]]


class ProbeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], health: Checks, readiness: Checks):
        self.health, self.readiness = health, readiness
        super().__init__(address, ProbeHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]


class ProbeHandler(BaseHTTPRequestHandler):
    server: ProbeServer

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            return self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
        checks = {"/healthz": self.server.health, "/readyz": self.server.readiness}.get(path)
        if checks is None:
            return self._json(404, error_body(
                "not_found", "A worker answers /healthz, /readyz and /metrics only."))
        results = checks()
        ok = all(results.values())
        word = {"/healthz": ("ok", "failing"), "/readyz": ("ready", "not_ready")}[path]
        return self._json(200 if ok else 503,
                          {"status": word[0] if ok else word[1], "checks": results})

    def _json(self, status: int, body: dict) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:  # probes every few seconds: no access log
        pass


def serve_probes(host: str, port: int, *, health: Checks, readiness: Checks) -> ProbeServer:
    """Listen on host:port (0: a free port, see `.port`) in a daemon thread."""
    server = ProbeServer((host, port), health, readiness)
    threading.Thread(target=server.serve_forever, name="probes", daemon=True).start()
    return server
