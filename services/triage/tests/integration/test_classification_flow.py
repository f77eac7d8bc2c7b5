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


def outbox_payload(harness, number: str, event_type: str) -> dict | None:
    from sqlalchemy import select

    from servicedesk_common.messaging_tables import outbox

    with harness.uow() as uow:
        rows = uow.session.execute(select(outbox.c.payload).where(outbox.c.type == event_type)
                                   .order_by(outbox.c.id)).scalars().all()
    found = [p for p in (r if isinstance(r, dict) else json.loads(r) for r in rows)
             if p["number"] == number]
    return found[-1] if found else None


def classify(triage, number: str, **fields) -> tuple[dict, dict | None]:
    publish(triage.settings, created(number, **fields))
    assert wait_until(lambda: outbox_payload(triage, number, "ticket.classified"), 10)
    if fields.get("urgency"):
        assert wait_until(lambda: outbox_payload(triage, number, "ticket.prioritized"), 10)
    return (outbox_payload(triage, number, "ticket.classified"),
            outbox_payload(triage, number, "ticket.prioritized"))


def test_the_next_ticket_follows_an_admins_change_of_the_matrix_and_catalog(run_service):
    triage = run_service("triage")
    admin = triage.headers("admin", "admin")
    classified, prioritized = classify(triage, "SRQ-2026-900001", type="service_request",
                                       category="Hardware", service="Server down",
                                       urgency="low", impact="low")
    assert (classified["category_valid"], prioritized["priority"]) == (False, 3)

    stricter = {level: {"high": 1, "medium": 1, "low": 1} for level in ("high", "medium", "low")}
    assert triage.http.put("/api/v1/priority-matrix", headers=admin,
                           json=stricter).status_code == 200
    assert triage.http.put("/api/v1/catalog/types/service_request", headers=admin, json={
        "categories": ["Aplikasi", "Jaringan", "Data", "Hardware"]}).status_code == 200
    classified, prioritized = classify(triage, "SRQ-2026-900002", type="service_request",
                                       category="Hardware", service="Server down",
                                       urgency="low", impact="low")
    assert (classified["category_valid"], prioritized["priority"]) == (True, 1)

    assert triage.http.delete("/api/v1/catalog/services/server-down",
                              headers=admin).status_code == 204
    classified, _ = classify(triage, "INC-2026-900003", category="Hardware",
                             service="Server down")
    assert classified["category_valid"] is False
    assert triage.http.post("/api/v1/catalog/services", headers=admin, json={
        "category": "Hardware", "detail": "Printer", "name": "Printer macet"}).status_code == 201
    classified, _ = classify(triage, "INC-2026-900004", category="Hardware",
                             service="Printer macet")
    assert classified["category_valid"] is True
    assert triage.http.patch("/api/v1/catalog/services/printer-macet", headers=admin,
                             json={"category": "Data"}).status_code == 200
    classified, _ = classify(triage, "INC-2026-900005", category="Hardware",
                             service="Printer macet")
    assert classified["category_valid"] is False
