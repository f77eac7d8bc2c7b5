"""Intake and triage on the real bus: an operator's change goes to triage as ticket.updated and
comes back as priority and recategorisation on the ticket; duplicates have one effect."""
from servicedesk_common.bus import Topology, connect, message_properties, wait_until
from servicedesk_common.events import Envelope
from servicedesk_common.subscriptions import SUBSCRIPTIONS

from ..conftest import CATALOG, Desk


def publish(settings, envelope: Envelope, times: int = 1) -> None:
    connection = connect(settings.amqp_url)
    channel = connection.channel()
    topology = Topology(settings.bus_prefix, settings.retry_delays_ms)
    topology.declare_all(channel, SUBSCRIPTIONS)
    for _ in range(times):
        channel.basic_publish(topology.exchange, envelope.type, envelope.to_json(),
                              message_properties(envelope))
    connection.close()


def test_priority_and_recategorisation_come_back_from_triage(run_service):
    from intake.catalog import StaticCatalog

    run_service("triage")
    desk = Desk(run_service("intake"))
    desk.harness.app.extensions["intake"].catalog = StaticCatalog(CATALOG)
    number = desk.create()["number"]
    assert wait_until(lambda: (desk.get(number)["classification"] or {}).get(
        "category_valid") is True, 15)

    desk.patch(number, status="new", category="Hardware", service="Server down",
               urgency="medium", impact="high")
    assert wait_until(lambda: desk.get(number)["priority"] == 1, 15)
    ticket = desk.get(number)
    assert ticket["classification"]["recategorisations"] == 1
    assert (ticket["category"], ticket["service"]) == ("Hardware", "Server down")

    desk.patch(number, priority=3, priority_reason="Bisa menunggu besok")
    desk.patch(number, impact="low")  # the override stays: the operator set it
    assert wait_until(lambda: [h for h in desk.history(number) if h["what"] == "impact"
                               and h["source"] == "intake" and h["to"] == "low"], 10)
    wait_until(lambda: False, 1.0)
    ticket = desk.get(number)
    assert (ticket["priority"], ticket["priority_reason"]) == (3, "Bisa menunggu besok")

    desk.patch(number, priority=None)
    assert wait_until(lambda: desk.get(number)["priority"] == 3 and
                      desk.get(number)["priority_reason"] is None, 10)  # medium x low
    triage_history = [h for h in desk.history(number) if h["source"] == "triage"]
    assert ("priority", "1") in [(h["what"], h["to"]) for h in triage_history]


def test_a_duplicate_assignment_on_the_bus_moves_the_ticket_once(run_service):
    from intake.catalog import StaticCatalog

    desk = Desk(run_service("intake"))
    desk.harness.app.extensions["intake"].catalog = StaticCatalog(CATALOG)
    number = desk.create()["number"]
    assigned = Envelope(type="ticket.assigned", producer="escalation", aggregate_id=number,
                        payload={"number": number, "escalation_id": 1, "group": "network",
                                 "assignee": "tech-network-1", "by": "operator1",
                                 "by_role": "operator"})
    publish(desk.harness.settings, assigned, times=2)
    assert wait_until(lambda: desk.get(number)["status"] == "in_progress", 10)
    wait_until(lambda: False, 1.0)
    moves = desk.events("ticket.status_changed", number)
    assert [(m["from"], m["to"]) for m in moves] == [("submitted", "new"),
                                                     ("new", "in_progress")]
    assert len(desk.get(number)["escalations"]) == 1
