"""`python -m servicedesk_common.dlq list|replay SERVICE`: see and replay dead letters."""
import os
import subprocess
import sys


def dlq_tool(spine, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SERVICEDESK_AMQP_URL": spine.settings.amqp_url,
                   "SERVICEDESK_BUS_PREFIX": spine.settings.bus_prefix}
    environment.pop("SERVICEDESK_SECRET_KEY", None)  # an operator's tool needs no secret
    return subprocess.run([sys.executable, "-m", "servicedesk_common.dlq", *args],
                          env=environment, capture_output=True, text=True, timeout=60)


def dead_lettered(spine, *numbers: str) -> list:
    for number in numbers:
        spine.fail_first[number] = 1000
    events = [spine.write(number) for number in numbers]
    spine.eventually(lambda: len(spine.dead_letters()) == len(numbers), "not all in the DLQ")
    return events


def test_list_shows_each_dead_letter_and_leaves_it_there(spine):
    spine.start_worker()
    first, second = dead_lettered(spine, "INC-L1", "INC-L2")

    done = dlq_tool(spine, "list", "spine")

    assert done.returncode == 0, done.stderr
    assert "messages=2" in done.stdout
    assert first.message_id in done.stdout and second.message_id in done.stdout
    assert "failed on purpose" in done.stdout
    assert len(spine.dead_letters()) == 2


def test_replay_moves_messages_back_with_the_retry_count_reset(spine):
    spine.start_worker()
    (event,) = dead_lettered(spine, "INC-R1")
    attempts_so_far = len(spine.attempts["INC-R1"])
    # After the replay it fails once more, then succeeds: that once more must be retried, not
    # dead-lettered at once as it would be if the message still carried its old retry count.
    spine.fail_first["INC-R1"] = attempts_so_far + 1

    done = dlq_tool(spine, "replay", "spine")

    assert done.returncode == 0, done.stderr
    assert "replayed=1" in done.stdout and event.message_id in done.stdout
    spine.eventually(lambda: spine.effects("INC-R1") == 1, "the replayed message had no effect")
    assert len(spine.attempts["INC-R1"]) == attempts_so_far + 2
    assert spine.dead_letters() == []


def test_replay_with_a_limit_moves_only_that_many(spine):
    spine.start_worker()
    dead_lettered(spine, "INC-M1", "INC-M2", "INC-M3")
    spine.fail_first.clear()

    done = dlq_tool(spine, "replay", "spine", "--limit", "1")

    assert done.returncode == 0, done.stderr
    assert "replayed=1" in done.stdout
    spine.eventually(lambda: sum(spine.effects(n) for n in ("INC-M1", "INC-M2", "INC-M3")) == 1,
                     "the one replayed message was not handled")
    assert len(spine.dead_letters()) == 2


def test_replaying_an_unknown_service_says_there_is_no_such_queue(spine):
    done = dlq_tool(spine, "replay", "no-such-service")

    assert done.returncode == 1
    assert "no_such_queue" in done.stderr
