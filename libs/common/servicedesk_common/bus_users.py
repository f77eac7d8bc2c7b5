"""Each service its own RabbitMQ user (SERVICEDESK_BUS_USERS=1).

A service's user may declare, read and write only its own queues (`<prefix>.<service>`, its
retry queues and its DLQ), publish on the events and dead-letter exchanges and the default one
(its retries), and bind its queue to the events exchange. Its password is derived from
SERVICEDESK_SECRET_KEY, so every process of the service computes it and no list of passwords
has to be handed out. An administrator's login declares the whole topology once and creates the
users: `python -m servicedesk_common.bus_users` (`make run` with SERVICEDESK_BUS_USERS=1, the
compose file's `bus-users` job), through `rabbitmqctl` when it is installed here, else the
management HTTP API."""
from __future__ import annotations

import base64
import json
import logging
import re
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlparse

from .bus import Topology, connect
from .settings import SERVICES, Settings, SettingsError, bus_password, env
from .subscriptions import SUBSCRIPTIONS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BusUser:
    name: str
    password: str
    configure: str
    write: str
    read: str


def permissions(topology: Topology, service: str) -> tuple[str, str, str]:
    """(configure, write, read) regular expressions, RabbitMQ's order."""
    own = re.escape(topology.queue(service)) + r"(\.dlq|\.retry\.[0-9]+ms)?"
    exchanges = f"{re.escape(topology.exchange)}|{re.escape(topology.dead_letter_exchange)}"
    return f"^{own}$", f"^({own}|{exchanges}|amq\\.default)$", f"^({own}|{exchanges})$"


def users_for(topology: Topology, secret: str) -> list[BusUser]:
    return [BusUser(topology.user(service), bus_password(secret, topology.prefix, service),
                    *permissions(topology, service)) for service in SERVICES]


def vhost_of(amqp_url: str) -> str:
    return unquote(urlparse(amqp_url).path.lstrip("/")) or "/"


class Rabbitmqctl:
    """The broker on this machine, through its command line tool."""

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True,
                              timeout=60)

    def put(self, user: BusUser, vhost: str) -> None:
        added = self._run("add_user", user.name, user.password)
        if added.returncode != 0:
            if "already exists" not in added.stdout + added.stderr:
                raise RuntimeError(f"rabbitmqctl add_user {user.name}: {added.stderr.strip()}")
            self._check(self._run("change_password", user.name, user.password))
        self._check(self._run("set_permissions", "-p", vhost, user.name, user.configure,
                              user.write, user.read))

    def delete(self, name: str) -> None:
        self._run("delete_user", name)

    @staticmethod
    def _check(result: subprocess.CompletedProcess) -> None:
        if result.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {result.args[2]}: {result.stderr.strip()}")


class ManagementApi:
    """A broker elsewhere (a container), through the management plugin's HTTP API."""

    def __init__(self, base_url: str, username: str, password: str):
        self.base_url = base_url.rstrip("/")
        login = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {login}", "Content-Type": "application/json"}

    def _call(self, method: str, path: str, body: dict | None = None) -> None:
        request = urllib.request.Request(f"{self.base_url}{path}", method=method,
                                         headers=self.headers,
                                         data=json.dumps(body).encode() if body else None)
        with urllib.request.urlopen(request, timeout=30):
            pass

    def put(self, user: BusUser, vhost: str) -> None:
        name = quote(user.name, safe="")
        self._call("PUT", f"/api/users/{name}", {"password": user.password, "tags": ""})
        self._call("PUT", f"/api/permissions/{quote(vhost, safe='')}/{name}",
                   {"configure": user.configure, "write": user.write, "read": user.read})

    def delete(self, name: str) -> None:
        self._call("DELETE", f"/api/users/{quote(name, safe='')}")


def administrator(admin_url: str):
    management = env("SERVICEDESK_BUS_MANAGEMENT_URL")
    if management is None and shutil.which("rabbitmqctl"):
        return Rabbitmqctl()
    parsed = urlparse(admin_url)
    return ManagementApi(management or f"http://{parsed.hostname or '127.0.0.1'}:15672",
                         unquote(parsed.username or "guest"), unquote(parsed.password or "guest"))


def prepare(admin_url: str, topology: Topology, secret: str, admin=None) -> list[BusUser]:
    """Declares every exchange and queue as the administrator, then creates or updates the
    service users (idempotent: run it at every start)."""
    connection = connect(admin_url, name=f"{topology.prefix}.bus-users")
    try:
        Topology(topology.prefix, topology.retry_delays_ms,
                 queue_type=topology.queue_type).declare_all(connection.channel(), SUBSCRIPTIONS)
    finally:
        if connection.is_open:
            connection.close()
    admin = admin or administrator(admin_url)
    users = users_for(topology, secret)
    for user in users:
        admin.put(user, vhost_of(admin_url))
    log.info("event=bus_users_ready users=%s", ",".join(user.name for user in users))
    return users


def main() -> int:
    try:
        settings = Settings.from_env("bus-users")
    except SettingsError as exc:
        print(f"bus-users | {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="bus-users | %(message)s")
    admin_url = env("SERVICEDESK_BUS_ADMIN_URL", settings.amqp_url)
    prepare(admin_url, Topology.for_settings(settings), settings.secret_key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
