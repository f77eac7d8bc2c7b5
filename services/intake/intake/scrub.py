"""The tracking token travels once, in ticket.created, so that the "ticket received" mail can
carry the link; intake itself keeps only its hash. This loop blanks the token in outbox rows
once the broker has confirmed them, so it is not kept at rest."""
from __future__ import annotations

import logging

from sqlalchemy import bindparam, select, update

from servicedesk_common.messaging_tables import outbox

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 10.0
BATCH = 500


def scrub_once(sessions, *, after_id: int = 0) -> tuple[int, int]:
    """Blank the tokens of sent ticket.created rows past `after_id`, stopping at the first row
    not yet sent; returns (rows scrubbed, the id up to which every row is done)."""
    last = after_id
    with sessions() as session, session.begin():
        rows = session.execute(
            select(outbox.c.id, outbox.c.payload, outbox.c.sent_at)
            .where(outbox.c.type == "ticket.created", outbox.c.id > after_id)
            .order_by(outbox.c.id).limit(BATCH)).all()
        blanked = []
        for row in rows:
            if row.sent_at is None:
                break  # the mail has not gone out yet: come back for this one
            last = row.id
            if row.payload.get("tracking_token"):
                blanked.append({"row_id": row.id,
                                "blank": {**row.payload, "tracking_token": None}})
        if blanked:  # one executemany, not a statement per row
            session.execute(_BLANK, blanked)
    return len(blanked), last


_BLANK = update(outbox).where(outbox.c.id == bindparam("row_id")).values(
    payload=bindparam("blank"))


def token_scrubber(worker):
    def loop(stop) -> None:
        last = 0
        while not stop.wait(INTERVAL_SECONDS):
            try:
                while True:
                    scrubbed, newest = scrub_once(worker.sessions, after_id=last)
                    if newest == last:
                        break
                    last = newest
                    if scrubbed:
                        log.info("event=tracking_tokens_scrubbed rows=%s", scrubbed)
            except Exception as exc:  # noqa: BLE001 - the database may be away; try again
                log.warning("event=token_scrub_failed error=%r", exc)
    return loop
