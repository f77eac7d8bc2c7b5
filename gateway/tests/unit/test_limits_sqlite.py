"""The shared limiter and the login delay on the embedded default (a SQLite file): the same
statements as on PostgreSQL, atomic there too."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine

from gateway.domain import LoginDelay
from gateway.limits import Limit, LoginThrottle, SharedLimiter
from gateway.models import Base


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'gateway.db'}",
                           connect_args={"timeout": 30})
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_buckets_in_a_sqlite_file_give_the_burst_then_refill_at_the_rate(engine):
    clock = Clock()
    limiter = SharedLimiter(engine, {"public": Limit(rate=2.0, burst=3)}, clock=clock)
    assert [limiter.allow("public", "10.0.0.1") for _ in range(4)] == [True] * 3 + [False]
    assert limiter.allow("public", "10.0.0.2")
    clock.now += 0.5
    assert limiter.allow("public", "10.0.0.1")
    assert not limiter.allow("public", "10.0.0.1")
    other = SharedLimiter(engine, {"public": Limit(rate=2.0, burst=3)}, clock=clock)
    assert not other.allow("public", "10.0.0.1")  # another process sees the same bucket


def test_parallel_failures_in_a_sqlite_file_are_all_counted(engine):
    delay = LoginDelay(free=100, base=1.0, longest=60.0, forget_after=3600)
    throttle = LoginThrottle(engine, per_account=delay, per_source=delay)
    keys = throttle.keys("Operator1", "10.0.0.9")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: throttle.failed(keys), range(12)))
    assert throttle.failed(keys) == {"account:operator1": 13, "source:10.0.0.9": 13}
