"""The containers create the bus users through RabbitMQ's management HTTP API (no rabbitmqctl
in the images): the same users and limits, on a private broker node with the management plugin
started on free loopback ports (the shared broker has no management plugin)."""
import os
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest
from pika.exceptions import ChannelClosedByBroker

from servicedesk_common.bus import Topology, connect, wait_until
from servicedesk_common.bus_users import ManagementApi, administrator, prepare
from servicedesk_common.settings import bus_password, with_login
from servicedesk_common.testing import TEST_RETRY_DELAYS_MS, free_port

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
SECRET = "management-test-" + "m" * 32


def _answers(url: str) -> bool:
    request = urllib.request.Request(f"{url}/api/whoami",
                                     headers=ManagementApi(url, "guest", "guest").headers)
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def private_broker(tmp_path_factory):
    if not SERVER.exists():
        pytest.skip("needs rabbitmq-server installed (apt-get install rabbitmq-server)")
    home = tmp_path_factory.mktemp("rabbitmq")
    amqp, management, dist = free_port(), free_port(), free_port()
    (home / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = 127.0.0.1:{amqp}\nmanagement.tcp.ip = 127.0.0.1\n"
        f"management.tcp.port = {management}\n")
    (home / "enabled_plugins").write_text("[rabbitmq_management].\n")
    environment = {**os.environ, "HOME": str(home),
                   "RABBITMQ_NODENAME": f"sdtest{amqp}@localhost",
                   "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq.conf"),
                   "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
                   "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
                   "RABBITMQ_LOG_BASE": str(home / "log"),
                   "RABBITMQ_DIST_PORT": str(dist),
                   "RABBITMQ_FEATURE_FLAGS_FILE": str(home / "feature_flags"),
                   "RABBITMQ_PLUGINS_EXPAND_DIR": str(home / "plugins"),
                   "RABBITMQ_PID_FILE": str(home / "pid")}
    node = subprocess.Popen([str(SERVER)], env=environment, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    management_url = f"http://127.0.0.1:{management}"
    try:
        assert wait_until(lambda: _answers(management_url), 90, interval=0.5), \
            "the private RabbitMQ node did not start"
        yield f"amqp://guest:guest@127.0.0.1:{amqp}/%2F", management_url
    finally:
        os.killpg(node.pid, signal.SIGTERM)
        try:
            node.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(node.pid, signal.SIGKILL)


def test_the_management_api_creates_users_limited_to_their_own_queues(private_broker,
                                                                       monkeypatch):
    amqp_url, management_url = private_broker
    monkeypatch.setenv("SERVICEDESK_BUS_MANAGEMENT_URL", management_url)
    admin = administrator(amqp_url)
    assert isinstance(admin, ManagementApi)
    topology = Topology("sdtest-mgmt", TEST_RETRY_DELAYS_MS, users=True)

    users = prepare(amqp_url, topology, SECRET, admin=admin)
    prepare(amqp_url, topology, SECRET, admin=admin)  # again at the next start: no error

    assert {user.name for user in users} >= {"sdtest-mgmt.intake", "sdtest-mgmt.triage"}
    triage = with_login(amqp_url, topology.user("triage"),
                        bus_password(SECRET, topology.prefix, "triage"))
    connection = connect(triage)
    try:
        channel = connection.channel()
        channel.basic_get(topology.queue("triage"))  # its own queue: allowed
        with pytest.raises(ChannelClosedByBroker) as refused:
            channel.basic_get(topology.queue("intake"))
        assert refused.value.reply_code == 403
    finally:
        if connection.is_open:
            connection.close()
