"""The fixed-concurrency load generator: Debian's wrk (its own process, bounded by -d) with a Lua
script that POSTs realistic ticket bodies in turn and prints its summary as one JSON line."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

LUA = r"""
local bodies = {
%(bodies)s
}
local token = "%(token)s"
local path = "%(path)s"
local requests_ = {}
local i = 0

init = function(args)
  local headers = {["Content-Type"] = "application/json"}
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  for k, body in ipairs(bodies) do
    requests_[k] = wrk.format("POST", path, headers, body)
  end
  i = math.random(#requests_)
end

request = function()
  i = i %% #requests_ + 1
  return requests_[i]
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, ' ..
    '"latency_us": {"min": %%d, "mean": %%.1f, "max": %%d, "p50": %%d, "p90": %%d, ' ..
    '"p99": %%d, "p999": %%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.min, latency.mean, latency.max, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def version() -> str:
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).splitlines()[0].strip()


def script(bodies: list[str], *, token: str = "", path: str = "/api/v1/tickets") -> Path:
    for body in bodies:
        if "]==]" in body:
            raise ValueError("a body may not contain ]==]")
    text = LUA % {"bodies": ",\n".join(f"[==[{b}]==]" for b in bodies), "token": token,
                  "path": path}
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-", delete=False)
    handle.write(text)
    handle.close()
    return Path(handle.name)


def run(url: str, lua: Path, *, seconds: float, connections: int, threads: int = 1,
        timeout_s: float = 10.0) -> dict:
    """One wrk run against url; its summary plus requests/s (2xx/3xx only)."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
            f"--timeout={timeout_s:g}s", "--latency", "-s", str(lua), url]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {done.stdout}\n{done.stderr}")
    data = json.loads(line[len("BENCH_JSON "):])
    seconds_run = data["duration_us"] / 1e6
    errors = sum(data["errors"].values())
    ok = data["requests"] - data["errors"]["status"]
    return {
        "connections": connections, "threads": threads, "seconds": round(seconds_run, 2),
        "requests": data["requests"], "ok": ok, "errors": data["errors"],
        "error_count": errors,
        "rps": round(ok / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": round(data["latency_us"]["p50"] / 1000, 2),
        "p90_ms": round(data["latency_us"]["p90"] / 1000, 2),
        "p99_ms": round(data["latency_us"]["p99"] / 1000, 2),
        "max_ms": round(data["latency_us"]["max"] / 1000, 2),
    }
