"""Escalation on the real bus: intake's and sla's events in through its queue, its own events
out through the outbox relay."""
from sqlalchemy import select

from servicedesk_common.bus import Topology, connect, message_properties, wait_until
from servicedesk_common.events import Envelope
from servicedesk_common.messaging_tables import outbox
from servicedesk_common.subscriptions import SUBSCRIPTIONS


def publish(settings, envelope: Envelope) -> None:
    connection = connect(settings.amqp_url)
    channel = connection.channel()
    topology = Topology(settings.bus_prefix, settings.retry_delays_ms)
    topology.declare_all(channel, SUBSCRIPTIONS)
    channel.basic_publish(topology.exchange, envelope.type, envelope.to_json(),
                          message_properties(envelope))
    connection.close()


def test_a_ticket_from_the_bus_is_escalated_and_the_assignment_published(run_service):
    harness = run_service("escalation")
    number = "INC-2026-944444"
    created = Envelope(type="ticket.created", producer="intake", aggregate_id=number, payload={
        "number": number, "type": "incident", "title": "Internet down di DPRD",
        "category": "Jaringan", "status": "new", "channel": "phone"})
    publish(harness.settings, created)
    publish(harness.settings, created)  # at-least-once: twice
    headers = harness.headers("operator1", "operator")
    response = harness.http.post(f"/api/v1/tickets/{number}/assign", headers=headers, json={
        "diagnosis": "Router utama tidak merespons.", "reason": "Butuh tim jaringan."})
    assert response.status_code == 201, response.json
    assert response.json["group"] == "network"

    def sent():
        with harness.uow() as uow:
            rows = uow.session.execute(select(outbox.c.type, outbox.c.sent_at)).all()
        return [row.type for row in rows if row.sent_at is not None]

    assert wait_until(lambda: sent() == ["ticket.assigned"], 10)

    publish(harness.settings, Envelope(
        type="sla.breached", producer="sla", aggregate_id=number,
        payload={"number": number, "target": "resolution", "state": "breached",
                 "due_at": "2026-11-30T02:00:00+00:00"}))

    def supervisor_told():
        listed = harness.http.get("/api/v1/notifications",
                                  headers=harness.headers("supervisor1", "supervisor"))
        return [n["kind"] for n in listed.json["items"]] == ["sla_breached"]

    assert wait_until(supervisor_told, 10)
