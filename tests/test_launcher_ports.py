"""`make run` gives every internal web app a port of its own, never the gateway's: a port taken
twice leaves one app restarting forever and the stack half up."""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def launcher():
    spec = importlib.util.spec_from_file_location("launcher", ROOT / "deploy" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["launcher"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def bound_ports(processes) -> list[int]:
    return [int(p.argv[p.argv.index("--bind") + 1].rsplit(":", 1)[1])
            for p in processes if "--bind" in p.argv]


class Kernel:
    """Hands out ports like bind(port 0) does, in a fixed order that is the worst case: the
    gateway's port first (it is free until the gateway binds it), then a port that is offered
    again as soon as it is released."""

    def __init__(self, offers: list[int]):
        self.offers, self.bound = offers, set()
        kernel = self

        class Socket:
            def __init__(self, *args):
                self.port = None

            def bind(self, address):
                self.port = next(p for p in kernel.offers if p not in kernel.bound)
                kernel.bound.add(self.port)

            def getsockname(self):
                return ("127.0.0.1", self.port)

            def close(self):
                kernel.bound.discard(self.port)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.close()

        self.socket = Socket


def test_internal_ports_are_distinct_and_never_the_gateways(monkeypatch):
    run = launcher()
    kernel = Kernel([8080] + list(range(40000, 40010)))
    monkeypatch.setattr(run.socket, "socket", kernel.socket)

    ports = bound_ports(run.plan({"SERVICEDESK_GATEWAY_PORT": "8080"}))

    assert len(ports) == len(set(ports)) == len(run.SERVICES) + 1
    assert ports.count(8080) == 1  # the gateway's own bind only
    assert not kernel.bound  # every probe socket was released


def test_a_port_given_for_a_service_is_kept_and_not_handed_to_another(monkeypatch):
    run = launcher()
    kernel = Kernel([18081, 8080] + list(range(40000, 40010)))
    monkeypatch.setattr(run.socket, "socket", kernel.socket)

    ports = bound_ports(run.plan({"SERVICEDESK_GATEWAY_PORT": "8080",
                                  "SERVICEDESK_TRIAGE_PORT": "18081"}))

    assert ports.count(18081) == 1 and ports.count(8080) == 1
    assert len(set(ports)) == len(ports)
