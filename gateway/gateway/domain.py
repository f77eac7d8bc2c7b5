"""Gateway rules: accounts, the growing delay after failed logins, rate limits."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from servicedesk_common.identity import (
    ADMIN,
    CLIENT,
    KNOWLEDGE_MANAGER,
    OPERATOR,
    ROLES,
    SUPERVISOR,
    TECHNICIAN,
)

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


@dataclass(frozen=True)
class LoginDelay:
    """After `free` failed logins in a row, each further attempt waits `base` seconds, doubling
    with every failure up to `longest`: never a lock that refuses the right password. After
    `forget_after` seconds without a failure the count starts again (longer than `longest`, so
    that waiting out the delay does not reset it)."""
    free: int
    base: float
    longest: float
    forget_after: float

    def seconds(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.longest, self.base * 2 ** min(failures - self.free, 40))

    def wait(self, failures: int, last_failed_at: float, now: float) -> float:
        """Seconds left before the next attempt is heard (0: now)."""
        if self.forgotten(last_failed_at, now):
            return 0.0
        return max(0.0, last_failed_at + self.seconds(failures) - now)

    def forgotten(self, last_failed_at: float, now: float) -> bool:
        return now - last_failed_at >= max(self.forget_after, 2 * self.longest)


@dataclass
class RateLimiter:
    """A token bucket per key: `rate` per second, bursts up to `burst`. One process's copy of
    the rule; limits.SharedLimiter does the same arithmetic in one SQL statement, so that every
    process and replica spends the same buckets."""
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


# The password column of an account the office directory signs in: no password hash matches it,
# so only the directory can vouch for the person.
DIRECTORY_ACCOUNT = "!directory"


def normal_dn(dn: str) -> str:
    """A DN compared as directories do: case and spaces around `,` and `=` do not count."""
    parts = (part.split("=", 1) for part in dn.split(","))
    return ",".join("=".join(piece.strip() for piece in part) for part in parts).lower()


def parse_role_groups(text: str) -> tuple[tuple[str, str | None, str], ...]:
    """'operator=cn=operators,ou=groups,dc=x;technician:network=cn=...' -> ((role, level-2
    group or None, group DN), ...), in the order written: a person in several groups gets the
    first one listed."""
    mapping = []
    for item in filter(None, (part.strip() for part in text.split(";"))):
        target, _, dn = item.partition("=")
        role, _, group = (piece.strip() for piece in target.partition(":"))
        if not is_role(role) or not dn.strip():
            raise ValueError(f"{item!r} is not role[:level-2 group]=group DN "
                             f"(roles: {', '.join(ROLES)})")
        mapping.append((role, group or None, normal_dn(dn)))
    return tuple(mapping)


def role_from_groups(groups: frozenset[str], role_groups: tuple[tuple[str, str | None, str], ...]
                     ) -> tuple[str, str | None] | None:
    """(role, level-2 group) of the first mapped group the person is in; None: in none of
    them, so no sign-in."""
    return next(((role, group) for role, group, dn in role_groups if dn in groups), None)
