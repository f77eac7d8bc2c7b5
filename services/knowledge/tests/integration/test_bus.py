"""Knowledge on the real bus: intake's ticket events in (duplicates handled once), article.used
out through the outbox relay."""
from sqlalchemy import select

from servicedesk_common.bus import Topology, connect, message_properties, wait_until
from servicedesk_common.events import Envelope
from servicedesk_common.messaging_tables import inbox, outbox
from servicedesk_common.subscriptions import SUBSCRIPTIONS


def publish(settings, envelope: Envelope, times: int = 1) -> None:
    connection = connect(settings.amqp_url)
    channel = connection.channel()
    topology = Topology(settings.bus_prefix, settings.retry_delays_ms)
    topology.declare_all(channel, SUBSCRIPTIONS)
    for _ in range(times):
        channel.basic_publish(topology.exchange, envelope.type, envelope.to_json(),
                              message_properties(envelope))
    connection.close()


def event(event_type: str, **payload) -> Envelope:
    return Envelope(type=event_type, payload=payload, producer="intake",
                    aggregate_id=payload["number"])


def test_tickets_from_the_bus_feed_suggestions_and_used_marks_are_relayed(run_service):
    knowledge = run_service("knowledge")
    operator = knowledge.headers("operator1", "operator")
    publish(knowledge.settings, event(
        "ticket.created", number="INC-2026-800001", title="Internet kantor mati total",
        body="Semua komputer tidak bisa internet", category="Jaringan"), times=2)
    publish(knowledge.settings, event(
        "ticket.closed", number="INC-2026-800001", resolution="Modem ISP diganti."))
    publish(knowledge.settings, event(
        "ticket.created", number="INC-2026-800002", title="internet down sekantor",
        category="Jaringan"))

    def similar() -> list[str]:
        response = knowledge.http.get("/api/v1/kb/suggest", headers=operator,
                                      query_string={"ticket": "INC-2026-800002"})
        return [t["number"] for t in response.json.get("tickets", [])] \
            if response.status_code == 200 else []

    assert wait_until(lambda: similar() == ["INC-2026-800001"], 15)
    marked = knowledge.http.post("/api/v1/kb/used", headers=operator, json={
        "ticket": "INC-2026-800002", "similar_ticket": "INC-2026-800001"})
    assert marked.status_code == 201

    def relayed() -> bool:
        with knowledge.uow() as uow:
            rows = uow.session.execute(select(outbox.c.type, outbox.c.sent_at)).all()
        return [(row.type, row.sent_at is not None) for row in rows] == [("article.used", True)]

    assert wait_until(relayed, 15)
    with knowledge.uow() as uow:
        assert uow.tickets.get("INC-2026-800001").status == "solved"
        assert len(uow.session.execute(select(inbox)).all()) == 3  # the duplicate: once
