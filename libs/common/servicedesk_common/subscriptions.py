"""Which service consumes which event types. Every process declares all of these queues at
start, so an event is kept for a service even before that service first runs."""

SLA_EVENTS = ["sla.started", "sla.updated", "sla.responded", "sla.at_risk", "sla.breached",
              "sla.met"]

SUBSCRIPTIONS: dict[str, list[str]] = {
    "intake": ["ticket.classified", "ticket.prioritized", "ticket.recategorized",
               "ticket.assigned", "escalation.resolved", "escalation.reassigned",
               "survey.sent", "survey.submitted", "article.used", *SLA_EVENTS],
    "triage": ["ticket.created", "ticket.updated"],
    "escalation": ["ticket.created", "ticket.updated", "ticket.prioritized",
                   "ticket.classified", "ticket.status_changed", "ticket.closed",
                   "ticket.reopened", "ticket.replied",
                   "sla.at_risk", "sla.breached", "sla.updated", "sla.started"],
    "sla": ["ticket.created", "ticket.status_changed", "ticket.replied", "ticket.prioritized",
            "ticket.assigned", "ticket.hold_started", "ticket.hold_ended", "ticket.reopened",
            "ticket.closed", "escalation.reassigned", "ticket.recategorized"],
    "survey": ["ticket.created", "ticket.closed", "ticket.replied", "escalation.resolved"],
    "knowledge": ["ticket.closed", "ticket.created", "ticket.updated", "ticket.reopened"],
}
