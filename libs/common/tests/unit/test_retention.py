"""Retention on SQLite (the embedded default): the same statements prune the same rows."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.orm import sessionmaker

from servicedesk_common.messaging_tables import inbox, metadata, outbox
from servicedesk_common.retention import prune

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def row(n: int, sent_at):
    return {"message_id": f"m{n}", "type": "ticket.created", "version": 1, "producer": "t",
            "occurred_at": NOW.isoformat(), "payload": {}, "sent_at": sent_at}


def test_sqlite_prunes_old_sent_rows_and_marks_only(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    metadata.create_all(engine)
    sessions = sessionmaker(engine)
    old, recent = NOW - timedelta(days=20), NOW - timedelta(days=1)
    with sessions() as session, session.begin():
        session.execute(insert(outbox), [row(1, old), row(2, old), row(3, None), row(4, recent)])
        session.execute(insert(inbox), [
            {"message_id": "a", "type": "x", "processed_at": old},
            {"message_id": "b", "type": "x", "processed_at": recent}])

    assert prune(sessions, older_than=timedelta(days=14), now=NOW, batch=1) == {
        "outbox": 2, "inbox": 1}
    with sessions() as session:
        assert session.execute(select(outbox.c.message_id).order_by(outbox.c.id)
                               ).scalars().all() == ["m3", "m4"]
        assert session.execute(select(func.count()).select_from(inbox)).scalar_one() == 1
