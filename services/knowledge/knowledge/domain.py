"""Knowledge rules: who may do what to an article (FRM-003), its lifecycle, drafts from solved
tickets. Plain data in, plain data out."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from servicedesk_common.identity import KNOWLEDGE_MANAGER, Identity

from . import text

DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
STATUSES = (DRAFT, PUBLISHED, ARCHIVED)
CONTENT_FIELDS = ("title", "category", "service", "symptoms", "solution", "keywords")
# draft -> published -> archived, and back: an archived article may come back, a published one
# may go back to draft for rework (the knowledge manager decides; every move is a version).
MOVES = {
    DRAFT: {PUBLISHED, ARCHIVED},
    PUBLISHED: {ARCHIVED, DRAFT},
    ARCHIVED: {PUBLISHED, DRAFT},
}
USE_SOURCES = ("suggestion", "search", "manual")
MAX_KEYWORDS = 20
DEFAULT_CATEGORY = "Lainnya"


class Refused(Exception):
    """The caller may not do this (403)."""


class NotAllowed(Exception):
    """The article's state does not allow it (409)."""


def is_manager(identity: Identity | None) -> bool:
    return identity is not None and identity.role == KNOWLEDGE_MANAGER


def check_create(identity: Identity, status: str) -> None:
    """Any staff member proposes a draft; only the knowledge manager publishes."""
    if status != DRAFT and not is_manager(identity):
        raise Refused("Only the knowledge manager publishes; save the article as a draft "
                      "(status 'draft') for review.")
    if status == ARCHIVED:
        raise NotAllowed("A new article is a draft or published, not archived.")


def check_edit(identity: Identity, *, status: str, created_by: str, changes: Mapping) -> None:
    """The knowledge manager edits anything; the author of a draft may edit its text while it
    is a draft; nobody else edits."""
    if is_manager(identity):
        new_status = changes.get("status")
        if new_status and new_status != status and new_status not in MOVES[status]:
            raise NotAllowed(f"An article cannot move from {status} to {new_status}.")
        return
    if "status" in changes and changes["status"] != status:
        raise Refused("Only the knowledge manager publishes, archives or withdraws articles.")
    if status != DRAFT or identity.username != created_by:
        raise Refused("Only the knowledge manager edits this article; you may edit your own "
                      "drafts.")


def clean_keywords(keywords) -> list[str]:
    """Trimmed, without blanks or repeats (case-insensitive), in the order given."""
    seen, cleaned = set(), []
    for keyword in keywords or []:
        keyword = " ".join(str(keyword).split())
        if keyword and keyword.lower() not in seen:
            seen.add(keyword.lower())
            cleaned.append(keyword)
    return cleaned


def content_changes(current: Mapping, changes: Mapping) -> dict:
    """Only the fields that really change (a PATCH repeating the text is not a new version)."""
    return {name: value for name, value in changes.items()
            if name in CONTENT_FIELDS + ("status",) and current.get(name) != value}


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:120] or "artikel"


def draft_from_ticket(ticket: Mapping) -> dict:
    """The FRM-003 fields of a solved ticket: its title, category and service, what the client
    wrote as symptoms, the solution it was closed with, its most telling words as keywords."""
    keywords = []
    for word in text.tokens(f"{ticket.get('title') or ''} {ticket.get('service') or ''}"):
        if len(word) > 2 and not word.isdigit() and word not in keywords:
            keywords.append(word)
    return {
        "title": (ticket.get("title") or ticket["number"])[:200],
        "category": ticket.get("category") or DEFAULT_CATEGORY,
        "service": ticket.get("service"),
        "symptoms": ticket.get("body") or ticket.get("title") or "",
        "solution": ticket.get("solution") or "",
        "keywords": keywords[:8],
    }
