"""Triage rules: the catalog of SOP-Dinkominfo-001 and the priority matrix."""
from __future__ import annotations

from enum import Enum


class Level(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


LEVELS = [level.value for level in Level]

DEFAULT_MATRIX = {  # urgency -> impact -> priority
    "high": {"high": 1, "medium": 1, "low": 2},
    "medium": {"high": 1, "medium": 2, "low": 3},
    "low": {"high": 2, "medium": 3, "low": 3},
}

TICKET_TYPES = [
    {"code": "incident", "name": "Insiden"},
    {"code": "service_request", "name": "Permintaan"},
    {"code": "access_request", "name": "Permintaan Akses"},
    {"code": "other", "name": "Lainnya"},
]

# category -> detail -> services (DOMAIN.md "Ticket types and the service catalog")
DEFAULT_CATALOG = {
    "Aplikasi": {
        "Aplikasi": ["Aplikasi down", "Aplikasi rusak", "Aplikasi bug", "Update aplikasi gagal"],
        "OS": ["OS crash"],
    },
    "Jaringan": {
        "SIM": ["SIM down"],
        "Internet": ["Internet lambat", "Internet mati", "Internet down"],
        "Jaringan": ["Perbaikan jaringan"],
    },
    "Hardware": {
        "WAN": ["WAN mati"],
        "Komputer": ["Komputer rusak", "Komputer terkena virus", "Komputer hang",
                     "Komputer gagal booting", "Komputer lambat"],
        "Laptop": ["Laptop hang"],
        "Hardisk": ["Hardisk rusak"],
        "Server": ["Server down"],
        "Kabel": ["Kabel rusak"],
        "Listrik": ["Listrik rusak"],
        "RAM": ["RAM kotor"],
    },
    "Data": {
        "Data": ["Data tidak sinkron", "Data hilang", "Data pending", "Update data lambat"],
    },
}

# Which categories the recording form (FRM-002) offers for each type.
TYPE_CATEGORIES = {
    "incident": ["Aplikasi", "Jaringan", "Hardware", "Data"],
    "service_request": ["Aplikasi", "Jaringan", "Data"],
    "access_request": ["Akses"],
    "other": ["Lainnya"],
}


# Types outside the incident catalog take one category of their own (form FRM-002).
TYPE_ONLY_CATEGORIES = {"Akses": "access_request", "Lainnya": "other"}


def service_code(name: str) -> str:
    return name.lower().replace(" ", "-")


def priority_for(urgency: str | None, impact: str | None, matrix=DEFAULT_MATRIX) -> int | None:
    """None until an operator has set both; the SLA then measures against priority 3."""
    if urgency is None or impact is None:
        return None
    return matrix[urgency][impact]


def validate_matrix(matrix: dict) -> dict[str, list[str]]:
    """Errors per cell ("high.low": [...]); empty when the matrix is complete and in 1..3."""
    errors: dict[str, list[str]] = {}
    for urgency in LEVELS:
        row = matrix.get(urgency)
        if not isinstance(row, dict):
            errors[urgency] = ["Missing row: give high, medium and low."]
            continue
        for impact in LEVELS:
            value = row.get(impact)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3:
                errors[f"{urgency}.{impact}"] = ["Must be a priority 1, 2 or 3."]
    extra = set(matrix) - set(LEVELS)
    extra |= {f"{u}.{i}" for u, row in matrix.items() if isinstance(row, dict)
              for i in row if i not in LEVELS}
    for key in sorted(extra):
        errors[key] = ["Unknown level: use high, medium or low."]
    return errors


def check_classification(catalog: dict, *, category: str | None, service: str | None) -> dict:
    """Errors per field: an unknown category, or a service that is not in its category."""
    if category in TYPE_ONLY_CATEGORIES:
        return {}
    if category not in catalog:
        known = sorted(catalog) + sorted(TYPE_ONLY_CATEGORIES)
        return {"category": [f"Unknown category {category!r}; choose one of "
                             f"{', '.join(known)}."]}
    if service and service not in services_of(catalog, category):
        return {"service": [f"{service!r} is not a service of category {category!r}."]}
    return {}


def services_of(catalog: dict, category: str) -> list[str]:
    return [s for services in catalog.get(category, {}).values() for s in services]
