"""Every event intake consumes, delivered twice and out of order, on a migrated SQLite
database with the worker's once-per-message wrapper: one effect, and older news never undoes
newer news."""
from datetime import UTC, datetime, timedelta

import pytest

from servicedesk_common.events import Envelope, iso

T0 = datetime.now(UTC)


def event(event_type: str, number: str, *, at: datetime = T0, producer="other", **payload):
    return Envelope(type=event_type, producer=producer, aggregate_id=number,
                    occurred_at=iso(at), payload={"number": number, "at": iso(at), **payload})


SAMPLES = {  # one plausible payload per consumed event type
    "ticket.classified": dict(type="incident", category="Hardware", service="Server down",
                              category_valid=True, recategorisations=1, by="operator1"),
    "ticket.prioritized": dict(urgency="high", impact="high", priority=1, computed_priority=1,
                               by="operator1"),
    "ticket.recategorized": dict(from_category="Jaringan", to_category="Data",
                                 from_service="Internet mati", to_service="Data hilang",
                                 recategorisations=1, by="operator1"),
    "ticket.assigned": dict(escalation_id=1, group="network", assignee="tech-network-1",
                            diagnosis="Modem mati", reason="Perlu teknisi", by="operator1",
                            by_role="operator"),
    "escalation.resolved": dict(escalation_id=1, group="network", assignee="tech-network-1",
                                solution="Modem diganti", by="tech-network-1",
                                by_role="technician"),
    "escalation.reassigned": dict(escalation_id=1, from_group="network", to_group="egov",
                                  from_assignee="tech-network-1", to_assignee="tech-egov-1",
                                  reason="Salah grup", kind="reassigned", by="operator1"),
    "survey.sent": dict(survey_id=1, url="/survei/abc", email="warga@example.com"),
    "survey.submitted": dict(survey_id=1, score=4.5, follow_up=False),
    "article.used": dict(article_id=7, source="suggestion", by="operator1"),
    **{name: dict(policy="P1", calendar="office", response_due_at=iso(T0),
                  resolution_due_at=iso(T0 + timedelta(hours=8)), state="ok", target="response",
                  priority=1)
       for name in ("sla.started", "sla.updated", "sla.responded", "sla.at_risk",
                    "sla.breached", "sla.met")},
}


def observe(deliver, number: str) -> tuple:
    ticket = deliver.ticket(number)
    fields = ("status", "category", "service", "urgency", "impact", "priority", "group",
              "assignee", "solution", "sla", "survey", "classification", "escalations")
    history = [(h.what, h.from_value, h.to_value) for h in deliver.history(number)]
    outgoing = deliver.outbox_size()
    return ({name: getattr(ticket, name) for name in fields}, len(ticket.replies), history,
            outgoing)


def test_intake_consumes_exactly_the_sampled_events():
    from servicedesk_common.subscriptions import SUBSCRIPTIONS

    assert set(SAMPLES) == set(SUBSCRIPTIONS["intake"])


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_a_duplicate_delivery_has_one_effect(deliver, event_type):
    number = deliver.create()
    message = event(event_type, number, **SAMPLES[event_type])
    deliver(message)
    once = observe(deliver, number)
    deliver(message)
    assert observe(deliver, number) == once


def test_an_older_classification_does_not_undo_an_operators_later_change(deliver):
    number = deliver.create()
    older = event("ticket.classified", number, at=T0 - timedelta(minutes=5),
                  category="Jaringan", service="Internet mati", category_valid=True)
    with deliver.make_uow() as uow:  # the operator recategorises now (as PATCH does)
        from intake.handlers import update_ticket
        from servicedesk_common.identity import Identity

        update_ticket(uow.tickets.get(number), {"category": "Data", "service": "Data hilang"},
                      by=Identity("operator1", "operator"), uow=uow, catalog=None)
        uow.commit()
    deliver(older)
    ticket = deliver.ticket(number)
    assert (ticket.category, ticket.service) == ("Data", "Data hilang")
    assert ticket.classification["category_valid"] is True


