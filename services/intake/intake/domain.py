"""Ticket rules: numbering, statuses and their allowed moves (SOP-Dinkominfo-001)."""
from __future__ import annotations

import hashlib
import secrets
from enum import Enum


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
