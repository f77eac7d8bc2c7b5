"""The public web pages (Bahasa Indonesia, server-rendered, working without JavaScript).

Each area is a module with a Flask blueprint named `bp`; add a module to PAGE_MODULES."""
from __future__ import annotations

import importlib

from flask import Flask

PAGE_MODULES = ("client",)


def register_pages(app: Flask) -> None:
    for name in PAGE_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
