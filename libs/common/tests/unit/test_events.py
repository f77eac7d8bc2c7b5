"""The envelope on the wire and the event catalogue: producers validate, consumers tolerate."""
import json

import pytest
from marshmallow import ValidationError

from servicedesk_common.events import (
    EVENT_TYPES,
    Envelope,
    UnknownEventType,
    UnreadableMessage,
    read_payload,
    validate_payload,
)
from servicedesk_common.subscriptions import SUBSCRIPTIONS


def envelope(**overrides) -> Envelope:
    fields = dict(type="ticket.created", payload={"number": "INC-1", "title": "Printer"},
                  producer="intake", aggregate_id="INC-1", correlation_id="req-1",
                  causation_id="msg-0")
    return Envelope(**{**fields, **overrides})


def test_envelope_survives_a_round_trip_through_json():
    original = envelope()

    assert Envelope.from_json(original.to_json()) == original


def test_envelope_on_the_wire_carries_every_field_the_rules_name():
    wire = json.loads(envelope().to_json())

    assert set(wire) == {"message_id", "type", "version", "occurred_at", "producer",
                         "correlation_id", "causation_id", "aggregate_id", "payload"}


def test_each_envelope_gets_its_own_message_id_and_an_aware_utc_time():
    first, second = envelope(), envelope()

    assert first.message_id != second.message_id
    assert first.occurred_at.endswith("+00:00")


def test_envelope_reader_ignores_fields_it_does_not_know():
    wire = json.loads(envelope().to_json())
    wire["added_later"] = {"x": 1}

    assert Envelope.from_json(json.dumps(wire).encode()).payload["number"] == "INC-1"


def _wire(**changes) -> bytes:
    data = json.loads(envelope().to_json())
    for name, value in changes.items():
        if value is ...:
            del data[name]
        else:
            data[name] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize("body", [
    pytest.param(b"not json at all", id="not-json"),
    pytest.param(b"\xff\xfe\x00binary", id="not-utf8"),
    pytest.param(b"", id="empty"),
    pytest.param(b"[1, 2, 3]", id="json-list"),
    pytest.param(b'"a string"', id="json-string"),
    pytest.param(b"42", id="json-number"),
    pytest.param(b"null", id="json-null"),
    pytest.param(_wire(message_id=...), id="no-message-id"),
    pytest.param(_wire(payload=...), id="no-payload"),
    pytest.param(_wire(type=["ticket.created"]), id="type-a-list"),
    pytest.param(_wire(type=None), id="type-null"),
    pytest.param(_wire(message_id=None), id="message-id-null"),
    pytest.param(_wire(message_id=""), id="message-id-empty"),
    pytest.param(_wire(payload="not an object"), id="payload-a-string"),
    pytest.param(_wire(version="one"), id="version-text"),
])
def test_unreadable_bodies_raise_unreadable_message(body):
    with pytest.raises(UnreadableMessage):
        Envelope.from_json(body)


def test_every_subscribed_event_type_is_in_the_catalogue():
    subscribed = {t for types in SUBSCRIPTIONS.values() for t in types}

    assert subscribed <= EVENT_TYPES


def test_producer_validation_accepts_a_payload_that_matches_the_catalogue():
    payload = {"number": "INC-1", "title": "Printer", "priority": 2}

    assert validate_payload("ticket.created", payload) is payload


def test_producer_validation_rejects_an_event_type_outside_the_catalogue():
    with pytest.raises(UnknownEventType, match="ticket.exploded"):
        validate_payload("ticket.exploded", {"number": "INC-1"})


def test_producer_validation_names_a_missing_required_field():
    with pytest.raises(ValidationError) as raised:
        validate_payload("ticket.created", {"title": "no number"})

    assert "number" in raised.value.messages


def test_producer_validation_names_a_field_of_the_wrong_type():
    with pytest.raises(ValidationError) as raised:
        validate_payload("ticket.created", {"number": "INC-1", "priority": "urgent"})

    assert "priority" in raised.value.messages


def test_producer_validation_rejects_fields_the_catalogue_does_not_declare():
    with pytest.raises(ValidationError) as raised:
        validate_payload("ticket.created", {"number": "INC-1", "undeclared": 1})

    assert "undeclared" in raised.value.messages


def test_consumer_reads_declared_fields_and_ignores_unknown_ones():
    event = envelope(payload={"number": "INC-1", "title": "Printer", "from_the_future": 1})

    payload = read_payload(event)

    assert payload["number"] == "INC-1" and payload["title"] == "Printer"
    assert "from_the_future" not in payload


def test_consumer_treats_a_payload_missing_a_required_field_as_unreadable():
    with pytest.raises(UnreadableMessage, match="number"):
        read_payload(envelope(payload={"title": "no number"}))


def test_consumer_passes_through_payloads_of_types_it_has_no_schema_for():
    event = envelope(type="something.new", payload={"a": 1})

    assert read_payload(event) == {"a": 1}
