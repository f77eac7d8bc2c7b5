"""Reference data a service reads on every event but an admin changes rarely (triage's catalog
and matrix, sla's policies and calendars), kept in the process and checked once per unit of
work against a revision: one row that every admin write sets to a new random value in its own
transaction. The first unit of work after that commit reads the new revision and loads again,
so there is no time-based expiry and no stale window.

Random, not a counter or the newest updated_at: a timestamp is taken before its commit, so a
slower writer can commit an older one unseen, and a counter starts again at 1 in a database
made anew (tests, a restore) while a process may still hold a copy made under that number."""
from __future__ import annotations

import threading
import uuid
from typing import Generic, TypeVar

Copy = TypeVar("Copy")


def new_revision() -> str:
    return uuid.uuid4().hex


class RevisionCopies(Generic[Copy]):
    """The process's copies, by revision. A few are kept, not one: a process may talk to
    several databases (tests, the benchmarks). Threads share a copy: never change one, and
    never put one a unit of work built from its own uncommitted writes."""

    def __init__(self, keep: int = 4):
        self.keep = keep
        self._by_revision: dict[str, Copy] = {}
        self._lock = threading.Lock()

    def get(self, revision: str) -> Copy | None:
        return self._by_revision.get(revision)

    def put(self, revision: str, copy: Copy) -> None:
        with self._lock:
            self._by_revision[revision] = copy
            while len(self._by_revision) > self.keep:
                del self._by_revision[next(iter(self._by_revision))]
