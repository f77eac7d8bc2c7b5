"""Intake's read model of what other services decided: SLA, escalation, survey, knowledge.

Each handler runs inside one unit of work (the worker commits). Delivery is at-least-once and
unordered: the inbox removes duplicates, `newer` keeps an older event from undoing a newer one.
"""
from __future__ import annotations

from datetime import datetime

from servicedesk_common.events import Envelope, read_payload

from .handlers import _apply, _newer, now, start_handling
from .models import Reply

SLA_FIELDS = ("policy", "calendar", "response_due_at", "resolution_due_at", "responded_at",
              "response_met", "resolution_met", "state")
# the columns a handler reads or compares, when it needs neither replies nor a status move
SLA_COLUMNS = ("sla", "sla_state", "sla_due_at", "versions")
REASSIGNED_COLUMNS = ("escalations", "versions", "group", "assignee")


def _ticket(uow, payload):
    """The whole ticket (its replies load only when a handler adds one)."""
    return uow.tickets.get_for_update(payload["number"], collections=False)


def _parse(moment: str | None) -> datetime:
    return datetime.fromisoformat(moment) if moment else now()


def on_sla_event(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.fields_for_update(payload["number"], SLA_COLUMNS)
    if ticket is None:
        return
    if _newer(ticket, "sla", event):
        ticket.sla = {name: payload.get(name) for name in SLA_FIELDS}
        ticket.sla_state = payload.get("state")
        due = payload.get("resolution_due_at")
        ticket.sla_due_at = datetime.fromisoformat(due) if due else None
    # A warning, a breach or a target met is a fact of the history even when a newer state
    # overtook it: only the state is guarded by `newer`.
    if event.type in ("sla.at_risk", "sla.breached", "sla.met"):
        uow.tickets.record(ticket, what=event.type.replace(".", "_"), by="sla", source="sla",
                           at=_parse(payload.get("at")), to_value=payload.get("target"))


def on_ticket_assigned(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = _ticket(uow, payload)
    if ticket is None:
        return
    escalation = {"id": payload.get("escalation_id"), "group": payload.get("group"),
                  "assignee": payload.get("assignee"), "diagnosis": payload.get("diagnosis"),
                  "reason": payload.get("reason"), "by": payload.get("by"),
                  "at": payload.get("at"), "state": "open", "outcome": None}
    _upsert_escalation(ticket, escalation)
    if _newer(ticket, "assignment", event):
        _apply(ticket, {"group": payload.get("group"), "assignee": payload.get("assignee")},
               by=payload.get("by"), source="escalation", uow=uow)
    elif len(ticket.escalations) == 1:  # the first assignment, overtaken by its reassignment
        _record_moves(ticket, {"group": (None, payload.get("group")),
                               "assignee": (None, payload.get("assignee"))},
                      by=payload.get("by"), uow=uow)
    # Being assigned is being handled: submitted/new -> in_progress (status moves, history).
    start_handling(ticket, by=payload.get("by"), by_role=payload.get("by_role"), uow=uow)


def on_escalation_resolved(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = _ticket(uow, payload)
    if ticket is None:
        return
    if payload.get("escalation_id") is not None:
        _update_escalation(ticket, payload["escalation_id"], state="resolved",
                           outcome="resolved", solution=payload.get("solution"),
                           resolved_at=payload.get("at"), outcome_by=payload.get("by"),
                           outcome_at=payload.get("at"))
    moment = _parse(payload.get("at"))
    ticket.replies.append(Reply(author=payload.get("by"), author_role=payload.get("by_role") or (
                                "technician" if payload.get("escalation_id") is not None
                                else "operator"),
                                body=payload.get("solution") or "", internal=True,
                                kind="solution", created_at=moment))
    _apply(ticket, {"solution": payload.get("solution"), "resolved_at": moment},
           by=payload.get("by"), source="escalation", uow=uow)


def on_escalation_reassigned(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.fields_for_update(payload["number"], REASSIGNED_COLUMNS)
    if ticket is None:
        return
    kind = payload.get("kind") or "reassigned"
    if payload.get("escalation_id") is not None:
        # `reason` stays the escalation form's; the move's own reason is the outcome's.
        _update_escalation(ticket, payload["escalation_id"], state=kind, outcome=kind,
                           outcome_reason=payload.get("reason"), outcome_by=payload.get("by"),
                           outcome_at=payload.get("at"), to_group=payload.get("to_group"))
    if _newer(ticket, "assignment", event):
        ticket.group, ticket.assignee = payload.get("to_group"), payload.get("to_assignee")
        ticket.updated_at = now()
    # the move as the event tells it, not from what the ticket holds: the same history rows
    # whether or not the assignment it moves from was handled first
    _record_moves(ticket, {"group": (payload.get("from_group"), payload.get("to_group")),
                           "assignee": (payload.get("from_assignee"), payload.get("to_assignee"))},
                  by=payload.get("by"), uow=uow)


def _record_moves(ticket, moves: dict, *, by, uow) -> None:
    for name, (old, new) in moves.items():
        if old != new:
            uow.tickets.record(ticket, what=name, by=by, source="escalation", at=now(),
                               from_value=old, to_value=new)


def on_survey_sent(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = _ticket(uow, payload)
    if ticket is None:
        return
    # An answer may overtake its survey (unordered delivery): it stays answered, and the link
    # and the closing reply are still what the survey sent.
    answered = (ticket.survey or {}).get("status") == "answered"
    ticket.survey = {**ticket.survey, "url": payload.get("url")} if answered else {
        "status": "sent", "score": None, "url": payload.get("url")}
    if payload.get("url"):  # the closing reply to the client carries the survey link
        ticket.replies.append(Reply(
            author="service desk", author_role="system", internal=False, kind="survey",
            created_at=_parse(payload.get("at")),
            body="Tiket ini sudah selesai. Mohon bantu kami dengan mengisi survei kepuasan "
                 f"layanan: {payload['url']}"))
    uow.tickets.record(ticket, what="survey_sent", by="survey", source="survey",
                       at=_parse(payload.get("at")), to_value=payload.get("url"))


def on_survey_submitted(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = _ticket(uow, payload)
    if ticket is None:
        return
    ticket.survey = {**(ticket.survey or {}), "status": "answered",
                     "score": payload.get("score"), "follow_up": payload.get("follow_up")}
    uow.tickets.record(ticket, what="survey_answered", by="survey", source="survey",
                       at=_parse(payload.get("at")), to_value=payload.get("score"))
    if payload.get("follow_up"):  # a mean of 2.5 or less: the supervisor follows up
        ticket.replies.append(Reply(
            author="survey", author_role="system", internal=True, kind="follow_up",
            created_at=_parse(payload.get("at")),
            body=f"Skor survei kepuasan {payload.get('score')} (2,5 atau kurang): perlu tindak "
                 "lanjut Kepala Seksi."))
        uow.tickets.record(ticket, what="survey_follow_up", by="survey", source="survey",
                           at=_parse(payload.get("at")), to_value=payload.get("score"))


def on_article_used(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.fields_for_update(payload["number"], ())
    if ticket is None:
        return
    used = payload.get("article_id") or payload.get("similar_ticket")
    uow.tickets.record(ticket, what="knowledge_used", by=payload.get("by"), source="knowledge",
                       at=_parse(payload.get("at")), to_value=used)


def _upsert_escalation(ticket, escalation: dict) -> None:
    entries = list(ticket.escalations or [])
    for index, entry in enumerate(entries):
        if escalation["id"] is not None and entry.get("id") == escalation["id"]:
            # Its outcome may have overtaken it (unordered delivery): the outcome stays.
            outcome = {k: v for k, v in entry.items() if v is not None} \
                if entry.get("state") not in (None, "open") else {}
            entries[index] = {**escalation, **outcome}
            ticket.escalations = entries
            return
    ticket.escalations = entries + [escalation]


def _update_escalation(ticket, escalation_id, **changes) -> None:
    entries = list(ticket.escalations or [])
    if not any(e.get("id") == escalation_id for e in entries):
        entries.append({"id": escalation_id})  # the assignment is still on its way
    ticket.escalations = [_outcome(e, changes) if e.get("id") == escalation_id else e
                          for e in entries]


def _outcome(entry: dict, changes: dict) -> dict:
    """A newer outcome wins; an older one that arrives late only fills in what is missing."""
    if (entry.get("outcome_at") or "") > (changes.get("outcome_at") or ""):
        return {**{k: v for k, v in changes.items() if v is not None}, **{
            k: v for k, v in entry.items() if v is not None}}
    return {**entry, **changes}


READ_MODEL_HANDLERS = {
    **{name: on_sla_event for name in ("sla.started", "sla.updated", "sla.responded",
                                       "sla.at_risk", "sla.breached", "sla.met")},
    "ticket.assigned": on_ticket_assigned,
    "escalation.resolved": on_escalation_resolved,
    "escalation.reassigned": on_escalation_reassigned,
    "survey.sent": on_survey_sent,
    "survey.submitted": on_survey_submitted,
    "article.used": on_article_used,
}
