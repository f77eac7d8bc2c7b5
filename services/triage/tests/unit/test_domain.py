"""Triage's pure rules: the priority matrix cell by cell, matrix checks, classification checks."""
import pytest

from triage import domain
from triage.domain import CatalogData, check_classification, priority_for, validate_matrix

CATALOG = domain.DEFAULT_CATALOG_DATA

SOP_MATRIX = [  # (urgency, impact, priority) as printed in DOMAIN.md
    ("high", "high", 1), ("high", "medium", 1), ("high", "low", 2),
    ("medium", "high", 1), ("medium", "medium", 2), ("medium", "low", 3),
    ("low", "high", 2), ("low", "medium", 3), ("low", "low", 3),
]


@pytest.mark.parametrize(("urgency", "impact", "priority"), SOP_MATRIX)
def test_each_cell_of_the_sop_matrix_gives_its_priority(urgency, impact, priority):
    assert priority_for(urgency, impact) == priority


@pytest.mark.parametrize(("urgency", "impact", "_"), SOP_MATRIX)
def test_an_edited_matrix_decides_every_cell(urgency, impact, _):
    inverted = {u: {i: 4 - domain.DEFAULT_MATRIX[u][i] for i in domain.LEVELS}
                for u in domain.LEVELS}
    assert priority_for(urgency, impact, inverted) == 4 - domain.DEFAULT_MATRIX[urgency][impact]


@pytest.mark.parametrize(("urgency", "impact"), [(None, "high"), ("low", None), (None, None)])
def test_no_priority_until_urgency_and_impact_are_both_set(urgency, impact):
    assert priority_for(urgency, impact) is None


def test_the_default_matrix_is_valid():
    assert validate_matrix(domain.DEFAULT_MATRIX) == {}


@pytest.mark.parametrize(("matrix", "field"), [
    ({"high": {"high": 1, "medium": 1, "low": 2}, "medium": {"high": 1, "medium": 2, "low": 3}},
     "low"),
    ({**domain.DEFAULT_MATRIX, "low": {"high": 2, "medium": 3, "low": 4}}, "low.low"),
    ({**domain.DEFAULT_MATRIX, "low": {"high": 0, "medium": 3, "low": 3}}, "low.high"),
    ({**domain.DEFAULT_MATRIX, "low": {"high": True, "medium": 3, "low": 3}}, "low.high"),
    ({**domain.DEFAULT_MATRIX, "low": {"high": "2", "medium": 3, "low": 3}}, "low.high"),
    ({**domain.DEFAULT_MATRIX, "low": {"high": 2, "medium": 3}}, "low.low"),
    ({**domain.DEFAULT_MATRIX, "critical": {"high": 1, "medium": 1, "low": 1}}, "critical"),
    ({**domain.DEFAULT_MATRIX, "low": {"high": 2, "medium": 3, "low": 3, "none": 3}},
     "low.none"),
])
def test_a_broken_matrix_names_the_cell(matrix, field):
    assert field in validate_matrix(matrix)


def test_the_catalog_ships_the_whole_sop():
    assert list(CATALOG.tree) == ["Aplikasi", "Jaringan", "Hardware", "Data"]
    assert sum(len(CATALOG.services_of(c)) for c in CATALOG.tree) == 26
    assert CATALOG.tree["Hardware"]["WAN"] == ["WAN mati"]
    assert CATALOG.types["access_request"] == ["Akses"]


@pytest.mark.parametrize(("ticket_type", "category", "service"), [
    ("incident", "Jaringan", "Internet mati"),
    ("incident", "Jaringan", "internet-mati"),  # by code
    ("incident", "Hardware", None),
    ("service_request", "Data", "Data hilang"),
    ("access_request", "Akses", None),
    ("other", "Lainnya", None),
])
def test_a_valid_classification_has_no_errors(ticket_type, category, service):
    assert check_classification(CATALOG, type=ticket_type, category=category,
                                service=service) == {}


@pytest.mark.parametrize(("ticket_type", "category", "service", "field", "says"), [
    ("problem", "Jaringan", None, "type", "Unknown type"),
    ("incident", "Printer", None, "category", "Unknown category 'Printer'"),
    ("incident", "Akses", None, "category", "not offered for type 'incident'"),
    ("service_request", "Hardware", None, "category", "not offered"),
    ("incident", "Jaringan", "Server down", "service", "not a service of category 'Jaringan'"),
    ("incident", "Jaringan", "Printer macet", "service", "not a service"),
    ("access_request", "Akses", "Aplikasi down", "service", "has no services"),
])
def test_an_invalid_classification_names_the_field(ticket_type, category, service, field, says):
    errors = check_classification(CATALOG, type=ticket_type, category=category, service=service)
    assert list(errors) == [field]
    assert says in errors[field][0]


def test_a_moved_service_belongs_to_its_new_category():
    moved = CatalogData(types=CATALOG.types, tree={
        **CATALOG.tree, "Jaringan": {**CATALOG.tree["Jaringan"], "WAN": ["WAN mati"]},
        "Hardware": {d: s for d, s in CATALOG.tree["Hardware"].items() if d != "WAN"}})
    assert check_classification(moved, type="incident", category="Jaringan",
                                service="WAN mati") == {}
    assert "service" in check_classification(moved, type="incident", category="Hardware",
                                             service="WAN mati")


def test_service_codes_are_url_safe():
    assert domain.service_code("Komputer gagal booting") == "komputer-gagal-booting"
    assert domain.service_code("  Wi-Fi / LAN ") == "wi-fi-lan"


def test_an_older_change_loses_to_a_newer_one():
    versions = {"category": "2026-01-01T10:00:00+00:00"}
    assert not domain.newer(versions, "category", "2026-01-01T09:59:59.999999+00:00")
    assert domain.newer(versions, "category", "2026-01-01T10:00:00.000001+00:00")
    assert domain.newer(versions, "service", "2020-01-01T00:00:00+00:00")
