"""The plan page with 100 plans in the register: 50 concurrent clients against `planwatch serve`.

Builds a register in a temporary directory through the register's own functions: the demo
(five seed plans, the national plan, the published figures), then the seed plans imported
again for other counties and cities of data/reference/regions.csv and other periods
(十三五, 十四五, 十五五) until the register holds 100 plans, then simulated values for every
plan (flagged simulated). Starts the real server (uvicorn, `planwatch serve`), signs in as a
viewer, and lets 50 clients fetch staff plan pages of random
plans (each client a random plan per request). Prints p50/p95/p99 in ms, for the first
fetch of every plan page (cold: nothing cached) and under load.

    .venv/bin/python bench/plan_page.py [--plans 100] [--clients 50] [--seconds 10] [--workers 1] [--think 0]
        [--writes 1] [--keep] [--reuse DIR]

The default is a closed loop: each client asks for the next page the moment the last one arrives,
so the figure is bounded by throughput (50 clients / requests per second); `--think` gives each
client a pause between pages, as people reading them would.

Target (issue 11): p95 < 50 ms at 50 clients with 100 plans.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import csv
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from web_load import PLANWATCH, free_port, pct, wait_ready  # noqa: E402

PASSWORD = "load-test-orchard-1"
USERS = 50  # one account and session per client, as 50 people signed in would have
PERIODS = ((2021, 2025), (2026, 2030), (2016, 2020))
NAMES = {(2016, 2020): "十三五", (2021, 2025): "十四五", (2026, 2030): "十五五"}


def _shift(data: dict[str, Any], years: int) -> None:
    """Move every year of an extraction by `years` (a plan of another period)."""
    for section in ("indicators", "baselines"):
        for item in data.get(section) or []:
            for part in (item.get("baseline"), item.get("target"), item):
                if isinstance(part, dict) and isinstance(part.get("year"), int):
                    part["year"] += years


def build_register(home: Path, n_plans: int) -> dict[str, Any]:
    os.environ["PLANWATCH_HOME"] = str(home)
    os.environ.pop("PLANWATCH_DATABASE_URL", None)
    from planwatch.extract import extract_path
    from planwatch.register.cli import open_register
    from planwatch.register.db import transaction
    from planwatch.register.demo import run_demo
    from planwatch.register.plans import import_plan
    from planwatch.register.queries import list_plans
    from planwatch.register.users import add_user

    engine = open_register()
    run_demo(engine, log=lambda _m: None)
    seeds = sorted((ROOT / "data" / "seeds").glob("*.txt"))
    extracted = [(p, extract_path(p)) for p in seeds]
    with (ROOT / "data" / "reference" / "regions.csv").open(encoding="utf-8-sig", newline="") as fh:
        regions = [r for r in csv.DictReader(fh) if r["level"] in ("county", "prefecture")]
    rng = random.Random(11)
    rng.shuffle(regions)
    with transaction(engine) as s:
        have = len(list_plans(s))
        for k in range(n_plans - have):
            seed, data = extracted[k % len(extracted)]
            region = regions[k % len(regions)]
            period = PERIODS[(k // len(extracted)) % len(PERIODS)]
            data = copy.deepcopy(data)
            stated = (data.get("plan") or {}).get("period") or [2021, 2025]
            _shift(data, period[0] - int(stated[0]))
            data["plan"] = {**(data.get("plan") or {}), "region": region["name"], "region_code": region["code"],
                            "title": f"{region['name']}“{NAMES[period]}”公共服务规划(基准测试 {k})",
                            "period": list(period)}
            data.pop("source", None)
            import_plan(s, data, content=seed.read_bytes() + f"\n{k}".encode(), filename=seed.name,
                        period=period, by="bench", reason="bench")
        plans = list_plans(s)
        for n in range(USERS):
            add_user(s, f"bench{n:02d}", PASSWORD, "viewer")
    run_demo(engine, simulate=True, log=lambda _m: None)  # simulated values for every plan, flagged
    engine.dispose()
    return {"plans": plans}


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server and its worker processes (Linux /proc). On a shared
    machine wall-clock latency includes time waiting for a core; CPU per request does not."""
    def cpu(p: str) -> tuple[int, float]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid, used = cpu(entry.name)
            except (OSError, IndexError, ValueError):
                continue
            if int(entry.name) == pid or ppid == pid:
                total += used
    return total


def writer(home: Path, per_second: float, stop: threading.Event) -> int:
    """A department saving values while people read: each write changes the data of one plan, whose
    cached pages are rebuilt on their next view (the other plans' stay cached). Writes a simulated
    value (flagged) of the first plan's first indicator."""
    from planwatch.register.db import make_engine, transaction
    from planwatch.register.observations import ObservationInput, write_observations
    from planwatch.register.queries import plan_view

    engine = make_engine(f"sqlite:///{home / 'var' / 'planwatch.sqlite3'}")
    with transaction(engine) as s:
        plan, rows = plan_view(s, 1)
        target = (rows[0].indicator.id, plan.region_code)
    n = 0
    while not stop.wait(1 / per_second):
        with transaction(engine) as s:
            write_observations(s, [ObservationInput(target[0], target[1], 2023, value=1.0 + n % 7,
                                                    status="approved", source_note="bench write",
                                                    reporter_name="bench", simulated=True)],
                               by="bench", reason="bench: concurrent write", overwrite=True)
        n += 1
    engine.dispose()
    return n


