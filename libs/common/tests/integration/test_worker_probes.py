"""A worker answers /healthz, /readyz and /metrics on a port of its own: a probe or a scraper can
reach each worker process, and readiness follows its broker and database."""
import requests

from servicedesk_common.bus import wait_until


def probe(port: int, path: str) -> requests.Response:
    return requests.get(f"http://127.0.0.1:{port}{path}", timeout=3)


def test_a_worker_serves_health_readiness_and_metrics_on_its_own_port(spine):
    worker = spine.start_worker()
    port = worker.serve_probes("127.0.0.1", 0)  # 0: a free port, logged and returned

    assert port > 0
    assert probe(port, "/healthz").json() == {"status": "ok",
                                              "checks": {"threads": True, "running": True}}
    ready = probe(port, "/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "broker": True}
    metrics = probe(port, "/metrics")
    assert metrics.headers["Content-Type"].startswith("text/plain")
    assert "# TYPE servicedesk_events_handled_total counter" in metrics.text
    missing = probe(port, "/nothing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_worker_cut_from_the_broker_is_alive_but_not_ready(spine, broker_proxy):
    worker = spine.start_worker(amqp_url=broker_proxy.url)
    port = worker.serve_probes("127.0.0.1", 0)

    broker_proxy.cut()

    assert wait_until(lambda: probe(port, "/readyz").status_code == 503, 10, interval=0.1)
    assert probe(port, "/readyz").json() == {"status": "not_ready",
                                             "checks": {"database": True, "broker": False}}
    assert probe(port, "/healthz").status_code == 200  # no restart for an outage

    broker_proxy.restore()
    assert wait_until(lambda: probe(port, "/readyz").status_code == 200, 20, interval=0.2)


def test_two_workers_of_a_service_answer_on_two_ports(spine):
    ports = {spine.start_worker().serve_probes("127.0.0.1", 0) for _ in range(2)}

    assert len(ports) == 2
    assert all(probe(port, "/healthz").status_code == 200 for port in ports)
