"""`/api/docs`: Swagger UI over the merged OpenAPI document, served from the installed
swagger-ui-bundle package (no CDN); its start-up script is a static file (no inline script)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__)

ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
          "favicon-32x32.png", "favicon-16x16.png")


@bp.get("/api/docs")
def docs_page():
    return render_template("api_docs.html")


@bp.get("/api/docs/assets/<string:name>")
def docs_asset(name: str):
    if name not in ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=86400)
