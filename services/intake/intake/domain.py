"""Ticket rules: numbering, statuses and their allowed moves (SOP-Dinkominfo-001)."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")


class TicketType(str, Enum):
    INCIDENT = "incident"
    SERVICE_REQUEST = "service_request"
    ACCESS_REQUEST = "access_request"
    OTHER = "other"


NUMBER_PREFIX = {
    TicketType.INCIDENT: "INC",
    TicketType.SERVICE_REQUEST: "REQ",
    TicketType.ACCESS_REQUEST: "ACC",
    TicketType.OTHER: "TKT",
}


class Status(str, Enum):
    SUBMITTED = "submitted"
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"


ALLOWED_MOVES = {
    Status.SUBMITTED: {Status.NEW, Status.DONE},
    Status.NEW: {Status.IN_PROGRESS, Status.DONE},
    Status.IN_PROGRESS: {Status.DONE},
    Status.DONE: {Status.IN_PROGRESS},
}

STAFF_CHANNELS = ("phone", "email", "letter", "walk_in", "web")


class ForbiddenMove(ValueError):
    def __init__(self, current: Status, wanted: Status):
        allowed = sorted(s.value for s in ALLOWED_MOVES[current])
        super().__init__(f"A ticket in status '{current.value}' cannot move to '{wanted.value}'; "
                         f"allowed: {', '.join(allowed) or 'none'}.")
        self.current, self.wanted, self.allowed = current, wanted, allowed


def check_move(current: str, wanted: str) -> None:
    current_status, wanted_status = Status(current), Status(wanted)
    if wanted_status not in ALLOWED_MOVES[current_status]:
        raise ForbiddenMove(current_status, wanted_status)


def ticket_number(ticket_type: str, year: int, sequence: int) -> str:
    return f"{NUMBER_PREFIX[TicketType(ticket_type)]}-{year}-{sequence:06d}"


def sequence_key(ticket_type: str, year: int) -> str:
    return f"{NUMBER_PREFIX[TicketType(ticket_type)]}-{year}"


def initial_status(*, recorded_by_staff: bool) -> Status:
    """Client and guest tickets wait for verification; operator-recorded ones are verified."""
    return Status.NEW if recorded_by_staff else Status.SUBMITTED


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
    if not token or not stored_hash:
        return False
    return secrets.compare_digest(hash_token(token), stored_hash)


def jakarta_year(moment: datetime) -> int:
    """Ticket numbers count per year as the office sees it (WIB)."""
    return moment.astimezone(JAKARTA).year


# Hold: not a status; an in-progress ticket waits and its resolution clock pauses.
HOLD_REASONS = ("waiting_client", "waiting_vendor")


class HoldRefused(ValueError):
    pass


def check_hold(status: str, hold_reason: str | None) -> None:
    if status != Status.IN_PROGRESS.value:
        raise HoldRefused(f"Only a ticket in progress can be put on hold; this one is "
                          f"'{status}'.")
    if hold_reason:
        raise HoldRefused(f"The ticket is already on hold ({hold_reason}); lift that hold "
                          "first.")


def owner_may_reopen(closed_at: datetime | None, moment: datetime, *, days: int) -> bool:
    return closed_at is not None and moment - closed_at <= timedelta(days=days)


# Type-only categories when the catalog cannot be asked (FRM-002: Permintaan Akses - Akses).
TYPE_ONLY_CATEGORY = {"access_request": "Akses", "other": "Lainnya"}


def _service_code(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def catalog_services(catalog: dict, category: str) -> dict[str, str]:
    """code -> name of the services of a category, from the contract's catalog shape."""
    return {service.get("code") or _service_code(service["name"]): service["name"]
            for entry in catalog.get("categories", []) if entry.get("name") == category
            for detail in entry.get("details", []) for service in detail.get("services", [])}


def default_category(catalog: dict | None, ticket_type: str) -> str | None:
    """A type that offers one category only (access requests, other) needs none given."""
    if catalog is None:
        return TYPE_ONLY_CATEGORY.get(ticket_type)
    offered = next((t.get("categories") or [] for t in catalog.get("types", [])
                    if t.get("code") == ticket_type), [])
    return offered[0] if len(offered) == 1 else None


def classification_errors(catalog: dict, *, ticket_type: str, category: str | None,
                          service: str | None) -> dict[str, list[str]]:
    """The same rules triage applies, on the catalog it publishes: errors per field."""
    types = {t.get("code"): t.get("categories") or [] for t in catalog.get("types", [])}
    if ticket_type not in types:
        return {"type": [f"Unknown type {ticket_type!r}; choose one of {', '.join(types)}."]}
    known = [c.get("name") for c in catalog.get("categories", [])]
    known += [c for offered in types.values() for c in offered if c not in known]
    if category not in known:
        return {"category": [f"Unknown category {category!r}; choose one of "
                             f"{', '.join(known)}."]}
    if category not in types[ticket_type]:
        return {"category": [f"Category {category!r} is not offered for type {ticket_type!r};"
                             f" choose one of {', '.join(types[ticket_type])}."]}
    services = catalog_services(catalog, category)
    if service and service not in services and service not in services.values():
        if not services:
            return {"service": [f"Category {category!r} has no services; leave it empty."]}
        return {"service": [f"{service!r} is not a service of category {category!r}; "
                            f"choose one of {', '.join(services.values())}."]}
    return {}


def service_name(catalog: dict | None, category: str | None, service: str | None) -> str | None:
    """A service may be given by its code; tickets keep its name."""
    if catalog is None or not service or not category:
        return service
    return catalog_services(catalog, category).get(service, service)


def closing_gaps(*, category: str | None, service: str | None, urgency: str | None,
                 impact: str | None, resolution: str | None,
                 catalog: dict | None) -> dict[str, list[str]]:
    """SOP step 16: what a ticket still lacks to be closed. Without the catalog at hand a
    missing service is not held against it (whether the category has services is unknown)."""
    gaps = {}
    if not category:
        gaps["category"] = ["Choose the category before closing."]
    elif not service and catalog is not None and catalog_services(catalog, category):
        gaps["service"] = [f"Choose the service of category {category!r} before closing."]
    for name, value in (("urgency", urgency), ("impact", impact)):
        if not value:
            gaps[name] = [f"Set the {name} before closing."]
    if not resolution:
        gaps["resolution"] = ["Write the resolution the client is told."]
    return gaps


NUMBER_PATTERN = re.compile(r"^(INC|REQ|ACC|TKT)-\d{4}-\d{6,9}$")


def looks_like_number(number: str) -> bool:
    return bool(NUMBER_PATTERN.match(number))


# Canned replies: the ticket's fields a template may name, as {number}, {title}, ...
TEMPLATE_FIELDS = ("number", "title", "contact_name", "agency", "category", "service",
                   "status", "priority", "guest_email", "client", "assignee")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def unknown_placeholders(body: str) -> list[str]:
    """The {names} of a template that are no ticket field (a typo would reach the client)."""
    return sorted({name for name in PLACEHOLDER.findall(body) if name not in TEMPLATE_FIELDS})


def fill_template(body: str, ticket: dict) -> str:
    """The template with the ticket's fields in; a field the ticket lacks becomes "-"."""
    def value(match):
        found = ticket.get(match.group(1))
        return "-" if found in (None, "") else str(found)
    return PLACEHOLDER.sub(value, body)
