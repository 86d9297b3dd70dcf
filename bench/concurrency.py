"""Concurrent writers and hostile bodies against `planwatch serve` on 127.0.0.1.

Builds the small web-test register (tests/web/web_seed.py) on SQLite, or on a
throwaway PostgreSQL with --postgres, starts the server as its own process,
and prints what 20 simultaneous writers get back:

- 20 first submissions of the same indicator and year (one should win, 19 get 409),
- 20 updates of the same version (again one winner),
- 20 first progress reports of the same project and year,
- 20 simultaneous spreadsheet uploads of the same value,
- 20 first submissions with an evidence file (one file should stay on disk),

each with its wall time and per-request latency (p50, max), then whether every stored version
of the contested rows has its history row (create + one update per later version),

then the server's memory (VmRSS, VmHWM from /proc) before and after an
anonymous 300 MB POST streamed in chunks (it should get 413 early and memory
should stay flat).

    .venv/bin/python bench/concurrency.py [--postgres] [--writers 20] [--body-mb 300]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))
sys.path.insert(0, str(ROOT / "src"))

import web_seed  # noqa: E402

from planwatch.register.db import make_engine  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def register(postgres: bool, tmp: Path) -> Iterator[str]:
    if postgres:
        from planwatch.register.testing import TempPostgres

        with TempPostgres() as pg:
            yield pg.create_database()
    else:
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"


@contextlib.contextmanager
def server(url: str, tmp: Path) -> Iterator[tuple[str, int]]:
    """`planwatch serve` as a child process; yields (base URL, pid)."""
    port = free_port()
    env = {**os.environ, "PLANWATCH_SECRET_KEY": "bench", "PLANWATCH_FILES": str(tmp / "files"),
           "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", "from planwatch.cli import main; main()", "serve", "--port",
                             str(port), "--database", url], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/public/plans", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def all_at_once(base: str, user: str, writers: int,
                call: Callable[[httpx.Client, int, str], httpx.Response]) -> tuple[Counter[str], list[float], float]:
    """Every writer's call released at once: (status counts, latencies in ms, wall time in ms)."""
    with httpx.Client(base_url=base) as c:
        r = c.post("/api/session", json={"username": user, "password": web_seed.PASSWORD})
        r.raise_for_status()
        cookies, token = c.cookies, r.json()["csrf_token"]
    barrier = threading.Barrier(writers)
    out: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        with httpx.Client(base_url=base, cookies=cookies, timeout=120) as c:
            barrier.wait()
            t0 = time.perf_counter()
            try:
                key = str(call(c, i, token).status_code)
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            ms = (time.perf_counter() - t0) * 1000
        with lock:
            out[key] += 1
            latencies.append(ms)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return out, latencies, (time.perf_counter() - start) * 1000


def history_complete(url: str) -> list[str]:
    """Every observation and progress report: its history rows are one create and one update per later
    version. Returns the rows that lack some."""
    engine = make_engine(url)
    missing = []
    with engine.connect() as c:
        for table, entity in (("observations", "observation"), ("progress_reports", "progress")):
            for row_id, version in c.exec_driver_sql(f"SELECT id, version FROM {table}"):
                n = c.execute(text("SELECT count(*) FROM history WHERE entity = :e AND entity_id = :i"),
                              {"e": entity, "i": row_id}).scalar()
                if n < version:
                    missing.append(f"{entity} {row_id}: version {version}, {n} history rows")
    engine.dispose()
    return missing


def memory(pid: int) -> dict[str, int]:
    text = Path(f"/proc/{pid}/status").read_text()
    return {k: int(re.search(rf"{k}:\s+(\d+) kB", text).group(1)) // 1024 for k in ("VmRSS", "VmHWM")}  # type: ignore[union-attr]


def streamed_post(base: str, path: str, total: int, chunk: int = 1024 * 1024) -> tuple[str, int]:
    """POST `total` bytes chunked; stop when the server answers. Returns (status line, bytes sent)."""
    import select

    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=120)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n".encode())
    block = b"x" * chunk
    sent = 0
    try:
        while sent < total:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(block), block))
            except OSError:
                break
            sent += len(block)
        if sent >= total:
            sock.sendall(b"0\r\n\r\n")
        first = sock.recv(200).split(b"\r\n", 1)[0].decode(errors="replace")
    finally:
        sock.close()
    return first, sent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--writers", type=int, default=20)
    ap.add_argument("--body-mb", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        with register(args.postgres, tmp) as url:
            engine = make_engine(url)
            seed = web_seed.build(engine)
            with engine.connect() as c:
                project = c.exec_driver_sql("SELECT id FROM projects LIMIT 1").scalar()
            engine.dispose()
            with server(url, tmp) as (base, pid):
                print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}; {args.writers} writers at once")
                n = args.writers
                rows: list[tuple[str, Any]] = [
                    ("first submissions, same indicator+year", all_at_once(base, "planner", n, lambda c, i, t: c.post(
                        "/api/observations", json={"indicator_id": seed.childcare, "year": 2024, "value": 3 + i / 100},
                        headers={"X-CSRF-Token": t}))),
                    ("updates of version 1", all_at_once(base, "planner", n, lambda c, i, t: c.post(
                        "/api/observations", json={"indicator_id": seed.childcare, "year": 2024, "value": 4 + i / 100,
                                                   "expected_version": 1}, headers={"X-CSRF-Token": t}))),
                    ("first progress reports, same project+year", all_at_once(
                        base, "planner", n, lambda c, i, t: c.post(
                            "/api/progress", json={"kind": "project", "item_id": project, "year": 2024,
                                                   "state": "推进中", "percent": i}, headers={"X-CSRF-Token": t}))),
                    ("spreadsheet uploads, same value", all_at_once(base, "health", n, lambda c, i, t: c.post(
                        "/reporting-upload", data={"csrf_token": t}, files={"file": (
                            f"f{i}.csv", ("indicator_id,region_code,year,value\n"
                                          f"{seed.childcare},990101,2025,{3 + i / 100}\n").encode(), "text/csv")}))),
                    ("first submissions with evidence", all_at_once(base, "planner", n, lambda c, i, t: c.post(
                        f"/api/observations/{seed.doctors}/evidence", headers={"X-CSRF-Token": t},
                        data={"year": "2024", "value": str(2.5 + i / 100)},
                        files={"evidence": (f"e{i}.pdf", b"%PDF-1.4 " + bytes([i]), "application/pdf")}))),
                ]
                for name, (counts, lat, wall) in rows:
                    lat.sort()
                    print(f"  {name:45s} " + ", ".join(f"{k}×{v}" for k, v in sorted(counts.items()))
                          + f"; wall {wall:.0f} ms, latency p50 {lat[len(lat) // 2]:.0f} ms, max {lat[-1]:.0f} ms")
                kept = list((tmp / "files" / "evidence").glob("*")) if (tmp / "files" / "evidence").exists() else []
                print(f"  evidence files on disk after the evidence round: {len(kept)} (1 expected)")
                missing = history_complete(url)
                print(f"  stored versions without their history row: {len(missing)}"
                      + (": " + "; ".join(missing[:5]) if missing else ""))
                before = memory(pid)
                status, sent = streamed_post(base, "/api/observations", args.body_mb * 1024 * 1024)
                after = memory(pid)
                print(f"anonymous {args.body_mb} MB streamed POST /api/observations: {status!r} after "
                      f"{sent / 1024 / 1024:.0f} MB sent; server RSS {before['VmRSS']} → {after['VmRSS']} MB, "
                      f"peak {after['VmHWM']} MB")


if __name__ == "__main__":
    main()
