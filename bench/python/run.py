"""Orchestrator of `bench/python.sh`: starts the provider(s) once, runs every cell
against that same provider in fresh client processes, one at a time, and prints
the markdown tables (cells, then the targets). Run by `bench/python.sh`, which
builds and installs what this needs; standard library only.

    python3 run.py --dubbo2 BIN --provider BIN --python PY --pure NAME=PY ...
                   [--jar JAR] [--warmup S] [--seconds S] [--rounds N] [--idle-wait S] [--out DIR]

A cell is a client process: `dubbo2 client` (transport) or `client-facade`
(`facade::Reference`, what the binding wraps) for Rust, `measure.py` for Python.
With --rounds N every cell runs N times, the rounds interleaved (cell 1, 2, ...,
then again), and the table gives the median round by calls/s.
"""

from __future__ import annotations

import argparse
import os
import re
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURE = HERE / "measure.py"
READY_WITHIN = 90.0
IDLE_BELOW = 15.0  # % busy, all CPUs

children: list[subprocess.Popen] = []


def busy_percent(interval: float = 0.5) -> float:
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + v[4]
        return sum(v), idle

    t0, i0 = sample()
    time.sleep(interval)
    t1, i1 = sample()
    return 100.0 * (1 - (i1 - i0) / max(1, t1 - t0))


def wait_idle(at_most: float) -> float:
    deadline = time.monotonic() + at_most
    b = busy_percent()
    while b >= IDLE_BELOW and time.monotonic() < deadline:
        b = busy_percent()
    return b


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_provider(argv: list[str], what: str) -> tuple[subprocess.Popen, int]:
    """Starts a provider (its own process group), waits (bounded) for `READY PORT`."""
    p = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    children.append(p)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        line = p.stdout.readline()
        if not line:
            break
        m = re.match(r"READY (\d+)", line)
        if m:
            return p, int(m.group(1))
    stop(p)
    raise SystemExit(f"run.py: {what} printed no READY line within {READY_WITHIN:.0f} s")


