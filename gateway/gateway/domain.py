"""Gateway rules: accounts, lockout after repeated failures, login rate limits."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from servicedesk_common.identity import (
    ADMIN,
    CLIENT,
    KNOWLEDGE_MANAGER,
    OPERATOR,
    ROLES,
    SUPERVISOR,
    TECHNICIAN,
)

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
TOKEN_LIFETIME_SECONDS = 8 * 3600  # one working day

# username -> (role, level-2 group)
DEMO_ACCOUNTS = {
    "admin": (ADMIN, None),
    "supervisor1": (SUPERVISOR, None),
    "operator1": (OPERATOR, None),
    "operator2": (OPERATOR, None),
    "km1": (KNOWLEDGE_MANAGER, None),
    "tech-egov-1": (TECHNICIAN, "egov"),
    "tech-egov-2": (TECHNICIAN, "egov"),
    "tech-webapi-1": (TECHNICIAN, "webapi"),
    "tech-network-1": (TECHNICIAN, "network"),
    "tech-network-2": (TECHNICIAN, "network"),
    "client1": (CLIENT, None),
}


def is_role(value: str) -> bool:
    return value in ROLES


def locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_failure(failed_logins: int, now: datetime) -> tuple[int, datetime | None]:
    """New failure count and lock: the fifth failure in a row locks for a while."""
    failed = failed_logins + 1
    if failed >= MAX_FAILED_LOGINS:
        return 0, now + LOCKOUT
    return failed, None


@dataclass
class RateLimiter:
    """A token bucket per key (client address): `rate` per second, bursts up to `burst`."""
    rate: float
    burst: int
    clock: callable = time.monotonic
    buckets: dict = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        now = self.clock()
        tokens, last = self.buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            return False
        self.buckets[key] = (tokens - 1, now)
        if len(self.buckets) > 10000:  # forget idle addresses rather than grow forever
            self.buckets.clear()
        return True
