"""The event envelope and the catalogue of event types with their payload schemas.

The catalogue is versioned and additive only: a field may be added (optional), never removed or
renamed. Producers validate against it; consumers read only the fields they need.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError
from marshmallow import fields as f


class UnreadableMessage(ValueError):
    """A message body that is not a valid envelope: it goes straight to the DLQ."""


class UnknownEventType(ValueError):
    pass


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


@dataclass(frozen=True)
class Envelope:
    type: str
    payload: dict
    producer: str
    aggregate_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    version: int = 1
    message_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: iso(utcnow()))

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":"), default=str).encode()

    @classmethod
    def from_json(cls, body: bytes) -> Envelope:
        try:
            data = json.loads(body)
            envelope = cls(**{name: data[name] for name in (
                "message_id", "type", "version", "occurred_at", "producer", "correlation_id",
                "causation_id", "aggregate_id", "payload")})
        except (ValueError, KeyError, TypeError) as exc:
            raise UnreadableMessage(f"not an event envelope: {exc}") from exc
        envelope._check_shape()
        return envelope

    def _check_shape(self) -> None:
        """A wrong type here would fail later, deep in a consumer (a list as `type` is not even
        hashable): such a message is unreadable, straight to the DLQ."""
        wrong = [name for name in ("message_id", "type", "producer", "occurred_at")
                 if not isinstance(getattr(self, name), str) or not getattr(self, name)]
        wrong += [name for name in ("correlation_id", "causation_id", "aggregate_id")
                  if getattr(self, name) is not None and not isinstance(getattr(self, name), str)]
        if not isinstance(self.payload, dict):
            wrong.append("payload")
        if not isinstance(self.version, int) or isinstance(self.version, bool):
            wrong.append("version")
        if wrong:
            raise UnreadableMessage(f"not an event envelope: wrong type for {', '.join(wrong)}")


def _s(**kw):
    return f.String(allow_none=True, **kw)


def _dt(**kw):
    return f.String(allow_none=True, **kw)  # ISO 8601 text; consumers parse what they use


NUMBER = {"number": f.String(required=True)}
TICKET_FIELDS = {
    **NUMBER,
    "type": _s(), "title": _s(), "body": _s(), "category": _s(), "service": _s(),
    "channel": _s(), "status": _s(), "client": _s(), "guest_email": _s(), "agency": _s(),
    "contact_name": _s(), "contact_phone": _s(), "urgency": _s(), "impact": _s(),
    "priority": f.Integer(allow_none=True), "priority_reason": _s(),
    "created_at": _dt(), "recorded_by": _s(), "recorded_by_role": _s(),
}
BY_AT = {"by": _s(), "by_role": _s(), "at": _dt()}
SLA_FIELDS = {
    **NUMBER, "target": _s(), "due_at": _dt(), "at": _dt(), "priority": f.Integer(allow_none=True),
    "policy": _s(), "calendar": _s(), "state": _s(),
    "response_due_at": _dt(), "resolution_due_at": _dt(), "responded_at": _dt(),
    "response_met": f.Boolean(allow_none=True), "resolution_met": f.Boolean(allow_none=True),
    "group": _s(), "assignee": _s(),
}

CATALOGUE_FIELDS: dict[str, dict] = {
    # intake
    # tracking_token: optional, so the "ticket received" mail can carry the tracking link
    # (events stay inside our broker; intake keeps only the token's hash)
    "ticket.created": {**TICKET_FIELDS, "tracking_token": _s()},
    # changes: field -> {"from", "to"}; the other fields: the ticket as it is after the change
    "ticket.updated": {**TICKET_FIELDS, **BY_AT, "changes": f.Dict(required=True)},
    "ticket.status_changed": {**NUMBER, **BY_AT, "from": _s(), "to": f.String(required=True),
                              "type": _s(), "category": _s()},
    "ticket.replied": {**NUMBER, **BY_AT, "reply_id": f.Integer(allow_none=True), "body": _s(),
                       "internal": f.Boolean(load_default=False), "author_kind": _s()},
    "ticket.closed": {**NUMBER, **BY_AT, "type": _s(), "title": _s(), "body": _s(),
                      "category": _s(), "service": _s(), "priority": f.Integer(allow_none=True),
                      "resolution": _s(), "client": _s(), "guest_email": _s(),
                      "contact_name": _s(), "assignee": _s(), "group": _s(),
                      "solution": _s()},
    "ticket.reopened": {**NUMBER, **BY_AT, "reason": _s()},
    "ticket.hold_started": {**NUMBER, **BY_AT, "reason": _s(), "note": _s()},
    # cause: lifted (by staff), client_replied or closed
    "ticket.hold_ended": {**NUMBER, **BY_AT, "reason": _s(), "cause": _s()},
    # triage
    "ticket.classified": {**NUMBER, **BY_AT, "type": _s(), "category": _s(), "service": _s(),
                          "category_valid": f.Boolean(allow_none=True),
                          "recategorisations": f.Integer(allow_none=True)},
    "ticket.prioritized": {**NUMBER, **BY_AT, "urgency": _s(), "impact": _s(),
                           "priority": f.Integer(allow_none=True),
                           "computed_priority": f.Integer(allow_none=True),
                           "override_reason": _s(), "category": _s(), "service": _s(),
                           "type": _s()},
    "ticket.recategorized": {**NUMBER, **BY_AT, "from_category": _s(), "to_category": _s(),
                             "from_service": _s(), "to_service": _s(),
                             "recategorisations": f.Integer(allow_none=True)},
    # escalation
    "ticket.assigned": {**NUMBER, **BY_AT, "escalation_id": f.Integer(allow_none=True),
                        "group": _s(), "assignee": _s(), "diagnosis": _s(), "reason": _s()},
    "escalation.resolved": {**NUMBER, **BY_AT, "escalation_id": f.Integer(allow_none=True),
                            "group": _s(), "assignee": _s(), "solution": _s(),
                            "kb_article": _s()},
    "escalation.reassigned": {**NUMBER, **BY_AT, "escalation_id": f.Integer(allow_none=True),
                              "from_group": _s(), "to_group": _s(), "from_assignee": _s(),
                              "to_assignee": _s(), "reason": _s(), "kind": _s()},
    # sla
    "sla.started": SLA_FIELDS, "sla.updated": SLA_FIELDS, "sla.responded": SLA_FIELDS,
    "sla.at_risk": SLA_FIELDS, "sla.breached": SLA_FIELDS, "sla.met": SLA_FIELDS,
    # survey
    "survey.sent": {**NUMBER, "survey_id": f.Integer(allow_none=True), "url": _s(),
                    "expires_at": _dt(), "email": _s(), "at": _dt()},
    "survey.submitted": {**NUMBER, "survey_id": f.Integer(allow_none=True),
                         "score": f.Float(allow_none=True), "at": _dt(),
                         "follow_up": f.Boolean(load_default=False)},
    # knowledge
    "article.published": {"article_id": f.Integer(required=True), "title": _s(),
                          "category": _s(), **BY_AT},
    "article.used": {**NUMBER, **BY_AT, "article_id": f.Integer(allow_none=True),
                     "source": _s(), "similar_ticket": _s()},
}

# Who may send each type: a consumer drops (to its DLQ) an event whose broker-checked sender
# (the AMQP user_id) is not this service's bus user.
PRODUCERS: dict[str, str] = {
    **dict.fromkeys(("ticket.created", "ticket.updated", "ticket.status_changed",
                     "ticket.replied", "ticket.closed", "ticket.reopened", "ticket.hold_started",
                     "ticket.hold_ended"), "intake"),
    **dict.fromkeys(("ticket.classified", "ticket.prioritized", "ticket.recategorized"),
                    "triage"),
    **dict.fromkeys(("ticket.assigned", "escalation.resolved", "escalation.reassigned"),
                    "escalation"),
    **dict.fromkeys(("sla.started", "sla.updated", "sla.responded", "sla.at_risk",
                     "sla.breached", "sla.met"), "sla"),
    **dict.fromkeys(("survey.sent", "survey.submitted"), "survey"),
    **dict.fromkeys(("article.published", "article.used"), "knowledge"),
}

_SCHEMAS = {name: Schema.from_dict(spec, name=name.replace(".", "_"))()
            for name, spec in CATALOGUE_FIELDS.items()}
EVENT_TYPES = frozenset(CATALOGUE_FIELDS)
CATALOGUE_VERSION = 1


def validate_payload(event_type: str, payload: dict) -> dict:
    """Producer-side check: raises ValueError naming what is wrong."""
    schema = _SCHEMAS.get(event_type)
    if schema is None:
        raise UnknownEventType(f"{event_type!r} is not in the event catalogue")
    errors = schema.validate(payload)
    if errors:
        raise ValidationError(errors, field_name=event_type)
    return payload


def read_payload(event: Envelope) -> dict:
    """Consumer-side: the declared fields only, unknown ones ignored."""
    schema = _SCHEMAS.get(event.type)
    if schema is None:
        return dict(event.payload)
    try:
        return schema.load(event.payload, unknown=EXCLUDE)
    except ValidationError as exc:
        raise UnreadableMessage(f"{event.type} payload invalid: {exc.messages}") from exc
