"""The catalog fetched from triage: cached briefly, stale rather than nothing, and no wait on
every ticket while triage is down."""
from intake.catalog import HttpCatalog


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def source(answers: list):
    clock = Clock()
    catalog = HttpCatalog("http://triage.invalid", ttl=30, timeout=1, clock=clock)
    calls = []

    def fetch():
        calls.append(clock.now)
        return answers.pop(0)

    catalog._fetch = fetch
    return catalog, clock, calls


def test_the_catalog_is_fetched_once_per_cache_period():
    catalog, clock, calls = source([{"v": 1}, {"v": 2}])
    assert catalog.current() == {"v": 1}
    clock.now += 29
    assert catalog.current() == {"v": 1}
    clock.now += 2
    assert catalog.current() == {"v": 2}
    assert len(calls) == 2


def test_when_triage_is_down_the_last_copy_serves():
    catalog, clock, _ = source([{"v": 1}, None])
    catalog.current()
    clock.now += 31
    assert catalog.current() == {"v": 1}


def test_without_any_copy_there_is_no_catalog_and_no_retry_storm():
    catalog, clock, calls = source([None, {"v": 1}])
    assert catalog.current() is None
    clock.now += 1
    assert catalog.current() is None
    assert len(calls) == 1
    clock.now += 5
    assert catalog.current() == {"v": 1}


def test_a_real_request_to_nowhere_gives_no_catalog():
    catalog = HttpCatalog("http://127.0.0.1:9", ttl=30, timeout=0.5)
    assert catalog.current() is None


def test_a_refused_ticket_gets_a_copy_asked_for_after_it_arrived():
    catalog, clock, calls = source([{"v": 1}, {"v": 2}, {"v": 3}])
    catalog.current()  # fetched a moment ago, before the admin's change
    clock.now += 0.2
    assert catalog.refresh(since=clock.now) is True and catalog.current() == {"v": 2}
    assert len(calls) == 2


def test_a_copy_asked_for_after_the_request_arrived_is_not_asked_for_again():
    catalog, clock, calls = source([{"v": 1}, {"v": 2}])
    arrived = clock.now
    catalog.current()
    assert catalog.refresh(since=arrived) is True and catalog.current() == {"v": 1}
    assert len(calls) == 1


def test_while_triage_is_down_a_refused_ticket_does_not_wait_for_it_again():
    catalog, clock, calls = source([{"v": 1}, None, {"v": 2}])
    catalog.current()
    clock.now += 1
    assert catalog.refresh(since=clock.now) is False  # triage did not answer
    clock.now += 1
    assert catalog.refresh(since=clock.now) is False and len(calls) == 2
    clock.now += 5
    assert catalog.refresh(since=clock.now) is True and catalog.current() == {"v": 2}
