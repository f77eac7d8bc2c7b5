"""The public web pages (Bahasa Indonesia, server-rendered, working without JavaScript).

Each area is a module with a Flask blueprint named `bp`; add a module to PAGE_MODULES.
What a page module gets for free:
- templates extend "base.html" and import macros from "_forms.html" (fields with their errors,
  CSRF input, choices);
- every POST to a page is checked for the session's CSRF token and rate-limited (security.py):
  put `{{ forms.csrf() }}` in the form and that is all;
- `common.api(method, path, ...)` calls the service behind a public API path as a guest;
- errors raised in a page view (a service down, a 404) become an HTML page in Indonesian;
- Jinja filters `waktu` (ISO time -> WIB), `status_label`, `priority_label`, `type_label`,
  `level_label`."""
from __future__ import annotations

import importlib
import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from servicedesk_common.errors import ApiError

from ..security import is_api
from . import labels

log = logging.getLogger(__name__)

NOT_PAGES = ("/healthz", "/readyz", "/metrics")

ERROR_TEXT = {
    400: ("Permintaan tidak dapat diproses",
          "Formulir sudah kedaluwarsa atau tidak lengkap. Muat ulang halaman lalu coba lagi."),
    404: ("Halaman tidak ditemukan", "Alamat yang Anda buka tidak ada."),
    405: ("Permintaan tidak dapat diproses", "Cara membuka halaman ini tidak didukung."),
    413: ("Berkas terlalu besar", "Ukuran kiriman melebihi batas. Perkecil atau kurangi lampiran."),
    429: ("Terlalu banyak permintaan", "Tunggu sebentar lalu coba lagi."),
    503: ("Layanan sedang tidak tersedia", "Sebagian sistem sedang tidak menjawab. "
          "Coba lagi beberapa saat lagi."),
    500: ("Terjadi kesalahan", "Terjadi kesalahan di sistem kami. Coba lagi nanti."),
}


PAGE_MODULES = ("client", "survey", "staff", "dashboard", "help")


def register_pages(app: Flask) -> None:
    for name in PAGE_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
    app.jinja_env.filters.update(labels.FILTERS)
    install_page_errors(app)


def render_error(status: int, message: str | None = None):
    title, text = ERROR_TEXT.get(status, ERROR_TEXT[500 if status >= 500 else 400])
    return render_template("error.html", title=title, message=message or text,
                           status=status), status


def install_page_errors(app: Flask) -> None:
    """HTML error pages for the pages; the API keeps its JSON errors (the handlers already
    registered by the shared app factory)."""
    json_handlers = dict(app.error_handler_spec.get(None, {}).get(None, {}))

    def wrap(exc_class):
        json_handler = json_handlers.get(exc_class)

        def handler(exc):
            if is_api(request.path) or request.path in NOT_PAGES:
                return json_handler(exc)
            if isinstance(exc, ApiError):
                return render_error(exc.status)
            if isinstance(exc, HTTPException):
                return render_error(exc.code or 500)
            log.exception("event=page_error path=%s", request.path)
            return render_error(500)
        return handler

    for exc_class in (ApiError, HTTPException, Exception):
        if exc_class in json_handlers:
            app.register_error_handler(exc_class, wrap(exc_class))
