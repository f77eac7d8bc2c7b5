"""Triage on the real bus: ticket.created in, ticket.classified / ticket.prioritized out."""
import json

from servicedesk_common.bus import Topology, connect, message_properties, wait_until
from servicedesk_common.events import Envelope
from servicedesk_common.subscriptions import SUBSCRIPTIONS


def publish(settings, envelope: Envelope) -> None:
    connection = connect(settings.amqp_url)
    channel = connection.channel()
    topology = Topology(settings.bus_prefix, settings.retry_delays_ms)
    topology.declare_all(channel, SUBSCRIPTIONS)
    channel.basic_publish(topology.exchange, envelope.type, envelope.to_json(),
                          message_properties(envelope))
    connection.close()


def created(number: str, **fields) -> Envelope:
    payload = {"number": number, "type": "incident", "title": "Internet lambat",
               "category": "Jaringan", "service": "Internet lambat", "channel": "web",
               "status": "submitted", **fields}
    return Envelope(type="ticket.created", payload=payload, producer="intake",
                    aggregate_id=number)


def outbox_types(harness, number: str) -> list[str]:
    from sqlalchemy import select

    from servicedesk_common.messaging_tables import outbox

    with harness.uow() as uow:
        rows = uow.session.execute(select(outbox.c.type, outbox.c.payload)
                                   .order_by(outbox.c.id)).all()
    return [row.type for row in rows if (row.payload if isinstance(row.payload, dict)
                                         else json.loads(row.payload))["number"] == number]


def test_duplicate_ticket_created_is_classified_once(run_service):
    triage = run_service("triage")
    event = created("INC-2026-900001", urgency="high", impact="low")
    publish(triage.settings, event)
    publish(triage.settings, event)  # at-least-once: the same message twice
    assert wait_until(lambda: "ticket.prioritized" in outbox_types(triage, "INC-2026-900001"),
                      10)
    wait_until(lambda: False, 1.0)  # give the duplicate time to be (not) handled
    assert outbox_types(triage, "INC-2026-900001") == ["ticket.classified", "ticket.prioritized"]
    with triage.uow() as uow:
        classification = uow.classifications.get("INC-2026-900001")
        assert classification.priority == 2  # high urgency x low impact


def test_unknown_category_is_classified_as_invalid(run_service):
    triage = run_service("triage")
    publish(triage.settings, created("INC-2026-900002", category="Printer", service=None))
    assert wait_until(lambda: outbox_types(triage, "INC-2026-900002") == ["ticket.classified"],
                      10)