@pytest.mark.parametrize("event_type", ["ticket.classified", "ticket.recategorized"])
def test_an_older_classification_arriving_late_loses(deliver, event_type):
    number = deliver.create()

    def at(minutes, category):
        fields = dict(category=category, service=None) if event_type == "ticket.classified" \
            else dict(to_category=category, to_service=None)
        return event(event_type, number, at=T0 + timedelta(minutes=minutes), **fields)

    deliver(at(10, "Hardware"))
    deliver(at(5, "Data"))
    assert deliver.ticket(number).category == "Hardware"


def test_recategorisation_counts_only_grow(deliver):
    number = deliver.create()
    deliver(event("ticket.recategorized", number, at=T0 + timedelta(minutes=2),
                  to_category="Data", recategorisations=2))
    deliver(event("ticket.recategorized", number, at=T0 + timedelta(minutes=1),
                  to_category="Hardware", recategorisations=1))
    assert deliver.ticket(number).classification["recategorisations"] == 2


def test_an_older_priority_arriving_late_loses(deliver):
    number = deliver.create()
    deliver(event("ticket.prioritized", number, at=T0 + timedelta(minutes=10), urgency="high",
                  impact="high", priority=1, by="operator1"))
    deliver(event("ticket.prioritized", number, at=T0 + timedelta(minutes=5), urgency="low",
                  impact="low", priority=3, by="operator1"))
    ticket = deliver.ticket(number)
    assert (ticket.urgency, ticket.priority) == ("high", 1)
    assert ("priority", None, "1") in [(h.what, h.from_value, h.to_value)
                                       for h in deliver.history(number)]


def test_an_assignment_moves_a_submitted_ticket_to_in_progress_step_by_step(deliver):
    number = deliver.create()
    deliver(event("ticket.assigned", number, **SAMPLES["ticket.assigned"]))
    ticket = deliver.ticket(number)
    assert (ticket.status, ticket.group, ticket.assignee) == ("in_progress", "network",
                                                              "tech-network-1")
    moves = [(e["from"], e["to"], e["by"]) for e in deliver.events("ticket.status_changed")]
    assert moves == [("submitted", "new", "operator1"), ("new", "in_progress", "operator1")]
    assert [(h.from_value, h.to_value) for h in deliver.history(number)
            if h.what == "status"] == [("submitted", "new"), ("new", "in_progress")]


def test_an_assignment_arriving_after_the_close_does_not_reopen(deliver):
    number = deliver.create(staff=True, urgency="low", impact="low")
    with deliver.make_uow() as uow:
        from intake.handlers import close
        from servicedesk_common.identity import Identity

        close(uow.tickets.get(number), resolution="Selesai.",
              by=Identity("operator1", "operator"), uow=uow, catalog=None)
        uow.commit()
    deliver(event("ticket.assigned", number, at=T0 - timedelta(minutes=1),
                  **SAMPLES["ticket.assigned"]))
    assert deliver.ticket(number).status == "done"


def test_a_reassignment_is_not_undone_by_the_older_assignment(deliver):
    number = deliver.create()
    deliver(event("escalation.reassigned", number, at=T0 + timedelta(minutes=5),
                  **SAMPLES["escalation.reassigned"]))
    deliver(event("ticket.assigned", number, at=T0, **SAMPLES["ticket.assigned"]))
    ticket = deliver.ticket(number)
    assert (ticket.group, ticket.assignee) == ("egov", "tech-egov-1")
    assert ticket.escalations[0]["state"] == "reassigned"


def test_a_reassignment_before_its_assignment_leaves_the_history_of_the_order(deliver):
    moves = {}
    for order in ("in order", "reversed"):
        number = deliver.create()
        events = [event("ticket.assigned", number, at=T0, **SAMPLES["ticket.assigned"]),
                  event("escalation.reassigned", number, at=T0 + timedelta(minutes=5),
                        **SAMPLES["escalation.reassigned"])]
        for each in events if order == "in order" else reversed(events):
            deliver(each)
        moves[order] = sorted((h.what, h.from_value or "", h.to_value)
                              for h in deliver.history(number) if h.source == "escalation")
    assert moves["reversed"] == moves["in order"]
    assert ("group", "network", "egov") in moves["in order"]


