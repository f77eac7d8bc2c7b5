"""The monitor: announces warnings (75%) and breaches (100%) when their moment comes.

Each tick selects, by the indexed `next_check_at`, only the clocks whose next deadline has come
(`FOR UPDATE SKIP LOCKED` on PostgreSQL: several workers share the work, none waits), announces
what is due and stores the next deadline, in one transaction with the outbox rows. Nothing lives
only in memory: a deadline that passed while no worker ran is found by the next tick of the
next worker. Between ticks the loop sleeps until the earliest deadline, at most `interval`.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from servicedesk_common.bus import Backoff
from servicedesk_common.settings import env_float, env_int

from .handlers import check
from .models import ClockRow

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 1.0
DEFAULT_BATCH = 500
MIN_WAIT_SECONDS = 0.05


def utcnow() -> datetime:
    return datetime.now(UTC)


def due_query(moment: datetime, *, limit: int, dialect: str):
    """Only clocks in the partial index on `next_check_at` whose moment has come."""
    query = (select(ClockRow).options(defer(ClockRow.facts))
             .where(ClockRow.next_check_at.is_not(None), ClockRow.next_check_at <= moment)
             .order_by(ClockRow.next_check_at).limit(limit))
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return query


def due_clocks(session, moment: datetime, *, limit: int) -> list[ClockRow]:
    query = due_query(moment, limit=limit, dialect=session.get_bind().dialect.name)
    return list(session.execute(query).scalars())


def earliest_check(session) -> datetime | None:
    return session.execute(select(func.min(ClockRow.next_check_at))).scalar_one_or_none()


class Monitor:
    """`now` is injectable: tests and the benchmark move time without waiting for it."""

    def __init__(self, make_uow: Callable, *, now: Callable[[], datetime] = utcnow,
                 batch: int = DEFAULT_BATCH, interval: float = DEFAULT_INTERVAL_SECONDS):
        self.make_uow = make_uow
        self.now = now
        self.batch = batch
        self.interval = interval

    def tick(self) -> int:
        """Announce what is due now; returns how many clocks were looked at."""
        moment = self.now()
        with self.make_uow() as uow:
            rows = due_clocks(uow.session, moment, limit=self.batch)
            with uow.session.no_autoflush:  # the clocks' updates go as one batch at commit
                events = [event for row in rows for event in check(row, at=moment)]
            uow.outbox.add_many(events)
            uow.commit()
        if rows:
            log.info("event=sla_tick clocks=%d", len(rows))
        return len(rows)

    def seconds_to_next(self) -> float:
        with self.make_uow() as uow:
            upcoming = earliest_check(uow.session)
        if upcoming is None:
            return self.interval
        # Not below MIN_WAIT: a due clock another transaction holds is retried, not spun on.
        return min(self.interval, max(MIN_WAIT_SECONDS, (upcoming - self.now()).total_seconds()))

    def run(self, stop: threading.Event) -> None:
        backoff = Backoff(first=1.0, cap=30.0)
        while not stop.is_set():
            try:
                handled = self.tick()
                wait = 0.0 if handled >= self.batch else self.seconds_to_next()
                backoff.reset()
            except Exception as exc:  # noqa: BLE001 - database away: try again, never die
                wait = backoff.next_delay()
                log.warning("event=sla_tick_failed error=%r retry_in=%.1fs", exc, wait)
            stop.wait(wait)


def build_monitor(worker) -> Callable[[threading.Event], None]:
    """The worker's LOOPS entry: settings from the environment, read at start."""
    monitor = Monitor(worker.make_uow,
                      batch=env_int("SERVICEDESK_SLA_MONITOR_BATCH", DEFAULT_BATCH),
                      interval=env_float("SERVICEDESK_SLA_MONITOR_INTERVAL_SECONDS",
                                         DEFAULT_INTERVAL_SECONDS))
    return monitor.run
