"""Where the stack's time goes under intake load: py-spy on every process at once.

Starts the stack as `make bench` does (throwaway databases and bus names), logs in as operator1,
runs wrk against POST /api/v1/tickets for --seconds while `py-spy record` samples every web
worker and every event worker, then prints, per process, its CPU seconds and the functions with
the most samples (own time and time including callees). The raw collapsed stacks stay in the
log directory for flame graphs. py-spy is not a project dependency:

    .venv/bin/pip install py-spy
    .venv/bin/python bench/profile.py [--seconds 20] [--connections 16] [--top 12]
"""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bodies as ticket_bodies
import procs
import run
import wrk


def summarise(raw: Path, top: int, keep_idle: bool = False) -> dict:
    own, inclusive = collections.Counter(), collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if f]
        idle = not keep_idle and frames and any(word in frames[-1] for word in (
            "select (selectors", "wait (threading", "poll (", "accept (", "_recv_into",
            "sleep (", "epoll"))
        if idle:
            continue
        total += n
        if frames:
            own[_short(frames[-1])] += n
        for name in {_short(f) for f in frames}:
            inclusive[name] += n
    return {"samples": total, "own": own.most_common(top),
            "inclusive": inclusive.most_common(top * 3)}


def _short(frame: str) -> str:
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path, _, line = where.rpartition(":")
    return f"{name} ({'/'.join(path.split('/')[-2:])})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=int, default=97, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--idle", action="store_true",
                        help="wall-clock profile: samples of waiting threads too")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="a SERVICEDESK_* setting for the stack (repeatable)")
    parser.add_argument("--gil", action="store_true",
                        help="only samples holding the GIL: Python's own CPU, not its waits")
    parser.add_argument("--only", default="", help="comma-separated process-name prefixes")
    parser.add_argument("--database-server", default=os.environ.get(
        "SERVICEDESK_DATABASE_URL") or run.LOCAL_DB)
    parser.add_argument("--amqp", default=os.environ.get("SERVICEDESK_AMQP_URL",
                                                         run.DEFAULT_AMQP))
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    logs = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    databases = run.Databases(args.database_server)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEDESK_")}
    env.update({"PYTHONUNBUFFERED": "1", "SERVICEDESK_AMQP_URL": args.amqp})
    env.update(dict(item.split("=", 1) for item in args.env))
    stack = run.Stack(args, databases, env, logs / "stack.log")
    try:
        stack.start()
        token = stack.login("operator1")
        lua = wrk.script(ticket_bodies.bodies(200), token=token)
        wrk.run(stack.url + "/api/v1/tickets", lua, seconds=3, connections=args.connections)
        run.wait_drained(stack, 60)
        only = tuple(filter(None, args.only.split(",")))
        names = {n: p for n, p in stack.names.items()
                 if "master" not in n and n != "launcher" and (not only or n.startswith(only))}
        spies = {name: subprocess.Popen(
            [spy, "record", "--pid", str(pid), "--duration", str(int(args.seconds) + 2),
             "--rate", str(args.rate), "--format", "raw", "--nonblocking",
             *(["--gil"] if args.gil else []), *(["--idle"] if args.idle else []),
             "--output", str(logs / f"{name.replace(' ', '-')}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name, pid in names.items()}
        time.sleep(1)
        before, started = procs.cpu_of(stack.names), time.monotonic()
        result = wrk.run(stack.url + "/api/v1/tickets", lua, seconds=args.seconds,
                         connections=args.connections)
        cpu = procs.cpu_delta(before, procs.cpu_of(stack.names), time.monotonic() - started)
        for popen in spies.values():
            popen.wait(60)
        drain = run.wait_drained(stack, 120)
    finally:
        stack.stop()
        databases.drop_all()
    print(f"wrk: {result.get('rps')} req/s, p50 {result.get('p50_ms')} ms, "
          f"p99 {result.get('p99_ms')} ms; drained {drain} s after; logs {logs}")
    for name in sorted(names):
        raw = logs / f"{name.replace(' ', '-')}.txt"
        seconds = (cpu.get(name) or {}).get("cpu_s")
        if not raw.exists():
            print(f"\n== {name}: cpu {seconds} s, no profile")
            continue
        summary = summarise(raw, args.top, keep_idle=args.idle)
        print(f"\n== {name}: cpu {seconds} s, {summary['samples']} busy samples")
        print("  own:")
        for fn, n in summary["own"]:
            print(f"    {100 * n / max(1, summary['samples']):5.1f}%  {fn}")
        print("  inclusive (project code):")
        shown = 0
        for fn, n in summary["inclusive"]:
            if any(part in fn for part in ("servicedesk_common", "intake/", "triage/", "sla/",
                                           "escalation/", "survey/", "knowledge/",
                                           "gateway/", "handlers/", "api/", "pages/")):
                print(f"    {100 * n / max(1, summary['samples']):5.1f}%  {fn}")
                shown += 1
            if shown >= args.top:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
