"""Pieces of the bus that need no broker: back-off, names, connection parameters."""
from servicedesk_common.bus import Backoff, Topology, connection_parameters


def test_backoff_doubles_from_the_first_delay_up_to_the_cap():
    backoff = Backoff(first=0.5, cap=5.0)

    delays = [backoff.next_delay() for _ in range(7)]

    assert delays == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_backoff_never_exceeds_the_cap_however_long_the_outage():
    backoff = Backoff(first=0.5, cap=15.0)

    assert max(backoff.next_delay() for _ in range(1000)) == 15.0


def test_backoff_starts_over_after_a_reset():
    backoff = Backoff(first=0.25, cap=10.0)
    for _ in range(5):
        backoff.next_delay()

    backoff.reset()

    assert backoff.next_delay() == 0.25


def test_topology_names_follow_the_prefix_and_service():
    topology = Topology("sd", (1000, 5000))

    assert topology.exchange == "sd.events"
    assert topology.dead_letter_exchange == "sd.dlx"
    assert topology.queue("triage") == "sd.triage"
    assert topology.dlq("triage") == "sd.triage.dlq"
    assert topology.retry_queue("triage", 5000) == "sd.triage.retry.5000ms"


def test_connections_have_heartbeats_and_fail_fast_on_each_attempt():
    params = connection_parameters("amqp://guest:guest@127.0.0.1:5672/%2F")

    assert params.heartbeat and params.heartbeat > 0
    assert params.connection_attempts == 1
    assert params.blocked_connection_timeout


def test_connections_carry_a_name_the_broker_shows():
    params = connection_parameters("amqp://guest:guest@127.0.0.1:5672/%2F", name="sd.triage.x")

    assert params.client_properties["connection_name"] == "sd.triage.x"
