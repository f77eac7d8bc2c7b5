"""Tracking tokens leave intake once, in ticket.created, and are not kept at rest afterwards."""
from datetime import UTC, datetime

from sqlalchemy import select, update

from intake.scrub import scrub_once
from servicedesk_common.messaging_tables import outbox


def payloads(deliver) -> list[dict]:
    with deliver.make_uow() as uow:
        return [row.payload for row in uow.session.execute(
            select(outbox.c.payload).where(outbox.c.type == "ticket.created")
            .order_by(outbox.c.id))]


def mark_sent(deliver, count: int) -> None:
    with deliver.make_uow() as uow:
        ids = uow.session.execute(select(outbox.c.id).where(outbox.c.type == "ticket.created")
                                  .order_by(outbox.c.id).limit(count)).scalars().all()
        uow.session.execute(update(outbox).where(outbox.c.id.in_(ids))
                            .values(sent_at=datetime.now(UTC)))
        uow.commit()


def test_tokens_are_blanked_once_sent_and_not_before(deliver):
    for _ in range(3):
        deliver.create()
    make = deliver.sessions
    assert scrub_once(make) == (0, 0)  # nothing sent yet: every token waits for its mail
    mark_sent(deliver, 2)
    scrubbed, last = scrub_once(make)
    assert scrubbed == 2
    tokens = [p["tracking_token"] for p in payloads(deliver)]
    assert tokens[:2] == [None, None] and tokens[2]
    assert all(p["number"] for p in payloads(deliver))  # the rest of the event stays
    mark_sent(deliver, 3)
    assert scrub_once(make, after_id=last)[0] == 1
    assert [p["tracking_token"] for p in payloads(deliver)] == [None, None, None]
