"""Ceiling 1: a bare Flask POST. Parses the JSON body and answers 201 with a small JSON, nothing
else; served by gunicorn with deploy/gunicorn.conf.py like every web process of the stack."""
from __future__ import annotations

import itertools

from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)
    numbers = itertools.count(1)

    @app.post("/api/v1/tickets")
    def create():
        data = request.get_json()
        return jsonify({"number": f"INC-2026-{next(numbers):06d}", "title": data["title"],
                        "status": "new"}), 201

    return app
