"""The inbox's check-and-mark on SQLite (PostgreSQL: the integration tests of delivery)."""
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from servicedesk_common.events import Envelope
from servicedesk_common.inbox import Inbox
from servicedesk_common.messaging_tables import metadata


def test_first_delivery_is_true_once_and_only_after_its_transaction_committed():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    sessions = sessionmaker(engine)
    event = Envelope(type="ticket.created", payload={"number": "INC-1"}, producer="intake")

    with sessions() as session, session.begin():
        assert Inbox(session).first_delivery(event) is True
        assert Inbox(session).first_delivery(event) is False  # same transaction
        session.rollback()
    with sessions() as session, session.begin():
        assert Inbox(session).first_delivery(event) is True  # the rolled-back mark is gone
    with sessions() as session, session.begin():
        assert Inbox(session).first_delivery(event) is False
        assert Inbox(session).seen(event.message_id)
