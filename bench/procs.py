"""Processes of a run, read from /proc: the tree under a launcher, a readable name for each,
resident memory and CPU time."""
from __future__ import annotations

import os
import re
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def tree(root: int) -> list[int]:
    """root and every descendant."""
    pids, stack = [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children(pid))
    return pids


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def role(pid: int) -> str | None:
    """'<app>-web master', '<app>-web worker', '<service>-worker', 'launcher', or None."""
    argv = cmdline(pid)
    text = " ".join(argv)
    app = next((a for a in argv if re.match(r"^[\w.]+:create_app\(\)$", a)), None)
    if app and "gunicorn" in text:
        name = app.split(".")[0].split(":")[0]
        name = "gateway" if name == "gateway" else f"{name}-web"
        is_worker = "gunicorn" in " ".join(cmdline(parent(pid)))
        return f"{name} {'worker' if is_worker else 'master'}"
    match = re.search(r"-m (\w+)\.worker\b", text)
    if match:
        return f"{match.group(1)}-worker"
    if "deploy/run.py" in text:
        return "launcher"
    return None


def named(pids: list[int]) -> dict[str, int]:
    """Stable names for the processes: gunicorn workers numbered by pid order."""
    names: dict[str, int] = {}
    counts: dict[str, int] = {}
    for pid in sorted(pids):
        base = role(pid)
        if base is None:
            continue
        if base.endswith(" worker"):
            counts[base] = counts.get(base, 0) + 1
            base = f"{base} {counts[base]}"
        names[base] = pid
    return names


def memory(pid: int) -> dict[str, float] | None:
    """RSS and PSS in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    except (OSError, AttributeError):
        return None
    pss = None
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        pss = int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024
    except (OSError, AttributeError):
        pass
    return {"rss_mb": round(rss, 1), "pss_mb": round(pss, 1) if pss is not None else None}


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return None


def memory_of(names: dict[str, int]) -> dict[str, dict]:
    return {name: memory(pid) for name, pid in names.items()}


def cpu_of(names: dict[str, int]) -> dict[str, float | None]:
    return {name: cpu_seconds(pid) for name, pid in names.items()}


def cpu_delta(before: dict, after: dict, seconds: float) -> dict[str, dict]:
    """CPU seconds each process used between two readings, and as a share of one core."""
    used = {}
    for name, end in after.items():
        start = before.get(name)
        if start is None or end is None:
            continue
        spent = end - start
        used[name] = {"cpu_s": round(spent, 2), "cores": round(spent / seconds, 2)}
    return used


def machine() -> dict:
    info = {"nproc": os.cpu_count()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.*)", cpuinfo).group(1).strip()
    except (OSError, AttributeError):
        pass
    try:
        meminfo = Path("/proc/meminfo").read_text()
        info["memory_gb"] = round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
                                  / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    info["kernel"] = os.uname().release
    return info


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
