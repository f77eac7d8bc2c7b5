"""The local launcher behind `make run`: migrates every database, starts every web and worker
process (SERVICEDESK_WORKER_REPLICAS workers per service), prefixes their logs, restarts a
process that dies, and stops them all on Ctrl-C or SIGTERM. Every child dies with the launcher,
even one killed with -9 (the kernel's parent-death signal, see servicedesk_common.lifetime)."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from servicedesk_common.lifetime import StopSignals

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVICES = ("intake", "triage", "escalation", "sla", "survey", "knowledge")
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
STOP_SECONDS = 7.0  # TERM, then KILL what still runs: the whole stack is gone within 10 s
COLOURS = ("36", "33", "35", "32", "34", "31", "96", "93")

NO_BROKER = """No RabbitMQ answers at {url}.
The service desk needs a message broker. Start one with either:
  docker compose up -d rabbitmq
  sudo rabbitmq-server -detached      (Debian/Ubuntu: apt-get install rabbitmq-server)
or point SERVICEDESK_AMQP_URL at a running broker."""


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict
    popen: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)


def free_ports(count: int, avoid: set[int]) -> list[int]:
    """`count` distinct free ports, none in `avoid` (the gateway's). Each socket stays bound
    until all are chosen, so the system cannot offer one port twice."""
    held: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
            if sock.getsockname()[1] not in avoid:
                ports.append(sock.getsockname()[1])
        return ports
    finally:
        for sock in held:
            sock.close()


def broker_answers(url: str) -> bool:
    import pika

    try:
        params = pika.URLParameters(url)
        params.socket_timeout = params.blocked_connection_timeout = 3
        params.connection_attempts = 1
        pika.BlockingConnection(params).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means: no usable broker
        return False


def base_environment() -> dict:
    env = dict(os.environ)
    env.setdefault("SERVICEDESK_AMQP_URL", DEFAULT_AMQP_URL)
    env.setdefault("SERVICEDESK_DATA_DIR", str(ROOT / "var"))
    env["SERVICEDESK_DATA_DIR"] = str(Path(env["SERVICEDESK_DATA_DIR"]).resolve())
    if not env.get("SERVICEDESK_SECRET_KEY"):
        # One key for every process, so tokens signed by one are read by all.
        env["SERVICEDESK_SECRET_KEY"] = local_secret_key(Path(env["SERVICEDESK_DATA_DIR"]))
    from servicedesk_common.settings import secret_key_problem

    problem = secret_key_problem(env["SERVICEDESK_SECRET_KEY"])
    if problem:
        sys.exit(f"launcher | SERVICEDESK_SECRET_KEY is refused: {problem}; set a random string "
                 "of at least 32 bytes, or unset it to use a key kept in SERVICEDESK_DATA_DIR")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def worker_replicas(env: dict) -> int:
    raw = env.get("SERVICEDESK_WORKER_REPLICAS") or "1"
    if not raw.isdigit() or int(raw) < 1:
        sys.exit(f"launcher | SERVICEDESK_WORKER_REPLICAS must be a whole number >= 1, "
                 f"got {raw!r}")
    return int(raw)


def with_parent(argv: list[str]) -> list[str]:
    """argv run so that it dies when this launcher dies (the same process after an exec)."""
    return [PYTHON, "-m", "servicedesk_common.lifetime", str(os.getpid()), "--", *argv]


def local_secret_key(data_dir: Path) -> str:
    """A random key made once and kept in the data directory (readable by its owner only):
    logins survive a restart, and no two machines share a key."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                f.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass  # another launcher made it first: use theirs
    print(f"launcher | SERVICEDESK_SECRET_KEY is not set: using the key kept in {path} "
          "(this machine only; set your own for a real deployment)", flush=True)
    return path.read_text().strip()


def prepare_bus(env: dict) -> None:
    """SERVICEDESK_BUS_USERS=1: each service its own broker user, made with the administrator
    login in SERVICEDESK_BUS_ADMIN_URL (else SERVICEDESK_AMQP_URL)."""
    if env.get("SERVICEDESK_BUS_USERS") != "1":
        print("launcher | bus users off: every process uses the SERVICEDESK_AMQP_URL login and "
              "any publisher on the broker is believed (development only; "
              "SERVICEDESK_BUS_USERS=1 gives each service its own user)", flush=True)
        return
    if subprocess.run([PYTHON, "-m", "servicedesk_common.bus_users"], env=env,
                      cwd=ROOT).returncode != 0:
        sys.exit("launcher | could not create the bus users (see above)")


def plan(env: dict) -> list[Process]:
    given = {name: int(env[f"SERVICEDESK_{name.upper()}_PORT"]) for name in SERVICES
             if env.get(f"SERVICEDESK_{name.upper()}_PORT")}
    gateway_port = int(env.get("SERVICEDESK_GATEWAY_PORT", "8080"))
    free = iter(free_ports(len(SERVICES) - len(given), {gateway_port, *given.values()}))
    ports = {name: given.get(name) or next(free) for name in SERVICES}
    for name, port in ports.items():
        env[f"SERVICEDESK_{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
    gunicorn = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    replicas = worker_replicas(env)
    # Each worker takes a free port of its own for its probes and logs it
    # (event=worker_probes_listening): replicas cannot share one.
    worker_env = {**env, "SERVICEDESK_WORKER_PORT": "0"}
    processes = []
    for name in SERVICES:
        processes.append(Process(f"{name}-web", gunicorn + [
            "--bind", f"127.0.0.1:{ports[name]}", f"{name}.api:create_app()"], env))
        processes += [Process(f"{name}-worker" + (f"-{i}" if replicas > 1 else ""),
                              [PYTHON, "-m", f"{name}.worker"], worker_env)
                      for i in range(1, replicas + 1)]
    gateway_bind = f"{env.get('SERVICEDESK_GATEWAY_HOST', '127.0.0.1')}:" \
                   f"{env.get('SERVICEDESK_GATEWAY_PORT', '8080')}"
    processes.append(Process("gateway", gunicorn + ["--bind", gateway_bind,
                                                    "gateway.api:create_app()"], env))
    return processes


def migrate(env: dict, signals: StopSignals) -> None:
    jobs = [("gateway", [PYTHON, "-m", "gateway.prepare"])]
    jobs += [(name, [PYTHON, "-m", "servicedesk_common.migrate", name,
                     str(ROOT / "services" / name / "migrations")]) for name in SERVICES]
    running = [(name, subprocess.Popen(with_parent(argv), env=env, cwd=ROOT))
               for name, argv in jobs]
    failed = [name for name, proc in running if proc.wait() != 0]
    if failed and not signals.requested():  # a stop during migrating ends them too: no error
        sys.exit(f"launcher | migrations failed for: {', '.join(failed)}")


class Launcher:
    def __init__(self, processes: list[Process], signals: StopSignals):
        self.processes = processes
        self.signals = signals
        self.stopping = signals.event  # set by the main thread or the watcher, never a handler
        self.lock = threading.Lock()

    def start(self, process: Process) -> None:
        # Its own session: a Ctrl-C in the terminal reaches the launcher alone, which then
        # stops each process group (gunicorn's master and its workers) in order.
        process.popen = subprocess.Popen(with_parent(process.argv), env=process.env, cwd=ROOT,
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        colour = COLOURS[self.processes.index(process) % len(COLOURS)]
        threading.Thread(target=self.pipe, args=(process, colour), daemon=True).start()

    def pipe(self, process: Process, colour: str) -> None:
        prefix = f"\x1b[{colour}m{process.name:<18}|\x1b[0m " if sys.stdout.isatty() \
            else f"{process.name:<18}| "
        for line in iter(process.popen.stdout.readline, b""):
            with self.lock:
                sys.stdout.write(prefix + line.decode(errors="replace"))
                sys.stdout.flush()

    def watch(self) -> None:
        while not self.stopping.wait(1):
            for process in self.processes:
                if process.popen.poll() is not None and not self.stopping.is_set():
                    self.restart(process)

    def restart(self, process: Process) -> None:
        now = time.monotonic()
        process.restarts = [t for t in process.restarts if now - t < 60] + [now]
        if len(process.restarts) > 5:
            print(f"launcher | {process.name} keeps dying; stopping everything", flush=True)
            self.stopping.set()
            return
        print(f"launcher | {process.name} exited with {process.popen.returncode}; restarting",
              flush=True)
        self.start(process)

    def stop(self, seconds: float = STOP_SECONDS) -> None:
        self.stopping.set()
        self.signal_all(signal.SIGTERM)
        deadline = time.monotonic() + seconds
        for process in self.processes:
            if process.popen is None:
                continue
            try:
                process.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"launcher | {process.name} did not stop in {seconds:.0f} s; killing it",
                      flush=True)
        # A group may outlive its leader (a gunicorn worker finishing a request): KILL them all.
        self.signal_all(signal.SIGKILL)
        for process in self.processes:
            if process.popen is not None:
                process.popen.wait()

    def signal_all(self, signum: int) -> None:
        for process in self.processes:
            if process.popen is None:
                continue
            try:
                os.killpg(process.popen.pid, signum)
            except (ProcessLookupError, PermissionError):
                pass  # that group is gone already


def wait_ready(url: str, signals: StopSignals, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not signals.requested():
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        signals.wait(0.3)
    return False


def main() -> int:
    env = base_environment()
    if not broker_answers(env["SERVICEDESK_AMQP_URL"]):
        print(NO_BROKER.format(url=env["SERVICEDESK_AMQP_URL"]), file=sys.stderr)
        return 1
    signals = StopSignals().install()
    prepare_bus(env)
    migrate(env, signals)
    if signals.requested():
        return 0
    launcher = Launcher(plan(env), signals)
    for process in launcher.processes:
        launcher.start(process)
    port = env.get("SERVICEDESK_GATEWAY_PORT", "8080")
    host = env.get("SERVICEDESK_GATEWAY_HOST", "127.0.0.1")
    address = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}"
    watcher = threading.Thread(target=launcher.watch, daemon=True)
    watcher.start()
    if wait_ready(f"http://127.0.0.1:{port}/readyz", signals):
        print(f"launcher | the service desk is ready at {address}  (Ctrl-C stops it)",
              flush=True)
    else:
        print(f"launcher | the gateway at {address} is not ready yet; see the logs above",
              flush=True)
    while not signals.wait(0.5):
        pass
    print("launcher | stopping", flush=True)
    launcher.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
