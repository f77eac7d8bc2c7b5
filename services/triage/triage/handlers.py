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
    classification = _new_classification(payload, number=payload["number"], original=payload)
    moment = now()
    by = payload.get("recorded_by")
    override = None
    if payload.get("priority") is not None and payload.get("priority_reason"):
        override = _override(classification, payload["priority"], payload["priority_reason"],
                             by=by)
    _recompute(classification, uow=uow)
    if not uow.classifications.add_new(classification):
        _keep_original(uow.classifications.get(payload["number"]), payload)
        return
    if override:
        uow.classifications.record_override(**override, at=moment)
    events = [_classified(classification, uow=uow, at=moment)]
    if classification.priority is not None:
        events.append(_prioritized(classification, by=by, at=moment))
    uow.outbox.add_many(events)


def _keep_original(existing: Classification, payload: dict) -> None:
    """An update overtook the creation: the creation contributes only what was original."""
    existing.original_category = payload.get("category")
    existing.original_service = payload.get("service")
    existing.created_at = existing.created_at or _parse(payload.get("created_at"))
    existing.channel = existing.channel or payload.get("channel")


def on_ticket_updated(event: Envelope, *, uow) -> None:
    """An operator changed the ticket: recategorise, recompute or override the priority."""
    payload = read_payload(event)
    changes = {name: change for name, change in payload["changes"].items()
               if isinstance(change, dict)}
    at = payload.get("at") or event.occurred_at
    by = payload.get("by")
    classification = uow.classifications.get(payload["number"])
    first_sight = classification is None
    if first_sight:  # the update overtook the creation
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
        override = _override(classification, changes["priority"].get("to"), reason, by=by)
        if override:
            uow.classifications.record_override(**override, at=moment)
        versions["priority"] = at
    classification.versions = versions
    _recompute(classification, uow=uow)
    classification.updated_at = moment
    events = _changes_told(classification, was, by=by, at=moment, uow=uow)
    if first_sight:  # the late creation will find the ticket known and tell nothing
        events += _first_told(classification, events, by=by, at=moment, uow=uow)
    uow.outbox.add_many(events)


def _first_told(classification: Classification, told: list[tuple], *, by, at, uow) -> list:
    """What a creation would have told, for a ticket first seen through an update."""
    types = {event_type for event_type, *_ in told}
    missing = []
    if "ticket.classified" not in types:
        missing.append(_classified(classification, uow=uow, at=at, by=by))
    if "ticket.prioritized" not in types and classification.priority is not None:
        missing.append(_prioritized(classification, by=by, at=at))
    return missing


def _snapshot(classification: Classification) -> dict:
    return {name: getattr(classification, name) for name in (
        *FIELDS, "priority", "computed_priority", "override_reason")}


def _override(classification: Classification, priority: int | None, reason: str | None, *,
              by: str | None) -> dict | None:
    """An operator's priority (with a reason) wins over the matrix; None gives it back.
    Returns the override to record (None when the priority was given back)."""
    old = classification.priority
    if priority is None:
        classification.override_reason = classification.override_by = None
        return None
    classification.override_reason = reason or "(no reason given)"
    classification.override_by = by
    classification.priority = priority
    return {"number": classification.number,
            "computed_priority": classification.computed_priority, "from_priority": old,
            "to_priority": priority, "reason": classification.override_reason, "by": by}


def _recompute(classification: Classification, *, uow) -> None:
    classification.computed_priority = domain.priority_for(
        classification.urgency, classification.impact, uow.catalog.matrix())
    if classification.override_reason is None:
        classification.priority = classification.computed_priority


def _changes_told(classification: Classification, was: dict, *, by, at, uow) -> list[tuple]:
    """The events an update causes: recategorised, classified, prioritized (each if so)."""
    now_is = _snapshot(classification)
    events = []
    if (was["category"], was["service"]) != (now_is["category"], now_is["service"]):
        classification.recategorisations = (classification.recategorisations or 0) + 1
        uow.classifications.record_recategorisation(
            number=classification.number, from_category=was["category"],
            to_category=classification.category, from_service=was["service"],
            to_service=classification.service, by=by, at=at)
        events.append(("ticket.recategorized", {
            "number": classification.number, "from_category": was["category"],
            "to_category": classification.category, "from_service": was["service"],
            "to_service": classification.service,
            "recategorisations": classification.recategorisations, "by": by, "at": iso(at)},
            classification.number))
    if any(was[name] != now_is[name] for name in ("type", "category", "service")):
        events.append(_classified(classification, uow=uow, at=at, by=by))
    if any(was[name] != now_is[name] for name in (
            "urgency", "impact", "priority", "computed_priority", "override_reason")):
        events.append(_prioritized(classification, by=by, at=at))
    return events


def _classified(classification: Classification, *, uow, at, by=None) -> tuple:
    errors = domain.check_classification(uow.catalog.data(), type=classification.type,
                                         category=classification.category,
                                         service=classification.service)
    return ("ticket.classified", {
        "number": classification.number, "type": classification.type,
        "category": classification.category, "service": classification.service,
        "category_valid": not errors, "recategorisations": classification.recategorisations,
        "by": by or "triage", "at": iso(at)}, classification.number)


def _prioritized(classification: Classification, *, by: str | None, at) -> tuple:
    return ("ticket.prioritized", {
        "number": classification.number, "urgency": classification.urgency,
        "impact": classification.impact, "priority": classification.priority,
        "computed_priority": classification.computed_priority,
        "override_reason": classification.override_reason, "type": classification.type,
        "category": classification.category, "service": classification.service,
        "by": by, "at": iso(at)}, classification.number)


EVENT_HANDLERS = {
    "ticket.created": on_ticket_created,
    "ticket.updated": on_ticket_updated,
}
