"""The shared rate limiter and the login delay, kept in the gateway's database (PostgreSQL, or
the embedded SQLite file) so that every gunicorn process and every replica counts the same.

Each check or failure is one atomic statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING):
parallel requests never read a count and write it back, so none is lost."""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from servicedesk_common.settings import env_float, env_int

from .domain import LoginDelay
from .models import LoginFailure, RateBucket

IDLE_BUCKET_SECONDS = 24 * 3600  # an untouched bucket is full again long before this
PRUNE_EVERY = 1000  # checks per process between two clean-ups of idle buckets


@dataclass(frozen=True)
class Limit:
    rate: float  # tokens back per second
    burst: int


def limits_from_env() -> dict[str, Limit]:
    """The route classes: anonymous posts and logins per source, signed-in writes per account,
    anonymous help-center votes per source (on top of the public posts' limit)."""
    return {
        "public": Limit(env_float("SERVICEDESK_PUBLIC_POST_RATE", 2.0),
                        env_int("SERVICEDESK_PUBLIC_POST_BURST", 60)),
        "login": Limit(env_float("SERVICEDESK_LOGIN_RATE", 5.0),
                       env_int("SERVICEDESK_LOGIN_BURST", 30)),
        "user_write": Limit(env_float("SERVICEDESK_USER_WRITE_RATE", 10.0),
                            env_int("SERVICEDESK_USER_WRITE_BURST", 300)),
        "vote": Limit(env_float("SERVICEDESK_VOTE_RATE", 0.01),
                      env_int("SERVICEDESK_VOTE_BURST", 20)),
    }


def _insert(engine):
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


class SharedLimiter:
    """Token buckets in the `rate_buckets` table, one per route class and key."""

    def __init__(self, engine, limits: dict[str, Limit], *, clock=time.time):
        self.engine = engine
        self.limits = limits
        self.clock = clock
        self.checks = 0

    def allow(self, route_class: str, key: str) -> bool:
        limit = self.limits[route_class]
        now = self.clock()
        refilled = RateBucket.tokens + (now - RateBucket.updated_at) * limit.rate
        refilled = case((refilled > limit.burst, float(limit.burst)), else_=refilled)
        insert = _insert(self.engine)(RateBucket).values(
            key=f"{route_class}:{key}"[:200], tokens=float(limit.burst - 1), updated_at=now)
        statement = insert.on_conflict_do_update(
            index_elements=[RateBucket.key], set_={"tokens": refilled - 1, "updated_at": now},
            where=refilled >= 1).returning(RateBucket.tokens)
        with self.engine.begin() as conn:
            allowed = conn.execute(statement).first() is not None
        self._prune_now_and_then(now)
        return allowed

    def _prune_now_and_then(self, now: float) -> None:
        self.checks += 1
        if self.checks % PRUNE_EVERY == 0:
            with self.engine.begin() as conn:
                conn.execute(delete(RateBucket).where(
                    RateBucket.updated_at < now - IDLE_BUCKET_SECONDS))


def delay_from_env() -> tuple[LoginDelay, LoginDelay]:
    """(per account, per source): the same growth; a source (maybe a whole office behind one
    address) gets more free failures, and forgets them after an hour instead of a day."""
    base = env_float("SERVICEDESK_LOGIN_DELAY_SECONDS", 1.0)
    longest = env_float("SERVICEDESK_LOGIN_MAX_DELAY_SECONDS", 900.0)
    return (LoginDelay(env_int("SERVICEDESK_LOGIN_FREE_FAILURES", 3), base, longest, 24 * 3600),
            LoginDelay(env_int("SERVICEDESK_LOGIN_SOURCE_FREE_FAILURES", 50), base, longest,
                       3600))


class LoginThrottle:
    """Failed logins in a row per account name (existing or not) and per source address."""

    def __init__(self, engine, *, per_account: LoginDelay, per_source: LoginDelay,
                 clock=time.time):
        self.engine = engine
        self.rules = {"account": per_account, "source": per_source}
        self.clock = clock

    @staticmethod
    def account_key(username: str) -> str:
        return f"account:{username.strip().lower()}"[:200]

    @classmethod
    def keys(cls, username: str, source: str) -> list[str]:
        return [cls.account_key(username), f"source:{source}"[:200]]

    def wait(self, keys: list[str]) -> float:
        """Seconds the caller must still wait before a password is checked (0: go on)."""
        now = self.clock()
        with self.engine.connect() as conn:
            rows = conn.execute(select(LoginFailure).where(LoginFailure.key.in_(keys))).all()
        return max((self._rule(row.key).wait(row.failures, row.last_failed_at, now)
                    for row in rows), default=0.0)

    def failed(self, keys: list[str]) -> dict[str, int]:
        """Counts one failure on each key; returns the new counts."""
        now = self.clock()
        counts = {}
        with self.engine.begin() as conn:
            for key in keys:
                rule = self._rule(key)
                forgotten = LoginFailure.last_failed_at <= now - max(rule.forget_after,
                                                                     2 * rule.longest)
                insert = _insert(self.engine)(LoginFailure).values(
                    key=key, failures=1, last_failed_at=now)
                statement = insert.on_conflict_do_update(
                    index_elements=[LoginFailure.key], set_={
                        "failures": case((forgotten, 1), else_=LoginFailure.failures + 1),
                        "last_failed_at": now}).returning(LoginFailure.failures)
                counts[key] = conn.execute(statement).scalar_one()
        return counts

    def forget(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(LoginFailure).where(LoginFailure.key == key))

    def _rule(self, key: str) -> LoginDelay:
        return self.rules[key.split(":", 1)[0]]
