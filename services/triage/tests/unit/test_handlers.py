"""Triage's event handlers on a migrated SQLite database: classification, recategorisation,
priority and overrides, and what duplicate or unordered delivery does to them."""
from datetime import UTC, datetime, timedelta

from servicedesk_common.events import Envelope, iso

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NUMBER = "INC-2026-000001"


def created(number=NUMBER, *, at=T0, **fields) -> Envelope:
    payload = {"number": number, "type": "incident", "title": "Internet lambat",
               "category": "Jaringan", "service": "Internet lambat", "channel": "web",
               "status": "submitted", "created_at": iso(at), **fields}
    return Envelope(type="ticket.created", payload=payload, producer="intake",
                    aggregate_id=number, occurred_at=iso(at))


def updated(changes: dict, *, at: datetime, number=NUMBER, by="operator1", **snapshot) -> Envelope:
    state = {"type": "incident", "category": "Jaringan", "service": "Internet lambat",
             "channel": "web", "created_at": iso(T0), **snapshot}
    for name, (_old, new) in changes.items():
        state[name] = new
    payload = {"number": number, **state, "by": by, "at": iso(at),
               "changes": {name: {"from": old, "to": new}
                           for name, (old, new) in changes.items()}}
    return Envelope(type="ticket.updated", payload=payload, producer="intake",
                    aggregate_id=number, occurred_at=iso(at))


def classification(deliver, number=NUMBER):
    with deliver.make_uow() as uow:
        return uow.classifications.get(number)


def test_a_ticket_with_urgency_and_impact_is_classified_and_prioritized(deliver):
    deliver(created(urgency="high", impact="low", recorded_by="operator1"))
    classified, = deliver.outbox("ticket.classified")
    assert classified["category_valid"] is True and classified["recategorisations"] == 0
    prioritized, = deliver.outbox("ticket.prioritized")
    assert prioritized["priority"] == 2 and prioritized["computed_priority"] == 2
    assert prioritized["by"] == "operator1"


def test_a_ticket_without_urgency_gets_no_priority_yet(deliver):
    deliver(created())
    assert [e["event"] for e in deliver.outbox()] == ["ticket.classified"]
    assert classification(deliver).priority is None


def test_an_unknown_category_is_flagged_not_lost(deliver):
    deliver(created(category="Printer", service="Printer macet"))
    classified, = deliver.outbox("ticket.classified")
    assert classified["category_valid"] is False
    assert classification(deliver).category == "Printer"


def test_duplicate_ticket_created_is_classified_once(deliver):
    event = created(urgency="low", impact="low")
    deliver(event)
    deliver(event)
    assert [e["event"] for e in deliver.outbox()] == ["ticket.classified", "ticket.prioritized"]


def test_a_category_change_is_a_recorded_recategorisation(deliver):
    deliver(created())
    deliver(updated({"category": ("Jaringan", "Hardware"), "service": ("Internet lambat",
                                                                       "WAN mati")},
                    at=T0 + timedelta(minutes=5), by="operator2"))
    recategorized, = deliver.outbox("ticket.recategorized")
    assert recategorized["from_category"] == "Jaringan"
    assert recategorized["to_category"] == "Hardware"
    assert recategorized["to_service"] == "WAN mati"
    assert recategorized["by"] == "operator2" and recategorized["recategorisations"] == 1
    assert deliver.outbox("ticket.classified")[-1]["category"] == "Hardware"
    with deliver.make_uow() as uow:
        row, = uow.classifications.recategorisations(NUMBER)
        assert (row.by, row.from_category, row.to_category) == ("operator2", "Jaringan",
                                                                "Hardware")
        current = uow.classifications.get(NUMBER)
        assert current.original_category == "Jaringan" and current.recategorisations == 1


def test_a_duplicate_update_recategorises_once(deliver):
    deliver(created())
    event = updated({"category": ("Jaringan", "Data"), "service": ("Internet lambat", None)},
                    at=T0 + timedelta(minutes=1))
    deliver(event)
    deliver(event)
    assert len(deliver.outbox("ticket.recategorized")) == 1
    assert classification(deliver).recategorisations == 1


def test_urgency_and_impact_give_the_matrix_priority(deliver):
    deliver(created())
    deliver(updated({"urgency": (None, "medium"), "impact": (None, "high")},
                    at=T0 + timedelta(minutes=1)))
    prioritized, = deliver.outbox("ticket.prioritized")
    assert (prioritized["urgency"], prioritized["impact"], prioritized["priority"]) == (
        "medium", "high", 1)
    assert prioritized["override_reason"] is None


def test_an_override_wins_is_recorded_and_can_be_given_back(deliver):
    deliver(created(urgency="low", impact="low"))
    deliver(updated({"priority": (3, 1), "priority_reason": (None, "Kantor walikota")},
                    at=T0 + timedelta(minutes=1), by="operator2"))
    overridden = deliver.outbox("ticket.prioritized")[-1]
    assert overridden["priority"] == 1 and overridden["computed_priority"] == 3
    assert overridden["override_reason"] == "Kantor walikota"
    with deliver.make_uow() as uow:
        override, = uow.classifications.overrides(NUMBER)
        assert (override.by, override.from_priority, override.to_priority) == ("operator2", 3, 1)
    deliver(updated({"urgency": ("low", "medium")}, at=T0 + timedelta(minutes=2)))
    kept = deliver.outbox("ticket.prioritized")[-1]
    assert kept["priority"] == 1 and kept["computed_priority"] == 3  # medium x low
    deliver(updated({"priority": (1, None), "priority_reason": ("Kantor walikota", None)},
                    at=T0 + timedelta(minutes=3)))
    given_back = deliver.outbox("ticket.prioritized")[-1]
    assert given_back["priority"] == 3 and given_back["override_reason"] is None


