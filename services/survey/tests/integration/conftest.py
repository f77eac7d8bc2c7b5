"""Survey on the real bus and database: publish intake's events, read what survey wrote."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from servicedesk_common.bus import Topology, connect, message_properties, wait_until
from servicedesk_common.events import Envelope
from servicedesk_common.messaging_tables import outbox
from servicedesk_common.subscriptions import SUBSCRIPTIONS
from survey.models import Mail, Survey


class SurveyDriver:
    def __init__(self, harness):
        self.harness = harness
        self.http = harness.http

    def publish(self, event_type: str, number: str, **payload) -> Envelope:
        envelope = Envelope(type=event_type, payload={"number": number, **payload},
                            producer="intake", aggregate_id=number)
        return self.republish(envelope)

    def republish(self, envelope: Envelope) -> Envelope:
        settings = self.harness.settings
        connection = connect(settings.amqp_url)
        channel = connection.channel()
        topology = Topology(settings.bus_prefix, settings.retry_delays_ms)
        topology.declare_all(channel, SUBSCRIPTIONS)
        channel.basic_publish(topology.exchange, envelope.type, envelope.to_json(),
                              message_properties(envelope))
        connection.close()
        return envelope

    def created(self, number: str, **fields) -> Envelope:
        return self.publish("ticket.created", number, **{
            "type": "incident", "title": "Internet mati di ruang rapat", "category": "Jaringan",
            "service": "Internet mati", "channel": "web", "status": "submitted",
            "guest_email": "warga@example.com", "contact_name": "Sari", **fields})

    def closed(self, number: str, **fields) -> Envelope:
        return self.publish("ticket.closed", number, **{
            "type": "incident", "title": "Internet mati di ruang rapat", "category": "Jaringan",
            "service": "Internet mati", "priority": 2, "resolution": "Kabel LAN diganti.",
            "guest_email": "warga@example.com", "contact_name": "Sari",
            "assignee": "tech-network-1", "group": "network", "by": "operator1",
            "at": "2026-03-02T02:00:00+00:00", **fields})

    def events(self, event_type: str, number: str | None = None) -> list[dict]:
        with self.harness.uow() as uow:
            rows = uow.session.execute(select(outbox.c.type, outbox.c.payload)
                                       .order_by(outbox.c.id)).all()
        return [row.payload for row in rows if row.type == event_type
                and (number is None or row.payload["number"] == number)]

    def wait_for_event(self, event_type: str, number: str, count: int = 1) -> dict:
        assert wait_until(lambda: len(self.events(event_type, number)) >= count, 10), \
            f"no {event_type} for {number}"
        return self.events(event_type, number)[-1]

    def token(self, number: str, count: int = 1) -> str:
        return self.wait_for_event("survey.sent", number, count)["url"].rsplit("/", 1)[1]

    def survey(self, number: str) -> Survey:
        with self.harness.uow() as uow:
            return uow.surveys.by_number(number)

    def mails(self, number: str | None = None) -> list[Mail]:
        with self.harness.uow() as uow:
            query = select(Mail).order_by(Mail.id)
            if number:
                query = query.where(Mail.number == number)
            return list(uow.session.execute(query).scalars())

    def answer(self, token: str, answers, **extra):
        body = {"answers": answers, "respondent": {"name": "Sari", "agency": "Dinas Kesehatan",
                                                   "user_group": "ppk"}, **extra}
        return self.http.post(f"/api/v1/surveys/{token}", json=body)

    def supervisor(self) -> dict:
        return self.harness.headers("supervisor1", "supervisor")


@pytest.fixture
def surveys(run_service, monkeypatch):
    """The survey service with its worker; no SMTP server unless a test sets one."""
    monkeypatch.delenv("SERVICEDESK_SMTP_HOST", raising=False)
    monkeypatch.setenv("SERVICEDESK_PUBLIC_URL", "https://desk.example.go.id")
    return SurveyDriver(run_service("survey"))


@pytest.fixture
def start_surveys(run_service):
    """Start the survey service with the environment the test has set (SMTP, retries)."""
    return lambda: SurveyDriver(run_service("survey"))
