"""The route catalogue (servicedesk_common.routes) and the services' blueprints list the same
public routes: a route added to a blueprint without its declaration, or declared for a service
that does not have it, fails here. No servers: each app is built on a SQLite file."""
from __future__ import annotations

import importlib
import re
from dataclasses import replace

import pytest

from servicedesk_common.routes import GATEWAY, PREFIX, ROUTES, Catalogue, Route
from servicedesk_common.settings import SERVICES, Settings, database_url_for

# Served by the gateway itself at its door, not a route of the contract: its catch-all forwarder.
GATEWAY_FORWARDER = f"{PREFIX}/<path:rest>"


def served_routes(app) -> set[tuple[str, str]]:
    """(method, rule) for every public API route the app serves (HEAD/OPTIONS are implied)."""
    return {(method, rule.rule)
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith(PREFIX + "/") and rule.rule != GATEWAY_FORWARDER
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def declared_routes(routes, service: str) -> set[tuple[str, str]]:
    return {(route.method, route.rule) for route in routes if route.service == service}


@pytest.fixture(scope="module")
def apps(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("SERVICEDESK_DEV", "1")
    built = {}
    for service in (*SERVICES, GATEWAY):
        data_dir = tmp_path_factory.mktemp(service)
        settings = replace(Settings.from_env(service), data_dir=data_dir,
                           database_url=database_url_for(service, None, data_dir),
                           secret_key="catalogue-test-key")
        built[service] = importlib.import_module(f"{service}.api").create_app(settings)
    return built


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def difference(app, routes, service: str) -> dict:
    served, declared = served_routes(app), declared_routes(routes, service)
    return {"served but not declared": sorted(served - declared),
            "declared but not served": sorted(declared - served)}


@pytest.mark.parametrize("service", (*SERVICES, GATEWAY))
def test_every_route_a_service_serves_is_declared_and_every_declaration_is_served(
        apps, service):
    assert difference(apps[service], ROUTES, service) == {
        "served but not declared": [], "declared but not served": []}


def test_a_route_added_to_a_blueprint_without_a_declaration_is_caught(apps):
    app = apps["triage"]
    app.add_url_rule(f"{PREFIX}/catalog/secret-export", "secret_export", lambda: "",
                     methods=["GET"])
    try:
        assert difference(app, ROUTES, "triage")["served but not declared"] == [
            ("GET", f"{PREFIX}/catalog/secret-export")]
    finally:  # the app is shared by the module's tests: put its map back
        app.url_map._rules.pop()
        app.url_map._rules_by_endpoint.pop("secret_export")
        app.url_map._remap = True


def test_a_declaration_for_a_route_no_service_serves_is_caught(apps):
    extra = Route("DELETE", "/kb/synonyms", "knowledge", ROUTES[0].access)
    assert difference(apps["knowledge"], (*ROUTES, extra), "knowledge")[
        "declared but not served"] == [("DELETE", f"{PREFIX}/kb/synonyms")]


def test_every_declared_route_is_matched_back_to_its_own_declaration():
    """No declaration is shadowed by another (same path and method twice, or a variable
    segment that swallows a fixed one)."""
    catalogue = Catalogue()
    for route in ROUTES:
        path = re.sub(r"<[^>]+>", "X-1", re.sub(r"<int:[^>]+>", "7", route.rule))
        assert catalogue.match(route.method, path) == route, route


@pytest.mark.parametrize("service", SERVICES)
def test_every_declared_route_is_described_in_its_services_openapi_document(apps, service):
    """The gateway's merged document takes each declared operation from here."""
    paths = apps[service].test_client().get("/openapi.json").json["paths"]
    undescribed = [(route.method, route.openapi_path) for route in ROUTES
                   if route.service == service
                   and route.method.lower() not in paths.get(route.openapi_path, {})]
    assert undescribed == []
