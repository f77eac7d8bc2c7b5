"""Triage's answers, applied to the ticket: classification, recategorisation, priority."""
from __future__ import annotations

from servicedesk_common.events import Envelope, read_payload

from .base import _apply, _newer

# what each handler reads or compares; whatever it sets is written when the unit of work commits
CLASSIFIED = ("type", "category", "service", "classification", "versions")
PRIORITIZED = ("urgency", "impact", "priority", "priority_reason", "versions")


def on_ticket_classified(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.fields_for_update(payload["number"], CLASSIFIED)
    if ticket is None:
        return
    _classification_block(ticket, payload)
    if not _newer(ticket, "classification", event):
        return
    _apply(ticket, {k: payload[k] for k in ("type", "category", "service") if k in payload
                    and (payload[k] or k == "service")},
           by=payload.get("by") or "triage", source="triage", uow=uow)


def on_ticket_recategorized(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.fields_for_update(payload["number"], CLASSIFIED)
    if ticket is None:
        return
    _classification_block(ticket, payload)
    if _newer(ticket, "classification", event):
        _apply(ticket, {"category": payload.get("to_category"),
                        "service": payload.get("to_service")},
               by=payload.get("by") or "triage", source="triage", uow=uow)


def _classification_block(ticket, payload: dict) -> None:
    """What triage says of the classification; counts only grow, whatever the order."""
    block = dict(ticket.classification or {})
    if "category_valid" in payload and (payload.get("at") or "") >= (
            block.get("classified_at") or ""):
        block["category_valid"] = payload.get("category_valid")
        block["classified_at"] = payload.get("at")
    if payload.get("recategorisations") is not None:
        block["recategorisations"] = max(block.get("recategorisations") or 0,
                                         payload["recategorisations"])
    block.setdefault("recategorisations", 0)
    ticket.classification = block


def on_ticket_prioritized(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    ticket = uow.tickets.fields_for_update(payload["number"], PRIORITIZED)
    if ticket is None or not _newer(ticket, "priority", event):
        return
    _apply(ticket, {"urgency": payload.get("urgency"), "impact": payload.get("impact"),
                    "priority": payload.get("priority"),
                    "priority_reason": payload.get("override_reason")},
           by=payload.get("by") or "triage", source="triage", uow=uow)


EVENT_HANDLERS = {
    "ticket.classified": on_ticket_classified,
    "ticket.recategorized": on_ticket_recategorized,
    "ticket.prioritized": on_ticket_prioritized,
}
