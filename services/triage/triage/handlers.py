"""What triage does on each event and command, inside one unit of work (the caller commits).

Delivery is at-least-once and unordered: the inbox drops duplicates, and each field keeps the
time it was last set (`versions`), so an older change arriving late does not undo a newer one.
An update may even arrive before the ticket's creation: the classification is then built from
the update's snapshot, and the creation only contributes the original category.
"""
from __future__ import annotations

from datetime import UTC, datetime

from servicedesk_common.events import Envelope, iso, read_payload

from . import domain
from .models import Classification

FIELDS = ("type", "category", "service", "urgency", "impact")


def now() -> datetime:
    return datetime.now(UTC)


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment) if moment else None


def _level(value: str | None) -> str | None:
    return value if value in domain.LEVELS else None


def _new_classification(state: dict, *, number: str, original: dict) -> Classification:
    return Classification(
        number=number, type=state.get("type") or "incident", category=state.get("category"),
        service=state.get("service"), original_category=original.get("category"),
        original_service=original.get("service"), urgency=_level(state.get("urgency")),
        impact=_level(state.get("impact")), channel=state.get("channel"),
        created_at=_parse(state.get("created_at")), updated_at=now(), recategorisations=0,
        versions={})


def on_ticket_created(event: Envelope, *, uow) -> None:
    payload = read_payload(event)
    existing = uow.classifications.get(payload["number"])
    if existing is not None:  # an update overtook the creation: keep only what was original
        existing.original_category = payload.get("category")
        existing.original_service = payload.get("service")
        existing.created_at = existing.created_at or _parse(payload.get("created_at"))
        existing.channel = existing.channel or payload.get("channel")
        return
    classification = _new_classification(payload, number=payload["number"], original=payload)
    moment = now()
    by = payload.get("recorded_by")
    if payload.get("priority") is not None and payload.get("priority_reason"):
        _override(classification, payload["priority"], payload["priority_reason"], by=by,
                  at=moment, uow=uow)
    _recompute(classification, uow=uow)
    uow.classifications.add(classification)
    _announce_classification(classification, uow=uow, at=moment)
    if classification.priority is not None:
        _announce_priority(classification, by=by, uow=uow, at=moment)


def on_ticket_updated(event: Envelope, *, uow) -> None:
    """An operator changed the ticket: recategorise, recompute or override the priority."""
    payload = read_payload(event)
    changes = {name: change for name, change in payload["changes"].items()
               if isinstance(change, dict)}
    at = payload.get("at") or event.occurred_at
    by = payload.get("by")
    classification = uow.classifications.get(payload["number"])
    if classification is None:  # the update overtook the creation
        before = {name: (changes[name].get("from") if name in changes else payload.get(name))
                  for name in (*FIELDS, "channel", "created_at")}
        classification = _new_classification(before, number=payload["number"], original=before)
        _recompute(classification, uow=uow)
        uow.classifications.add(classification)
    was = _snapshot(classification)
    versions = dict(classification.versions or {})
    for name in FIELDS:
        if name in changes and domain.newer(versions, name, at):
            value = changes[name].get("to")
            setattr(classification, name, _level(value) if name in ("urgency", "impact")
                    else value)
            versions[name] = at
    moment = now()
    if "priority" in changes and domain.newer(versions, "priority", at):
        reason = (changes.get("priority_reason") or {}).get("to")
        _override(classification, changes["priority"].get("to"), reason, by=by, at=moment,
                  uow=uow)
        versions["priority"] = at
    classification.versions = versions
    _recompute(classification, uow=uow)
    classification.updated_at = moment
    _announce_changes(classification, was, by=by, at=moment, uow=uow)


def _snapshot(classification: Classification) -> dict:
    return {name: getattr(classification, name) for name in (
        *FIELDS, "priority", "computed_priority", "override_reason")}


def _override(classification: Classification, priority: int | None, reason: str | None, *,
              by: str | None, at: datetime, uow) -> None:
    """An operator's priority (with a reason) wins over the matrix; None gives it back."""
    old = classification.priority
    if priority is None:
        classification.override_reason = classification.override_by = None
        return
    classification.override_reason = reason or "(no reason given)"
    classification.override_by = by
    classification.priority = priority
    uow.classifications.record_override(
        number=classification.number, computed_priority=classification.computed_priority,
        from_priority=old, to_priority=priority, reason=classification.override_reason,
        by=by, at=at)


def _recompute(classification: Classification, *, uow) -> None:
    classification.computed_priority = domain.priority_for(
        classification.urgency, classification.impact, uow.catalog.matrix())
    if classification.override_reason is None:
        classification.priority = classification.computed_priority


def _announce_changes(classification: Classification, was: dict, *, by, at, uow) -> None:
    now_is = _snapshot(classification)
    if (was["category"], was["service"]) != (now_is["category"], now_is["service"]):
        classification.recategorisations = (classification.recategorisations or 0) + 1
        uow.classifications.record_recategorisation(
            number=classification.number, from_category=was["category"],
            to_category=classification.category, from_service=was["service"],
            to_service=classification.service, by=by, at=at)
        uow.outbox.add("ticket.recategorized", {
            "number": classification.number, "from_category": was["category"],
            "to_category": classification.category, "from_service": was["service"],
            "to_service": classification.service,
            "recategorisations": classification.recategorisations, "by": by, "at": iso(at)},
            aggregate_id=classification.number)
    if any(was[name] != now_is[name] for name in ("type", "category", "service")):
        _announce_classification(classification, uow=uow, at=at, by=by)
    if any(was[name] != now_is[name] for name in (
            "urgency", "impact", "priority", "computed_priority", "override_reason")):
        _announce_priority(classification, by=by, uow=uow, at=at)


def _announce_classification(classification: Classification, *, uow, at, by=None) -> None:
    errors = domain.check_classification(uow.catalog.data(), type=classification.type,
                                         category=classification.category,
                                         service=classification.service)
    uow.outbox.add("ticket.classified", {
        "number": classification.number, "type": classification.type,
        "category": classification.category, "service": classification.service,
        "category_valid": not errors, "recategorisations": classification.recategorisations,
        "by": by or "triage", "at": iso(at)}, aggregate_id=classification.number)


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
    "ticket.updated": on_ticket_updated,
}
