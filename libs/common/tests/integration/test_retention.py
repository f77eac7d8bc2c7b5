"""Retention on the real database: old sent outbox rows and inbox marks go, nothing else."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from servicedesk_common.messaging_tables import inbox, outbox
from servicedesk_common.retention import prune

LONG_AGO = datetime.now(UTC) - timedelta(days=30)


def count(spine, table, *where) -> int:
    with spine.sessions() as session:
        return session.execute(select(func.count()).select_from(table).where(*where)
                               ).scalar_one()


def age(spine, table, column, *where) -> None:
    with spine.sessions() as session, session.begin():
        session.execute(update(table).where(*where).values({column: LONG_AGO}))


def test_old_sent_events_and_inbox_marks_are_pruned_in_batches_and_unsent_ones_kept(spine):
    spine.start_worker()
    for number in ("INC-R1", "INC-R2", "INC-R3"):
        spine.write(number)
    spine.eventually(lambda: all(spine.effects(n) == 1 for n in ("INC-R1", "INC-R2", "INC-R3"))
                     and spine.unsent() == 0, "the events were not handled")
    spine.stop()
    old = outbox.c.aggregate_id.in_(["INC-R1", "INC-R2"])
    age(spine, outbox, "sent_at", old)
    with spine.sessions() as session, session.begin():  # an old row the broker never took
        session.execute(update(outbox).where(outbox.c.aggregate_id == "INC-R3")
                        .values(sent_at=None))
    marks = count(spine, inbox)
    age(spine, inbox, "processed_at", inbox.c.message_id.in_(
        select(outbox.c.message_id).where(old)))

    pruned = prune(spine.sessions, older_than=timedelta(days=14), batch=1)

    assert pruned == {"outbox": 2, "inbox": 2}
    assert count(spine, outbox, old) == 0
    assert count(spine, outbox, outbox.c.aggregate_id == "INC-R3") == 1  # unsent: kept
    assert count(spine, inbox) == marks - 2
    assert prune(spine.sessions, older_than=timedelta(days=14)) == {"outbox": 0, "inbox": 0}


def test_a_running_worker_prunes_by_itself_and_keeps_relaying(make_spine):
    spine = make_spine(retention_days=1 / 86400, retention_interval_seconds=0.2)  # one second
    spine.start_worker()
    spine.write("INC-R4")
    spine.eventually(lambda: spine.effects("INC-R4") == 1, "the event was not handled")

    spine.eventually(lambda: count(spine, outbox) == 0 and count(spine, inbox) == 0,
                     "the worker did not prune its sent rows and marks")
    spine.write("INC-R5")
    spine.eventually(lambda: spine.effects("INC-R5") == 1, "relaying stopped after pruning")
