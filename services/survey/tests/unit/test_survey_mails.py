"""What the client reads in the mails (delivery itself: libs/common/tests/unit/test_mail.py)."""
from datetime import UTC, datetime

from survey import mails

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


def test_first_mail_to_an_address_carries_only_number_status_and_link():
    _, body = mails.received(number="INC-2026-000042", title="Klik http://phish.example",
                             name="Direktur Utama", public_url=PUBLIC, tracking_token="tok-123",
                             status="submitted", first_contact=True)
    assert "phish" not in body and "Direktur" not in body
    assert "INC-2026-000042" in body and "menunggu verifikasi" in body
    assert f"{PUBLIC}/lacak?number=INC-2026-000042&token=tok-123" in body


def test_reply_and_closing_mails_carry_the_tracking_link_with_its_token():
    _, reply = mails.replied(number="INC-2026-000042", title="Internet mati", name="Sari",
                             reply="Teknisi menuju lokasi.", public_url=PUBLIC,
                             tracking_token="tok-123")
    _, closing = mails.closed(number="INC-2026-000042", title="Internet mati", name="Sari",
                              solution=None, survey_url=f"{PUBLIC}/survei/abc",
                              expires_at=datetime(2026, 3, 16, tzinfo=UTC), public_url=PUBLIC,
                              tracking_token="tok-123")
    link = f"{PUBLIC}/lacak?number=INC-2026-000042&token=tok-123"
    assert link in reply and link in closing