def test_an_older_update_arriving_late_does_not_undo_a_newer_one(deliver):
    deliver(created())
    newer = updated({"category": ("Jaringan", "Data"), "service": ("Internet lambat", None)},
                    at=T0 + timedelta(minutes=10))
    older = updated({"category": ("Jaringan", "Hardware"), "service": ("Internet lambat",
                                                                       None)},
                    at=T0 + timedelta(minutes=5))
    deliver(newer)
    deliver(older)
    assert classification(deliver).category == "Data"
    assert len(deliver.outbox("ticket.recategorized")) == 1


def test_updates_to_different_fields_both_count_whatever_their_order(deliver):
    deliver(created())
    deliver(updated({"impact": (None, "low")}, at=T0 + timedelta(minutes=2)))
    deliver(updated({"urgency": (None, "high")}, at=T0 + timedelta(minutes=1)))
    assert deliver.outbox("ticket.prioritized")[-1]["priority"] == 2
    assert classification(deliver).priority == 2


def test_an_update_that_overtakes_the_creation_is_classified_once(deliver):
    deliver(updated({"category": ("Jaringan", "Hardware"), "service": ("Internet lambat",
                                                                       "Server down"),
                     "urgency": (None, "high"), "impact": (None, "high")},
                    at=T0 + timedelta(minutes=3)))
    deliver(created())  # arrives late
    current = classification(deliver)
    assert (current.category, current.service, current.priority) == ("Hardware",
                                                                     "Server down", 1)
    assert current.original_category == "Jaringan" and current.recategorisations == 1
    assert len(deliver.outbox("ticket.classified")) == 1
    assert len(deliver.outbox("ticket.recategorized")) == 1


def test_a_new_matrix_decides_the_next_priorities(deliver):
    with deliver.make_uow() as uow:
        matrix = {u: {i: 1 for i in ("high", "medium", "low")} for u in ("high", "medium", "low")}
        uow.catalog.set_matrix(matrix, by="admin", at=T0)
        uow.commit()
    deliver(created(urgency="low", impact="low"))
    assert deliver.outbox("ticket.prioritized")[-1]["priority"] == 1


def test_an_admin_change_of_the_matrix_decides_the_next_ticket_after_the_copy_was_made(deliver):
    deliver(created(urgency="low", impact="low"))  # the worker's copy of the matrix is made
    assert deliver.outbox("ticket.prioritized")[-1]["priority"] == 3
    with deliver.make_uow() as uow:  # what PUT /priority-matrix does
        matrix = {u: {i: 1 for i in ("high", "medium", "low")} for u in ("high", "medium", "low")}
        uow.catalog.set_matrix(matrix, by="admin", at=T0)
        uow.commit()
    deliver(created("INC-2026-000002", urgency="low", impact="low"))
    assert deliver.outbox("ticket.prioritized")[-1]["priority"] == 1
    deliver(updated({"impact": ("low", "medium")}, at=T0 + timedelta(minutes=1)))
    assert deliver.outbox("ticket.prioritized")[-1]["priority"] == 1


def test_an_admin_change_of_the_catalog_decides_the_next_ticket_after_the_copy_was_made(
        deliver):
    deliver(created(type="service_request", category="Hardware", service="Server down"))
    assert deliver.outbox("ticket.classified")[-1]["category_valid"] is False
    with deliver.make_uow() as uow:  # what PUT /catalog/types/service_request does
        uow.catalog.change_type(uow.catalog.type("service_request"),
                                categories=["Aplikasi", "Jaringan", "Data", "Hardware"])
        uow.commit()
    deliver(created("INC-2026-000002", type="service_request", category="Hardware",
                    service="Server down"))
    assert deliver.outbox("ticket.classified")[-1]["category_valid"] is True
    with deliver.make_uow() as uow:  # what DELETE /catalog/services/server-down does
        uow.catalog.retire_service(uow.catalog.service("server-down"))
        uow.commit()
    deliver(created("INC-2026-000003", category="Hardware", service="Server down"))
    assert deliver.outbox("ticket.classified")[-1]["category_valid"] is False


def test_a_creation_overtaken_by_an_update_records_no_override_of_its_own(deliver):
    deliver(updated({"urgency": (None, "high"), "impact": (None, "high")},
                    at=T0 + timedelta(minutes=3)))
    deliver(created(urgency="low", impact="low", priority=1, priority_reason="Walikota",
                    recorded_by="operator1"))
    current = classification(deliver)
    assert (current.priority, current.override_reason) == (1, None)
    with deliver.make_uow() as uow:
        assert uow.classifications.overrides(NUMBER) == []
    # the update's priority, and the classification the late creation can no longer tell
    assert [e["event"] for e in deliver.outbox()] == ["ticket.prioritized", "ticket.classified"]


def test_a_ticket_first_seen_through_an_update_that_changes_no_class_is_still_classified(
        deliver):
    """Recorded and patched at once: two workers may take the update before the creation."""
    deliver(updated({"title": ("Internet lambat", "Internet lambat sekali")},
                    at=T0 + timedelta(seconds=1), urgency="high", impact="medium"))
    deliver(created(urgency="high", impact="medium"))  # arrives late
    classified = deliver.outbox("ticket.classified")
    assert [(e["category"], e["service"]) for e in classified] == [("Jaringan", "Internet lambat")]
    assert [e["priority"] for e in deliver.outbox("ticket.prioritized")] == [1]
