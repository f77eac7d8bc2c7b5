"""What the client reads in the mails, and how the mail loop treats a server that is away."""
import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select

from servicedesk_common.db import session_factory
from survey import mailer, mails
from survey.config import SurveyConfig
from survey.models import Base, Mail

PUBLIC = "https://servicedesk.madiunkota.go.id"


def test_received_mail_carries_the_tracking_link_when_the_token_is_known():
    subject, body = mails.received(number="INC-2026-000042", title="Internet mati",
                                   name="Sari", public_url=PUBLIC, tracking_token="tok-123")
    assert subject == "[INC-2026-000042] Laporan Anda telah kami terima"
    assert "Yth. Sari," in body
    assert f"{PUBLIC}/lacak?number=INC-2026-000042&token=tok-123" in body


def test_received_mail_without_a_token_points_to_the_tracking_page_and_the_number():
    _, body = mails.received(number="REQ-2026-000007", title=None, name=None,
                             public_url=PUBLIC, tracking_token=None)
    assert "Yth. Bapak/Ibu," in body
    assert f"{PUBLIC}/lacak " in body and "REQ-2026-000007" in body
    assert "token=" not in body


def test_closing_mail_carries_solution_survey_link_and_deadline_in_office_time():
    subject, body = mails.closed(
        number="INC-2026-000042", title="Internet mati", name="Sari",
        solution="Kabel LAN diganti.", survey_url=f"{PUBLIC}/survei/abc",
        expires_at=datetime(2026, 3, 16, 17, 30, tzinfo=UTC))
    assert "survei" in subject.lower()
    assert "Kabel LAN diganti." in body
    assert f"{PUBLIC}/survei/abc" in body
    assert "17 Maret 2026, pukul 00:30 WIB" in body


def config(**changes) -> SurveyConfig:
    base = SurveyConfig(public_url=PUBLIC, ttl_days=14, smtp_host="127.0.0.1", smtp_port=2525,
                        smtp_user=None, smtp_password=None, smtp_from="desk@example.go.id",
                        smtp_starttls=False, smtp_timeout=1, mail_poll_seconds=0.1,
                        mail_retry_seconds=10, mail_retry_max_seconds=60, mail_batch=20)
    return SurveyConfig(**{**base.__dict__, **changes})


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
    assert mailer.send_due(sessions, sender, config(), now=now) == 2
    assert mailer.send_due(sessions, sender, config(), now=now) == 0
    assert [m["To"] for m in sender.sent] == ["client1@example.com", "client2@example.com"]
    assert sender.sent[0]["From"] == "desk@example.go.id"
    assert all(m.status == "sent" and m.attempts == 1 for m in mails_in(sessions))


def test_a_server_that_is_down_defers_the_mail_with_a_growing_back_off(sessions):
    down = FakeSender(ConnectionRefusedError(111, "Connection refused"))
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    assert mailer.send_due(sessions, down, config(), now=now) == 0
    first, second = mails_in(sessions)
    assert first.status == "pending" and first.attempts == 1
    assert first.next_attempt_at == now + timedelta(seconds=10)
    assert second.attempts == 0  # the turn stops at a server that is down
    later = now + timedelta(seconds=10)
    mailer.send_due(sessions, down, config(), now=later)  # the longest waiting goes first
    assert mails_in(sessions)[1].attempts == 1
    mailer.send_due(sessions, down, config(), now=later)
    first = mails_in(sessions)[0]
    assert first.attempts == 2 and first.next_attempt_at == later + timedelta(seconds=20)
    assert mailer.backoff(10, first=10, cap=60) == timedelta(seconds=60)


def test_a_recipient_refused_for_good_is_not_retried(sessions):
    refused = smtplib.SMTPRecipientsRefused({"client1@example.com": (550, b"no such user")})
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    mailer.send_due(sessions, FakeSender(mailer.PermanentFailure(str(refused))), config(),
                    now=now)
    statuses = [m.status for m in mails_in(sessions)]
    assert statuses == ["failed", "failed"]  # each refused on its own, none retried


def test_composed_message_has_a_stable_message_id(sessions):
    mail = mails_in(sessions)[0]
    first = mailer.compose(mail, "desk@example.go.id")
    again = mailer.compose(mail, "desk@example.go.id")
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Subject"] == "Tiket 1"
    assert first.get_content().strip() == "Isi"