def reuse_register(home: Path) -> dict[str, Any]:
    os.environ["PLANWATCH_HOME"] = str(home)
    os.environ.pop("PLANWATCH_DATABASE_URL", None)
    from planwatch.register.cli import open_register
    from planwatch.register.db import transaction
    from planwatch.register.queries import list_plans

    engine = open_register()
    with transaction(engine) as s:
        plans = list_plans(s)
    engine.dispose()
    return {"plans": plans}


async def _fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One keep-alive HTTP/1.1 GET; returns the status. A lean client (no httpx per request): on a
    2-core machine the client's own CPU would otherwise be counted as the server's latency."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def load(port: int, cookies: list[str], ids: list[int], clients: int, seconds: float,
               think: float = 0.0) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    rng = random.Random(5)

    async def worker(n: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**22)
        cookie = cookies[n % len(cookies)]
        try:
            while time.monotonic() < stop:
                request = (f"GET /plans/{rng.choice(ids)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           f"Cookie: {cookie}\r\n\r\n").encode()
                t = time.perf_counter()
                try:
                    ok = await _fetch(reader, writer, request) == 200
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**22)
                if ok:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors += 1
                if think:  # a person reads the page before the next one (randomised around `think`)
                    await asyncio.sleep(think * (0.5 + rng.random()))
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    elapsed = time.perf_counter() - start
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) * 1000, "p95": pct(latencies, 95) * 1000,
            "p99": pct(latencies, 99) * 1000}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=100)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds each client pauses between pages (0: closed loop, every client always waiting)")
    ap.add_argument("--writes", type=float, default=0.0,
                    help="values written per second during the load (each makes the written plan's pages stale)")
    ap.add_argument("--keep", action="store_true", help="keep the register directory")
    ap.add_argument("--reuse", type=Path, default=None, help="a register directory kept by an earlier --keep run")
    args = ap.parse_args()

    home = args.reuse or Path(tempfile.mkdtemp(prefix="planwatch-plan-bench-"))
    t = time.perf_counter()
    built = reuse_register(home) if args.reuse else build_register(home, args.plans)
    ids = [p["id"] for p in built["plans"]]
    n_ind = sum(p["indicator_count"] for p in built["plans"])
    print(f"register: {len(ids)} plans, {n_ind} indicators, "
          f"{'reused' if args.reuse else 'built'} in {time.perf_counter() - t:.1f} s ({home})")
    # The server runs this checkout's code (the installed package may point at another one).
    pythonpath = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PLANWATCH_HOME": str(home), "PLANWATCH_SECRET_KEY": secrets.token_urlsafe(32),
           "PYTHONPATH": pythonpath}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PLANWATCH, "serve", "--port", str(port), "--workers", str(args.workers)],
                              env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(base)
        cookies = []
        for n in range(min(args.clients, USERS)):
            r = httpx.post(base + "/api/session", json={"username": f"bench{n:02d}", "password": PASSWORD},
                           timeout=30)
            r.raise_for_status()
            cookies.append("; ".join(f"{k}={v}" for k, v in r.cookies.items()))
        cookie = cookies[0]
        cold = []
        cpu0 = server_cpu(server.pid)
        for pid in ids:  # the first fetch of every page: nothing cached yet
            t0 = time.perf_counter()
            httpx.get(f"{base}/plans/{pid}", headers={"Cookie": cookie}, timeout=60).raise_for_status()
            cold.append(time.perf_counter() - t0)
        print(f"cold (first fetch of each of {len(ids)} plan pages, one client): "
              f"p50 {statistics.median(cold) * 1000:.1f} ms  p95 {pct(cold, 95) * 1000:.1f} ms  "
              f"p99 {pct(cold, 99) * 1000:.1f} ms  max {max(cold) * 1000:.1f} ms  "
              f"server CPU {(server_cpu(server.pid) - cpu0) / len(ids) * 1000:.1f} ms/page")
        for _ in range(3 * (args.workers - 1)):  # every worker process keeps its own cache: warm them all
            for pid in ids:
                httpx.get(f"{base}/plans/{pid}", headers={"Cookie": cookie}, timeout=60).raise_for_status()
        cpu0 = server_cpu(server.pid)
        stop, writes = threading.Event(), [0]
        thread = None
        if args.writes:
            thread = threading.Thread(target=lambda: writes.__setitem__(0, writer(home, args.writes, stop)))
            thread.start()
        try:
            res = asyncio.run(load(port, cookies, ids, args.clients, args.seconds, args.think))
        finally:
            stop.set()
            if thread is not None:
                thread.join()
        cpu_per = (server_cpu(server.pid) - cpu0) / max(res["requests"], 1) * 1000
        verdict = "OK" if res["p95"] < 50 and not res["errors"] else "BELOW TARGET"
        print(f"{args.clients} clients, {args.seconds:g} s, pause {args.think:g} s, {writes[0]} writes, random plan pages, "
              f"{args.workers} worker(s): "
              f"requests {res['requests']}  errors {res['errors']}  {res['rps']:.1f} req/s  "
              f"p50 {res['p50']:.1f} ms  p95 {res['p95']:.1f} ms  p99 {res['p99']:.1f} ms  "
              f"server CPU {cpu_per:.2f} ms/request  [{verdict}]")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep and not args.reuse:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
