"""Ceiling 2, the near end of the minimal chain: a bare Flask proxy that forwards every request
over a pooled keep-alive connection (urllib3, as the gateway) to BENCH_UPSTREAM and hands the
answer back. No identity, routing table, guards or headers beyond Content-Type."""
from __future__ import annotations

import os
from urllib.parse import urlparse

import urllib3
from flask import Flask, Response, request


def create_app() -> Flask:
    app = Flask(__name__)
    upstream = urlparse(os.environ["BENCH_UPSTREAM"])
    pool = urllib3.HTTPConnectionPool(upstream.hostname, upstream.port, maxsize=16,
                                      retries=False, timeout=urllib3.Timeout(connect=2, read=15))

    @app.route("/<path:rest>", methods=["GET", "POST"])
    def forward(rest):
        headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
        answer = pool.urlopen(request.method, request.full_path.rstrip("?"),
                              body=request.get_data() or None, headers=headers,
                              preload_content=True, redirect=False)
        return Response(answer.data, status=answer.status,
                        content_type=answer.headers.get("Content-Type"))

    return app
