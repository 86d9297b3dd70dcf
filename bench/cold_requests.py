"""Cold first requests: a fresh `planwatch serve --workers 2` per page, its first request timed.

For each URL and each repeat: start the server on a kept register (`PLANWATCH_HOME`), wait until it
answers, sign in once (the sign-in warms nothing the page reads), then time the page's first request
and the next two (with two workers the next one may be the other worker's first). Prints each figure
and, per page, the range of the first requests. The register is only read.

    .venv/bin/python bench/cold_requests.py HOME [--repeat 3] [--user bench --password ...] URL...

e.g. on the scale-1 register kept by `bench/national.py --keep DIR` (issue 13's bar: < 500 ms):

    .venv/bin/python bench/cold_requests.py DIR --password load-test-orchard-1 \\
        /dashboard /plans/1 /public/plans/1 /api/plans/1 /plans/2 / /public
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cold(home: Path, url: str, user: str, password: str) -> tuple[int, list[float]]:
    """(status, [first, second, third request seconds]) on a fresh server."""
    port = _free_port()
    env = {**os.environ, "PLANWATCH_HOME": str(home), "PLANWATCH_SECRET_KEY": secrets.token_hex(24)}
    proc = subprocess.Popen([sys.executable, "-c", "from planwatch.cli import main; main()", "serve", "--workers",
                             "2", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as c:
            for _ in range(240):
                try:
                    c.get("/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.5)
            c.post("/api/session", json={"username": user, "password": password})
            times, status = [], 0
            for _ in range(3):
                t = time.perf_counter()
                r = c.get(url)
                times.append(time.perf_counter() - t)
                status = status or r.status_code
            return status, times
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("home", type=Path, help="a register home (PLANWATCH_HOME): var/planwatch.sqlite3 or its config")
    ap.add_argument("urls", nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--user", default="bench")
    ap.add_argument("--password", default=os.environ.get("PLANWATCH_BENCH_PASSWORD", ""))
    args = ap.parse_args()
    firsts: dict[str, list[float]] = {u: [] for u in args.urls}
    for r in range(args.repeat):
        print(f"round {r + 1}, load average {os.getloadavg()[0]:.1f}", flush=True)
        for url in args.urls:
            status, times = cold(args.home, url, args.user, args.password)
            firsts[url].append(times[0])
            print(f"  {url}: {status} first {times[0]:.3f} s, then {times[1]:.3f} / {times[2]:.3f} s", flush=True)
    print("| page | cold first request, s (range) |\n|---|---|")
    for url, t in firsts.items():
        print(f"| `{url}` | {min(t):.2f}-{max(t):.2f} |")


if __name__ == "__main__":
    main()
