"""Triage rules: the catalog of SOP-Dinkominfo-001, classification checks and the priority
matrix. Plain data in, plain data out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
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
TYPE_CODES = [t["code"] for t in TICKET_TYPES]

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

# Which categories the recording form (FRM-002) offers for each type: the seed of the
# catalog_types table, which an admin edits afterwards.
TYPE_CATEGORIES = {
    "incident": ["Aplikasi", "Jaringan", "Hardware", "Data"],
    "service_request": ["Aplikasi", "Jaringan", "Data"],
    "access_request": ["Akses"],
    "other": ["Lainnya"],
}

# Types outside the incident catalog take one category of their own (form FRM-002).
TYPE_ONLY_CATEGORIES = {"Akses": "access_request", "Lainnya": "other"}


def service_code(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class CatalogData:
    """The catalog as plain data: which categories each type offers, and the service tree."""
    types: dict[str, list[str]]  # type code -> categories
    tree: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # cat -> detail -> names

    def services_of(self, category: str) -> list[str]:
        return [s for names in self.tree.get(category, {}).values() for s in names]

    def categories(self) -> list[str]:
        known = list(self.tree)
        for offered in self.types.values():
            known += [c for c in offered if c not in known]
        return known


DEFAULT_CATALOG_DATA = CatalogData(types=TYPE_CATEGORIES, tree=DEFAULT_CATALOG)


def resolve_service(catalog: CatalogData, category: str | None, service: str | None) -> str | None:
    """A service may be named by its name or its code; the name is what tickets keep."""
    if not service or not category:
        return service
    for name in catalog.services_of(category):
        if service in (name, service_code(name)):
            return name
    return service


def check_classification(catalog: CatalogData, *, type: str | None, category: str | None,
                         service: str | None) -> dict[str, list[str]]:
    """Errors per field: an unknown type, category or service, a category the type does not
    offer, or a service outside its category. Empty when the classification is valid."""
    if type is not None and type not in catalog.types:
        return {"type": [f"Unknown type {type!r}; choose one of {', '.join(catalog.types)}."]}
    if category not in catalog.categories():
        return {"category": [f"Unknown category {category!r}; choose one of "
                             f"{', '.join(catalog.categories())}."]}
    offered = catalog.types.get(type or "incident", [])
    if category not in offered:
        return {"category": [f"Category {category!r} is not offered for type "
                             f"{type or 'incident'!r}; choose one of {', '.join(offered)}."]}
    if service:
        services = catalog.services_of(category)
        if resolve_service(catalog, category, service) not in services:
            if not services:
                return {"service": [f"Category {category!r} has no services; leave it empty."]}
            return {"service": [f"{service!r} is not a service of category {category!r}."]}
    return {}


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


@dataclass
class Priority:
    """What the classification's priority is: the matrix's answer unless an operator
    overrode it (with a reason)."""
    computed: int | None
    override: int | None = None
    reason: str | None = None

    @property
    def value(self) -> int | None:
        return self.override if self.override is not None else self.computed


def newer(versions: dict, name: str, at: str) -> bool:
    """Unordered delivery: a change older than the one a field already holds is ignored."""
    held = versions.get(name)
    return held is None or datetime.fromisoformat(held) <= datetime.fromisoformat(at)