def stop(p: subprocess.Popen) -> None:
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_cell(argv: list[str], bound: float) -> dict[str, str]:
    """Runs one client process (bounded), returns its BENCH fields."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    children.append(p)
    try:
        out, err = p.communicate(timeout=bound)
    except subprocess.TimeoutExpired:
        stop(p)
        return {"failed": f"timed out after {bound:.0f} s"}
    finally:
        children.remove(p)
    if err.strip():
        sys.stderr.write(err)
    for line in out.splitlines():
        if line.startswith("BENCH "):
            return dict(kv.split("=", 1) for kv in line.split()[1:])
    return {"failed": f"exit {p.returncode}, no BENCH line; stderr: {err.strip()[-300:]}"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dubbo2", required=True)
    ap.add_argument("--provider", required=True, help="greeter_provider binary")
    ap.add_argument("--python", required=True, help="python of the venv with libdubbo")
    ap.add_argument("--pure", action="append", default=[], help="NAME=PYTHON of a pure-Python client's venv")
    ap.add_argument("--jar", help="Java peer jar: also the Java-provider rows")
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--idle-wait", type=float, default=30.0, help="at most this long (s) waiting for < 15%% busy before a cell")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    if not (0 < a.seconds <= 60 and 0 <= a.warmup <= 60 and 1 <= a.rounds <= 9):
        raise SystemExit("run.py: --seconds in (0, 60], --warmup in [0, 60], --rounds in [1, 9]")
    w, s = a.warmup, a.seconds
    ws = [f"{w:g}", f"{s:g}"]
    # Rust clients warm up for at least WARMUP s and 20,000 calls (at most 15 s); whole seconds.
    rws = [str(max(0, round(w))), str(max(1, round(s)))]
    bound = max(w, 15.0) + s + 60.0

    def cells(addr: str):
        c = [
            ("rust (transport)", 1, [a.dubbo2, "client", addr, "string100", "1", *rws]),
            ("rust (facade)", 1, [a.dubbo2, "client-facade", addr, "string100", "1", *rws]),
            ("libdubbo sync", 1, [a.python, str(MEASURE), "libdubbo-sync", addr, "1", *ws]),
        ]
        for spec in a.pure:
            name, py = spec.split("=", 1)
            c.append((f"{name} (pure Python)", 1, [py, str(MEASURE), name, addr, "1", *ws]))
        c += [
            ("rust (transport)", 64, [a.dubbo2, "client", addr, "string100", "64", *rws]),
            ("rust (facade)", 64, [a.dubbo2, "client-facade", addr, "string100", "64", *rws]),
            ("libdubbo asyncio", 64, [a.python, str(MEASURE), "libdubbo-async", addr, "64", *ws]),
        ]
        return c

    providers = [("rust", lambda port: [a.provider, str(port)])]
    if a.jar:
        providers.append(("java", lambda port: ["java", "-jar", a.jar, "provider", str(port)]))

    results = []  # (provider, client, inflight, fields, busy, server_rss)
    for pname, argv_of in providers:
        prov, port = start_provider(argv_of(free_port()), f"the {pname} provider")
        addr = f"127.0.0.1:{port}"
        print(f"run.py: {pname} provider at {addr} (pid {prov.pid})", file=sys.stderr)
        try:
            if pname == "java":
                # A fresh JVM: compile its paths before any measured cell.
                run_cell([a.dubbo2, "client", addr, "string100", "64", "5", "1"], bound)
                run_cell([a.dubbo2, "client", addr, "string100", "1", "3", "1"], bound)
            per_cell: dict[int, list] = {}
            todo = cells(addr)
            for r in range(a.rounds):
                for i, (client, n, argv) in enumerate(todo):
                    busy = wait_idle(a.idle_wait)
                    f = run_cell(argv, bound)
                    f["busy"] = f"{busy:.0f}"
                    f["server_rss_kib"] = str(rss_kib(prov.pid)) if pname == "rust" else ""
                    print(f"run.py: round {r + 1} {pname} {client} x{n}: {f}", file=sys.stderr)
                    per_cell.setdefault(i, []).append(f)
            for i, (client, n, _) in enumerate(todo):
                runs = per_cell[i]
                ok = [f for f in runs if "failed" not in f]
                if ok:
                    ok.sort(key=lambda f: float(f["calls_per_s"]))
                    med = dict(ok[(len(ok) - 1) // 2])
                    med["rounds"] = " / ".join(f"{float(f['calls_per_s']):,.0f}" for f in runs if "failed" not in f)
                else:
                    med = runs[0]
                results.append((pname, client, n, med, runs))
        finally:
            stop(prov)

    lines = table(results, a.rounds)
    text = "\n".join(lines) + "\n"
    if a.out:
        a.out.mkdir(parents=True, exist_ok=True)
        (a.out / "table.md").write_text(text)
    print(text)


def table(results, rounds: int) -> list[str]:
    L = [
        "| provider | client | in flight | calls/s | µs/call (1/rate) | p50 µs | p99 µs | client CPU µs/call | client RSS MiB | errors | busy % before"
        + (" | calls/s of each round" if rounds > 1 else "")
        + " |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:" + ("|---" if rounds > 1 else "") + "|",
    ]
    # Per round: calls/s and CPU µs/call of every cell (None where a run failed).
    rounds_of: dict[tuple[str, str, int], list] = {}
    for pname, client, n, f, runs in results:
        rounds_of[(pname, client, n)] = [
            None if "failed" in r else (float(r["calls_per_s"]), float(r["cpu_us_per_call"])) for r in runs
        ]
        if "failed" in f:
            L.append(f"| {pname} | {client} | {n} | failed: {f['failed']} |||||||" + ("|" if rounds > 1 else "") + "|")
            continue
        r = float(f["calls_per_s"])
        L.append(
            f"| {pname} | {client} | {n} | {r:,.0f} | {1e6 / r:.1f} | {f['p50_us']} | {f['p99_us']} | "
            f"{f['cpu_us_per_call']} | {int(f['rss_kib']) / 1024:.1f} | {f['errors']} | {f['busy']}"
            + (f" | {f['rounds']}" if rounds > 1 else "")
            + " |"
        )

    def paired(pname, a, b, fn):
        """fn(a's round, b's round) for each round both ran; the median and the range."""
        xs = [fn(x, y) for x, y in zip(rounds_of.get((pname, *a), []), rounds_of.get((pname, *b), [])) if x and y]
        if not xs:
            return None
        return statistics.median(xs), min(xs), max(xs)

    def fmt(v, unit):
        med, lo, hi = v
        return f"{med:.1f}{unit}" if lo == hi else f"{med:.2f}{unit} ({lo:.2f}–{hi:.2f})" if unit == "x" else f"{med:.1f}{unit} ({lo:.1f}–{hi:.1f})"

    L += [
        "",
        "Targets, each the median over rounds of the value computed within a round (range in brackets):",
        "",
        "| provider | target | measured | met? |",
        "|---|---|---:|---|",
    ]
    sync, aio = ("libdubbo sync", 1), ("libdubbo asyncio", 64)
    for pname in dict.fromkeys(r[0] for r in results):
        for base in ("rust (facade)", "rust (transport)"):
            v = paired(pname, sync, (base, 1), lambda x, y: 1e6 / x[0] - 1e6 / y[0])
            if v:
                L.append(f"| {pname} | sync x1: 1/rate over {base} x1 ≤ 15 µs | {fmt(v, ' µs')} | {'yes' if v[0] <= 15 else 'no'} |")
        for base in ("rust (facade)", "rust (transport)"):
            v = paired(pname, sync, (base, 1), lambda x, y: x[1] - y[1])
            if v:
                L.append(f"| {pname} | (for reference) sync x1: client CPU over {base} x1 | {fmt(v, ' µs')} | |")
        pures = [c for (p, c, n) in rounds_of if p == pname and n == 1 and c.endswith("(pure Python)")]
        best = None
        for c in pures:
            med = statistics.median([x[0] for x in rounds_of[(pname, c, 1)] if x] or [0])
            if best is None or med > best[1]:
                best = (c, med)
        if best:
            v = paired(pname, sync, (best[0], 1), lambda x, y: x[0] / y[0])
            if v:
                L.append(f"| {pname} | sync x1 calls/s ≥ 10x the best pure Python ({best[0]}) | {fmt(v, 'x')} | {'yes' if v[0] >= 10 else 'no'} |")
            v = paired(pname, (best[0], 1), sync, lambda x, y: x[1] / y[1])
            if v:
                L.append(f"| {pname} | (for reference) {best[0]} client CPU / sync client CPU | {fmt(v, 'x')} | |")
        for base in ("rust (facade)", "rust (transport)"):
            v = paired(pname, aio, (base, 64), lambda x, y: x[0] / y[0])
            if v:
                L.append(f"| {pname} | asyncio x64 calls/s ≥ 0.5x {base} x64 | {fmt(v, 'x')} | {'yes' if v[0] >= 0.5 else 'no'} |")
    return L


def cleanup(*_):
    for p in list(children):
        stop(p)
    sys.exit(130)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, cleanup)
    signal.signal(signal.SIGINT, cleanup)
    try:
        main()
    finally:
        for p in list(children):
            stop(p)
