"""Load on the plan page: 50 concurrent clients against `planwatch serve` on 127.0.0.1.

Builds a fresh demo register (the five seed plans and the national plan) in a
temporary directory, adds a viewer account, starts the server, signs in once,
and hammers the staff plan page of the largest plan (and the public one).
Prints p50/p95/p99 latency and requests per second. Uses `wrk` when it is
installed (Debian: apt-get install wrk), otherwise an asyncio httpx loop.

    .venv/bin/python bench/web_load.py [--workers 2] [--seconds 10] [--clients 50]

Targets (issue 5): p95 < 100 ms and >= 300 requests/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PLANWATCH = str(Path(sys.executable).with_name("planwatch"))
PASSWORD = "load-test-orchard-1"  # passes the password policy (no user name in it)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([PLANWATCH, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/public", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """End a `planwatch serve` started by a bench: politely, then for good."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def largest_plan(base: str) -> tuple[int, str, int]:
    plans = httpx.get(base + "/api/public/plans", timeout=30).json()
    p = max(plans, key=lambda p: p["indicator_count"])
    return p["id"], p["title"], p["indicator_count"]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


async def httpx_load(url: str, cookie: str, clients: int, seconds: float, max_requests: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(headers={"Cookie": cookie}, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < stop and len(latencies) + errors < max_requests:
                t = time.perf_counter()
                try:
                    r = await client.get(url)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) * 1000, "p95": pct(latencies, 95) * 1000,
            "p99": pct(latencies, 99) * 1000}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    assert m, text
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v


def wrk_load(url: str, cookie: str, clients: int, seconds: float) -> dict[str, float]:
    # wrk's --latency prints 50/75/90/99 % (anchored: the Stdev column also ends in %);
    # a tiny Lua hook adds p95 from its histogram.
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text('done = function(summary, latency, requests)\n'
                      '  io.write(string.format("P95 %d\\n", latency:percentile(95)))\n'
                      '  io.write(string.format("NON2XX %d\\n", summary.errors.status))\nend\n')
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--latency", "-s", str(script),
                          "-H", f"Cookie: {cookie}", url], capture_output=True, text=True, check=True).stdout
    script.unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p95 = int(re.search(r"P95 (\d+)", out).group(1)) / 1000  # type: ignore[union-attr]
    errors = int(re.search(r"NON2XX (\d+)", out).group(1))  # type: ignore[union-attr]
    sock = re.search(r"Socket errors:.*", out)
    return {"requests": total, "errors": errors + (1 if sock else 0), "rps": rps, "p50": p50, "p95": p95, "p99": p99}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--max-requests", type=int, default=20000, help="httpx loop only")
    ap.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    args = ap.parse_args()
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "httpx")

    home = Path(tempfile.mkdtemp(prefix="planwatch-bench-"))
    env = {**os.environ, "PLANWATCH_HOME": str(home), "PLANWATCH_SECRET_KEY": secrets.token_urlsafe(32)}
    env.pop("PLANWATCH_DATABASE_URL", None)
    t = time.perf_counter()
    run(["demo"], env)
    run(["user", "add", "bench", "--role", "viewer", "--password", PASSWORD], env)
    print(f"demo register built in {time.perf_counter() - t:.1f} s ({home})")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PLANWATCH, "serve", "--port", str(port), "--workers", str(args.workers)],
                              env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(base)
        plan_id, title, n = largest_plan(base)
        r = httpx.post(base + "/api/session", json={"username": "bench", "password": PASSWORD}, timeout=30)
        r.raise_for_status()
        cookie = "; ".join(f"{k}={v}" for k, v in r.cookies.items())
        print(f"server: {args.workers} worker(s); plan {plan_id} {title} ({n} indicators); "
              f"{args.clients} clients, {args.seconds:g} s each, tool {tool}")
        for label, path in [("staff plan page", f"/plans/{plan_id}"), ("public plan page", f"/public/plans/{plan_id}")]:
            url = base + path
            for _ in range(args.workers * 4):  # warm every worker's caches
                httpx.get(url, headers={"Cookie": cookie}, timeout=60).raise_for_status()
            if tool == "wrk":
                res = wrk_load(url, cookie, args.clients, args.seconds)
            else:
                res = asyncio.run(httpx_load(url, cookie, args.clients, args.seconds, args.max_requests))
            verdict = "OK" if res["p95"] < 100 and res["rps"] >= 300 and not res["errors"] else "BELOW TARGET"
            print(f"{label:17s} {path:18s} requests {res['requests']:6d}  errors {res['errors']:3d}  "
                  f"{res['rps']:7.1f} req/s  p50 {res['p50']:6.1f} ms  p95 {res['p95']:6.1f} ms  "
                  f"p99 {res['p99']:6.1f} ms  [{verdict}]")
    finally:
        stop_server(server)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