def test_a_resolution_that_overtakes_its_assignment_is_kept(deliver):
    number = deliver.create()
    deliver(event("escalation.resolved", number, at=T0 + timedelta(minutes=5),
                  **SAMPLES["escalation.resolved"]))
    deliver(event("ticket.assigned", number, at=T0, **SAMPLES["ticket.assigned"]))
    ticket = deliver.ticket(number)
    assert ticket.solution == "Modem diganti"
    assert ticket.escalations[0]["state"] == "resolved"


def test_a_resolution_that_overtakes_the_reassignment_before_it_stays_the_outcome(deliver):
    number = deliver.create()
    deliver(event("ticket.assigned", number, at=T0, **SAMPLES["ticket.assigned"]))
    deliver(event("escalation.resolved", number, at=T0 + timedelta(minutes=9),
                  **SAMPLES["escalation.resolved"]))
    deliver(event("escalation.reassigned", number, at=T0 + timedelta(minutes=5),
                  **SAMPLES["escalation.reassigned"]))
    entry, = deliver.ticket(number).escalations
    assert (entry["state"], entry["outcome"]) == ("resolved", "resolved")
    assert (entry["to_group"], entry["outcome_reason"]) == ("egov", "Salah grup")


def test_an_answer_that_overtakes_the_survey_stays_answered(deliver):
    number = deliver.create()
    deliver(event("survey.submitted", number, at=T0 + timedelta(minutes=5),
                  **SAMPLES["survey.submitted"]))
    deliver(event("survey.sent", number, at=T0, **SAMPLES["survey.sent"]))
    ticket = deliver.ticket(number)
    assert (ticket.survey["status"], ticket.survey["score"]) == ("answered", 4.5)
    assert ticket.survey["url"] == "/survei/abc"  # as when the survey came first
    assert [r.kind for r in ticket.replies].count("survey") == 1


@pytest.mark.parametrize("late", ["sla.started", "sla.updated", "sla.responded"])
def test_an_older_sla_event_does_not_undo_a_newer_state(deliver, late):
    number = deliver.create()
    deliver(event("sla.breached", number, at=T0 + timedelta(minutes=10),
                  **{**SAMPLES["sla.breached"], "state": "breached"}))
    deliver(event(late, number, at=T0, **SAMPLES[late]))
    ticket = deliver.ticket(number)
    assert ticket.sla_state == "breached" and ticket.sla["state"] == "breached"


def test_the_resolution_due_time_is_kept_for_sorting(deliver):
    number = deliver.create()
    due = T0 + timedelta(hours=8)
    deliver(event("sla.started", number, **SAMPLES["sla.started"]))
    assert deliver.ticket(number).sla_due_at == due
    deliver(event("sla.updated", number, at=T0 + timedelta(minutes=1),
                  **{**SAMPLES["sla.updated"], "resolution_due_at": None}))
    assert deliver.ticket(number).sla_due_at is None


def test_sla_warnings_and_other_services_changes_are_in_the_history(deliver):
    number = deliver.create()
    for event_type in ("sla.at_risk", "sla.breached", "ticket.assigned", "article.used",
                       "ticket.prioritized"):
        deliver(event(event_type, number, **SAMPLES[event_type]))
    entries = {(h.what, h.source) for h in deliver.history(number)}
    assert {("sla_at_risk", "sla"), ("sla_breached", "sla"), ("assignee", "escalation"),
            ("group", "escalation"), ("knowledge_used", "knowledge"),
            ("priority", "triage")} <= entries


def test_an_sla_warning_overtaken_by_a_newer_sla_state_is_still_in_the_history(deliver):
    number = deliver.create()
    deliver(event("sla.met", number, at=T0 + timedelta(minutes=10),
                  **{**SAMPLES["sla.met"], "state": "met", "target": "resolution"}))
    deliver(event("sla.at_risk", number, at=T0 + timedelta(minutes=5),
                  **{**SAMPLES["sla.at_risk"], "state": "at_risk"}))
    ticket = deliver.ticket(number)
    assert ticket.sla_state == "met"
    assert {"sla_met", "sla_at_risk"} <= {h.what for h in deliver.history(number)}
