"""What triage does on each event and command, inside one unit of work (the caller commits)."""
from __future__ import annotations

from datetime import UTC, datetime

from servicedesk_common.events import Envelope, iso, read_payload

from . import domain
from .models import Classification


def now() -> datetime:
    return datetime.now(UTC)


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment) if moment else None


def on_ticket_created(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    if uow.classifications.get(payload["number"]) is not None:
        return  # already classified (e.g. an update arrived first and created it)
    catalog = uow.catalog.as_tree()
    errors = domain.check_classification(catalog, category=payload.get("category"),
                                         service=payload.get("service"))
    moment = now()
    priority = domain.priority_for(payload.get("urgency"), payload.get("impact"),
                                   uow.catalog.matrix())
    classification = Classification(
        number=payload["number"], type=payload.get("type") or "incident",
        category=payload.get("category"), service=payload.get("service"),
        original_category=payload.get("category"), original_service=payload.get("service"),
        urgency=payload.get("urgency"), impact=payload.get("impact"),
        computed_priority=priority, priority=priority, channel=payload.get("channel"),
        created_at=_parse(payload.get("created_at")), updated_at=moment, recategorisations=0)
    uow.classifications.add(classification)
    uow.outbox.add("ticket.classified", {
        "number": classification.number, "type": classification.type,
        "category": classification.category, "service": classification.service,
        "category_valid": not errors, "by": "triage", "at": iso(moment)},
        aggregate_id=classification.number)
    if priority is not None:
        _announce_priority(classification, by=payload.get("recorded_by"), uow=uow, at=moment)


def _announce_priority(classification: Classification, *, by: str | None, uow, at) -> None:
    uow.outbox.add("ticket.prioritized", {
        "number": classification.number, "urgency": classification.urgency,
        "impact": classification.impact, "priority": classification.priority,
        "computed_priority": classification.computed_priority,
        "override_reason": classification.override_reason, "type": classification.type,
        "category": classification.category, "service": classification.service,
        "by": by, "at": iso(at)}, aggregate_id=classification.number)


EVENT_HANDLERS = {
    "ticket.created": on_ticket_created,
}
