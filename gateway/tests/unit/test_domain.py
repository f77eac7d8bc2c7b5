"""Account rules: lockout after repeated failures, the login/public-post rate limiter."""
from datetime import UTC, datetime, timedelta

from gateway.domain import LOCKOUT, MAX_FAILED_LOGINS, RateLimiter, after_failure, locked
from gateway.security import GuardSettings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_fifth_failure_in_a_row_locks_the_account_for_a_while():
    failures, lock = 0, None
    for _ in range(MAX_FAILED_LOGINS - 1):
        failures, lock = after_failure(failures, NOW)
        assert lock is None
    failures, lock = after_failure(failures, NOW)
    assert lock == NOW + LOCKOUT
    assert failures == 0  # the count starts again once the lock is over


def test_a_lock_holds_until_its_time_and_not_after():
    until = NOW + timedelta(minutes=15)
    assert locked(until, NOW)
    assert locked(until, until - timedelta(seconds=1))
    assert not locked(until, until)
    assert not locked(None, NOW)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_rate_limiter_allows_a_burst_then_refuses_until_tokens_come_back():
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token back at 2 per second
    assert limiter.allow("10.0.0.1")
    assert not limiter.allow("10.0.0.1")


def test_rate_limiter_counts_each_address_on_its_own():
    limiter = RateLimiter(rate=0.0, burst=1, clock=Clock())
    assert limiter.allow("10.0.0.1")
    assert not limiter.allow("10.0.0.1")
    assert limiter.allow("10.0.0.2")


def test_default_public_limits_let_a_hundred_posts_a_minute_through_but_not_a_flood(
        monkeypatch):
    monkeypatch.delenv("SERVICEDESK_PUBLIC_POST_RATE", raising=False)
    monkeypatch.delenv("SERVICEDESK_PUBLIC_POST_BURST", raising=False)
    guards = GuardSettings.from_env()
    clock = Clock()
    limiter = RateLimiter(rate=guards.public_post_rate, burst=guards.public_post_burst,
                          clock=clock)
    allowed = 0
    for _ in range(100):  # a hundred tickets within one minute from one address
        allowed += limiter.allow("127.0.0.1")
        clock.now += 0.6
    assert allowed == 100
    flood = [limiter.allow("10.9.9.9") for _ in range(500)]
    assert 0 < sum(flood) < 500
