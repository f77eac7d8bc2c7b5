"""What each reader sees of a ticket. Staff see everything; the owner (a client, or a guest
through the tracking token) never sees internal notes, escalation forms, level-2 solutions or
override reasons; the survey link is for staff and the owner only."""
from __future__ import annotations

from .models import Reply, Ticket

COLUMNS = ("number", "title", "body", "type", "category", "service", "channel", "status",
           "urgency", "impact", "priority", "client", "guest_email", "contact_name",
           "contact_phone", "agency", "recorded_by", "group", "assignee", "resolution",
           "created_at", "updated_at", "resolved_at", "closed_at", "sla", "classification",
           "attachments", "unread_client_replies")
STAFF_ONLY = ("priority_reason", "solution")
PUBLIC_ESCALATION = ("group", "assignee", "state", "at")


def reply_view(reply: Reply) -> dict:
    return {"id": reply.id, "author": reply.author, "author_role": reply.author_role,
            "author_kind": "client" if reply.author_role in ("client", "guest") else "staff",
            "body": reply.body, "internal": reply.internal, "kind": reply.kind,
            "created_at": reply.created_at, "ticket": reply.ticket.number if reply.ticket else None}


def client_reply_view(outcome) -> dict:
    """A client's reply; after the reopen window it is the body of a new ticket instead."""
    if outcome.reply is not None:
        return reply_view(outcome.reply)
    ticket = outcome.ticket
    return {"id": None, "ticket": ticket.number, "author": ticket.client or ticket.guest_email,
            "author_role": "client" if ticket.client else "guest", "author_kind": "client",
            "body": ticket.body, "internal": False, "kind": "reply",
            "created_at": ticket.created_at}


def _hold(ticket: Ticket) -> dict | None:
    if not ticket.hold_reason:
        return None
    return {"reason": ticket.hold_reason, "note": ticket.hold_note, "since": ticket.hold_since}


def _survey(ticket: Ticket) -> dict:
    survey = ticket.survey or {}
    return {"status": survey.get("status"), "score": survey.get("score"),
            "url": survey.get("url")}


def ticket_view(ticket: Ticket, *, staff: bool) -> dict:
    """The full ticket of API.md for staff or its owner (nobody else may read it)."""
    view = {name: getattr(ticket, name) for name in COLUMNS}
    view.update(on_hold=ticket.hold_reason, hold=_hold(ticket), survey=_survey(ticket),
                replies=[reply_view(r) for r in ticket.replies if staff or not r.internal])
    if staff:
        view.update({name: getattr(ticket, name) for name in STAFF_ONLY},
                    escalations=list(ticket.escalations or []))
    else:
        view.update({name: None for name in STAFF_ONLY}, escalations=[
            {k: e.get(k) for k in PUBLIC_ESCALATION} for e in ticket.escalations or []])
    return view


def public_view(ticket: Ticket) -> dict:
    """The tracking page: what the guest holding the token may know."""
    sla = ticket.sla or {}
    return {
        **{name: getattr(ticket, name) for name in (
            "number", "title", "type", "category", "service", "status", "priority",
            "resolution", "created_at", "updated_at", "closed_at", "attachments")},
        "on_hold": ticket.hold_reason,
        "replies": [reply_view(r) for r in ticket.replies if not r.internal],
        "sla": {name: sla.get(name) for name in ("response_due_at", "resolution_due_at",
                                                  "state")},
        "survey": _survey(ticket),
    }
