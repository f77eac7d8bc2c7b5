"""The shared mailer: queueing with threading headers, and how the mail loop treats a server
that is away (a fake sender here; real aiosmtpd in the services' integration tests)."""
import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import DeclarativeBase

from servicedesk_common import mail
from servicedesk_common.db import session_factory


class Base(DeclarativeBase):
    pass


class Mail(mail.MailColumns, Base):
    pass


def config(**changes) -> mail.MailSettings:
    base = mail.MailSettings(smtp_host="127.0.0.1", smtp_port=2525, smtp_user=None,
                             smtp_password=None, smtp_from="desk@example.go.id",
                             smtp_starttls=False, smtp_timeout=1, domain="example.go.id",
                             reply_to="layanan@example.go.id", poll_seconds=0.1,
                             retry_seconds=10, retry_max_seconds=60, batch=20)
    return mail.MailSettings(**{**base.__dict__, **changes})


class FakeSender:
    def __init__(self, failure=None):
        self.failure = failure
        self.sent = []

    def send(self, message):
        if self.failure is not None:
            raise self.failure
        self.sent.append(message)


@pytest.fixture
def sessions():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    factory = session_factory(engine)
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with factory() as session, session.begin():
        for n in (1, 2):
            session.add(Mail(key=f"received:INC-{n}", kind="received", number=f"INC-{n}",
                             to_address=f"client{n}@example.com", subject=f"Tiket {n}",
                             body="Isi", status="pending", attempts=0, next_attempt_at=start,
                             created_at=start))
    return factory


def mails_in(sessions):
    with sessions() as session:
        return list(session.execute(select(Mail).order_by(Mail.id)).scalars())


def test_due_mails_are_sent_once_and_marked_sent(sessions):
    sender = FakeSender()
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    assert mail.send_due(sessions, Mail, sender, config(), now=now) == 2
    assert mail.send_due(sessions, Mail, sender, config(), now=now) == 0
    assert [m["To"] for m in sender.sent] == ["client1@example.com", "client2@example.com"]
    assert sender.sent[0]["From"] == "desk@example.go.id"
    assert all(m.status == "sent" and m.attempts == 1 for m in mails_in(sessions))


def test_a_server_that_is_down_defers_the_mail_with_a_growing_back_off(sessions):
    down = FakeSender(ConnectionRefusedError(111, "Connection refused"))
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    assert mail.send_due(sessions, Mail, down, config(), now=now) == 0
    first, second = mails_in(sessions)
    assert first.status == "pending" and first.attempts == 1
    assert first.next_attempt_at == now + timedelta(seconds=10)
    assert second.attempts == 0  # the turn stops at a server that is down
    later = now + timedelta(seconds=10)
    mail.send_due(sessions, Mail, down, config(), now=later)  # the longest waiting goes first
    assert mails_in(sessions)[1].attempts == 1
    mail.send_due(sessions, Mail, down, config(), now=later)
    first = mails_in(sessions)[0]
    assert first.attempts == 2 and first.next_attempt_at == later + timedelta(seconds=20)
    assert mail.backoff(10, first=10, cap=60) == timedelta(seconds=60)


def test_a_recipient_refused_for_good_is_not_retried(sessions):
    refused = smtplib.SMTPRecipientsRefused({"client1@example.com": (550, b"no such user")})
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    mail.send_due(sessions, Mail, FakeSender(mail.PermanentFailure(str(refused))), config(),
                    now=now)
    statuses = [m.status for m in mails_in(sessions)]
    assert statuses == ["failed", "failed"]  # each refused on its own, none retried


def test_composed_message_has_a_stable_message_id(sessions):
    row = mails_in(sessions)[0]
    first = mail.compose(row, config())
    again = mail.compose(row, config())
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Subject"] == "Tiket 1"
    assert first.get_content().strip() == "Isi"


def test_a_tickets_mails_thread_on_its_first_mail_and_the_previous_one(sessions):
    at = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    with sessions() as session, session.begin():
        queue = mail.MailQueue(session, Mail, config())
        ids = [queue.queue(key=f"k{n}", kind="reply", to="sari@example.go.id",
                           subject=f"[INC-2026-000042] {n}", body="x", at=at,
                           number="INC-2026-000042") for n in range(3)]
        assert queue.queue(key="k1", kind="reply", to="sari@example.go.id", subject="again",
                           body="x", at=at, number="INC-2026-000042") is None
    root, second, third = (row for row in mails_in(sessions) if row.number == "INC-2026-000042")
    assert [root.message_id, second.message_id, third.message_id] == ids
    assert root.in_reply_to is None and root.thread_refs is None
    assert second.in_reply_to == ids[0] and second.thread_refs == ids[0]
    assert third.in_reply_to == ids[1] and third.thread_refs == f"{ids[0]} {ids[1]}"
    message = mail.compose(third, config())
    assert message["Message-ID"] == ids[2] and message["In-Reply-To"] == ids[1]
    assert message["References"] == f"{ids[0]} {ids[1]}"
    assert message["Reply-To"] == "layanan@example.go.id"
    assert ids[2].endswith("@example.go.id>")
    assert mail.number_in_message_id(ids[2]) == "INC-2026-000042"
    assert mail.number_in_message_id("<abc@elsewhere.example>") is None


def test_the_desk_knows_which_addresses_it_has_written_to(sessions):
    with sessions() as session:
        queue = mail.MailQueue(session, Mail, config())
        assert queue.has_written_to("Client1@Example.com")
        assert not queue.has_written_to("stranger@example.com")


def test_settings_default_the_domain_from_the_sender_and_reply_to_from_the_imap_login(
        monkeypatch):
    for name in ("SERVICEDESK_MAIL_DOMAIN", "SERVICEDESK_MAIL_REPLY_TO", "SERVICEDESK_IMAP_USER",
                 "SERVICEDESK_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SERVICEDESK_SMTP_FROM", "Service Desk <desk@madiunkota.go.id>")
    settings = mail.MailSettings.from_env()
    assert settings.smtp_host is None  # unset: every mail held, none lost
    assert settings.domain == "madiunkota.go.id" and settings.reply_to is None
    monkeypatch.setenv("SERVICEDESK_IMAP_USER", "layanan@madiunkota.go.id")
    assert mail.MailSettings.from_env().reply_to == "layanan@madiunkota.go.id"
    monkeypatch.setenv("SERVICEDESK_MAIL_REPLY_TO", "balas@madiunkota.go.id")
    monkeypatch.setenv("SERVICEDESK_MAIL_DOMAIN", "desk.madiunkota.go.id")
    settings = mail.MailSettings.from_env()
    assert settings.reply_to == "balas@madiunkota.go.id"
    assert settings.domain == "desk.madiunkota.go.id"
