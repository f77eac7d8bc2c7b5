"""The paced load generator of the event-pipeline figure (its own process, bounded in time).

Sends POST /api/v1/tickets at a fixed rate (open loop, several keep-alive connections) and times,
for every ticket created, the way from its 201 to the moment the ticket shows its priority and
SLA due times: a watcher asks intake's read model (its database, one indexed query for all
tickets still waiting, every --poll-ms) for rows whose priority is set and whose SLA block has
both due times under that priority's policy. A row seen by a query sent at t was committed
before t and after the previous query: the figure is an upper bound within one poll interval.
Finally a few tickets are read through the gateway as staff, to show the same fields there.

    python bench/pace.py CONFIG.json   (gateway, token, bodies, rate, seconds, intake_db, ...)
Prints one JSON object.
"""
from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlparse

import psycopg

READY_SQL = """
SELECT number FROM tickets
 WHERE number = ANY(%s) AND priority IS NOT NULL
   AND sla->>'response_due_at' IS NOT NULL AND sla->>'resolution_due_at' IS NOT NULL
   AND sla->>'policy' LIKE 'priority-' || priority || '%%'
"""


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))], 2)


def summary(values: list[float]) -> dict:
    return {"count": len(values), "p50_ms": percentile(values, 50),
            "p90_ms": percentile(values, 90), "p99_ms": percentile(values, 99),
            "max_ms": round(max(values), 2) if values else None}


class Pacer:
    def __init__(self, config: dict):
        self.config = config
        target = urlparse(config["gateway"])
        self.host, self.port = target.hostname, target.port
        self.headers = {"Content-Type": "application/json",
                        "Authorization": f"Bearer {config['token']}"}
        self.bodies = [b.encode() for b in config["bodies"]]
        self.lock = threading.Lock()
        self.pending: dict[str, float] = {}  # number -> when its 201 arrived
        self.created: list[str] = []
        self.create_ms: list[float] = []
        self.lateness_ms: list[float] = []
        self.pipeline_ms: list[float] = []
        self.errors: dict[str, int] = {}
        self.sent = 0
        self.slot = 0
        self.sending = True

    def next_slot(self) -> int | None:
        with self.lock:
            slot = self.slot
            self.slot += 1
            return slot

    def sender(self, start: float, end: float) -> None:
        rate = self.config["rate"]
        conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
        while True:
            slot = self.next_slot()
            due = start + slot / rate
            if due >= end:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            else:
                self.lateness_ms.append(-delay * 1000)
            body = self.bodies[slot % len(self.bodies)]
            sent_at = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/tickets", body=body, headers=self.headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.count_error(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
                continue
            answered = time.perf_counter()
            if response.status != 201:
                self.count_error(str(response.status))
                continue
            number = json.loads(data)["number"]
            with self.lock:
                self.sent += 1
                self.pending[number] = answered
                self.created.append(number)
                self.create_ms.append((answered - sent_at) * 1000)
        conn.close()

    def count_error(self, key: str) -> None:
        with self.lock:
            self.errors[key] = self.errors.get(key, 0) + 1

    def watcher(self, stop: threading.Event) -> None:
        poll = self.config.get("poll_ms", 2) / 1000
        with psycopg.connect(self.config["intake_db"], autocommit=True) as conn:
            while not stop.is_set():
                with self.lock:
                    waiting = list(self.pending)
                if waiting:
                    asked = time.perf_counter()
                    rows = conn.execute(READY_SQL, (waiting,)).fetchall()
                    with self.lock:
                        for (number,) in rows:
                            answered_at = self.pending.pop(number, None)
                            if answered_at is not None:
                                self.pipeline_ms.append(max(0.0, asked - answered_at) * 1000)
                time.sleep(poll)

    def check_through_gateway(self, numbers: list[str]) -> list[dict]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
        seen = []
        for number in numbers:
            conn.request("GET", f"/api/v1/tickets/{number}", headers=self.headers)
            response = conn.getresponse()
            ticket = json.loads(response.read())
            sla = ticket.get("sla") or {}
            seen.append({"number": number, "status": response.status,
                         "priority": ticket.get("priority"), "policy": sla.get("policy"),
                         "response_due_at": sla.get("response_due_at"),
                         "resolution_due_at": sla.get("resolution_due_at")})
        conn.close()
        return seen

    def run(self) -> dict:
        seconds, rate = self.config["seconds"], self.config["rate"]
        stop = threading.Event()
        watcher = threading.Thread(target=self.watcher, args=(stop,), daemon=True)
        watcher.start()
        start = time.perf_counter() + 0.2
        end = start + seconds
        senders = [threading.Thread(target=self.sender, args=(start, end), daemon=True)
                   for _ in range(self.config.get("connections", 8))]
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join(seconds + 30)
        sent_seconds = time.perf_counter() - start
        deadline = time.monotonic() + self.config.get("settle_seconds", 15)
        while time.monotonic() < deadline:
            with self.lock:
                if not self.pending:
                    break
            time.sleep(0.05)
        stop.set()
        watcher.join(5)
        with self.lock:
            missing = len(self.pending)
        sample = self.created[:: max(1, len(self.created) // 5)][:5]
        return {
            "target_rate": rate, "seconds": round(sent_seconds, 2), "created": len(self.created),
            "achieved_rate": round(len(self.created) / sent_seconds, 1),
            "errors": self.errors, "connections": self.config.get("connections", 8),
            "poll_ms": self.config.get("poll_ms", 2),
            "late_sends": len(self.lateness_ms),
            "late_p99_ms": percentile(self.lateness_ms, 99),
            "create": summary(self.create_ms),
            "pipeline": {**summary(self.pipeline_ms), "not_seen": missing},
            "through_gateway": self.check_through_gateway(sample),
            "numbers": self.created,  # for the runner's breakdown; not kept in the results
        }


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        config = json.load(handle)
    print(json.dumps(Pacer(config).run()))


if __name__ == "__main__":
    main()
