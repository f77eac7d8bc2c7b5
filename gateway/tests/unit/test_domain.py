"""Account rules: the growing delay after failed logins, the rate limiter's token bucket."""
from gateway.domain import LoginDelay, RateLimiter
from gateway.limits import limits_from_env


def test_failed_logins_make_the_next_attempt_wait_longer_each_time_up_to_a_cap():
    delay = LoginDelay(free=3, base=1.0, longest=60.0, forget_after=3600)
    assert [delay.seconds(n) for n in range(9)] == [0, 0, 0, 1, 2, 4, 8, 16, 32]
    assert delay.seconds(10) == delay.seconds(1000) == 60.0


def test_the_wait_runs_from_the_last_failure_and_a_quiet_spell_forgets_the_failures():
    delay = LoginDelay(free=1, base=10.0, longest=60.0, forget_after=3600)
    assert delay.wait(2, last_failed_at=1000.0, now=1005.0) == 15.0
    assert delay.wait(2, last_failed_at=1000.0, now=1020.0) == 0.0
    assert not delay.forgotten(last_failed_at=0.0, now=3599.0)
    assert delay.forgotten(last_failed_at=0.0, now=3600.0)
    # waiting out the longest delay never resets the count
    assert not LoginDelay(1, 1.0, 900.0, forget_after=60).forgotten(0.0, 1000.0)


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
    public = limits_from_env()["public"]
    clock = Clock()
    limiter = RateLimiter(rate=public.rate, burst=public.burst, clock=clock)
    allowed = 0
    for _ in range(100):  # a hundred tickets within one minute from one address
        allowed += limiter.allow("127.0.0.1")
        clock.now += 0.6
    assert allowed == 100
    flood = [limiter.allow("10.9.9.9") for _ in range(500)]
    assert 0 < sum(flood) < 500
