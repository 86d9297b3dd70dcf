"""Old against new code on one register: the warm plan page, public plan page and plan API under load.

    .venv/bin/python bench/web_ab.py --old OLD_SRC [--new src] [--scale 0.01] [--engine postgresql]
                                     [--rounds 2] [--clients 50] [--seconds 5] [--workers 2]

Builds one synthetic register (bench/national.py's generator and CLI load path) on the chosen engine,
then serves it with `planwatch serve --workers N` from each source tree in turn (PYTHONPATH; e.g.
`git archive <commit> src | tar -x -C /tmp/old` for the old one), `--rounds` times alternately, so both
see the same data and the same machine. For each page: p50/p95 and requests/s from bench/web_load.py's
driver (k6 by default), and the CPU seconds the server's processes and the PostgreSQL server spent per
request (the machine is shared: CPU per request is the steadier figure). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national import PLANWATCH, cli, evaluate_all, generate, ready, write_observations_csv
from web_load import PASSWORD, free_port, load, pick_tool, stop_server

TICK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):  # the task ended meanwhile
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def tree_cpu(root: int) -> float:
    """CPU seconds of a process, its live descendants and the children it has reaped (Linux /proc)."""
    total, todo, first = 0.0, [root], True
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if first else 0)
        total += ticks / TICK
        first = False
        todo += _children(pid)
    return total


def build(engine: str, scale: float, indicators: int, pg: Any) -> tuple[Path, dict[str, str], int]:
    home = Path(tempfile.mkdtemp(prefix=f"planwatch-ab-{scale:g}-{engine}-"))
    env = {**os.environ, "PLANWATCH_HOME": str(home), "PLANWATCH_SECRET_KEY": secrets.token_urlsafe(32)}
    if engine == "postgresql":
        url = env["PLANWATCH_DATABASE_URL"] = pg.create_database()
    else:
        env.pop("PLANWATCH_DATABASE_URL", None)
        url = f"sqlite:///{home / 'var' / 'planwatch.sqlite3'}"
    info = generate(home, scale, indicators)
    cli(["init"], env)
    cli(["regions", "import", str(home / "regions.csv")], env)
    cli(["plan", "import", str(home / "plans")], env)
    write_observations_csv(home, url, info["towns"], indicators)
    cli(["data", "import", "--bulk", "--exclusive", "--status", "approved", str(home / "observations.csv")], env)
    evaluate_all(url, os.cpu_count() or 1)
    cli(["user", "add", "bench", "--role", "planner", "--password", PASSWORD], env)
    from sqlalchemy import func, select

    from planwatch.register.db import make_engine, session_factory
    from planwatch.register.schema import Indicator

    eng = make_engine(url)
    with session_factory(eng)() as s:  # a county plan, as bench/national.py picks it
        plan_id = s.scalar(select(Indicator.plan_id).group_by(Indicator.plan_id)
                           .order_by(func.count().desc(), Indicator.plan_id.desc()).limit(1))
    eng.dispose()
    print(f"built {info['plans']} plans at scale {scale:g} on {engine} in {home}", flush=True)
    return home, env, int(plan_id)


def pages(plan_id: int) -> list[tuple[str, str]]:
    return [("plan page", f"/plans/{plan_id}"), ("public plan page", f"/public/plans/{plan_id}"),
            ("plan API", f"/api/plans/{plan_id}")]


def serve_and_measure(src: str, env: dict[str, str], home: Path, plan_id: int, args: argparse.Namespace,
                      pg_pid: int | None) -> dict[str, dict[str, float]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**env, "PYTHONPATH": str(Path(src).resolve())}
    out: dict[str, dict[str, float]] = {}
    with (home / "serve.log").open("ab") as log:
        server = subprocess.Popen([PLANWATCH, "serve", "--port", str(port), "--workers", str(args.workers)],
                                  env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT)
        try:
            ready(base, 120)
            r = httpx.post(base + "/api/session", json={"username": "bench", "password": PASSWORD}, timeout=60)
            r.raise_for_status()
            cookie = "; ".join(f"{k}={v}" for k, v in r.cookies.items())
            for label, path in pages(plan_id):
                for _ in range(args.workers * 4):  # every worker's caches
                    assert httpx.get(base + path, headers={"Cookie": cookie}, timeout=120).status_code == 200
                cpu0, db0 = tree_cpu(server.pid), tree_cpu(pg_pid) if pg_pid else 0.0
                res = load(pick_tool(args.tool), base + path, cookie, args.clients, args.seconds, 20000)
                cpu, db = tree_cpu(server.pid) - cpu0, (tree_cpu(pg_pid) - db0) if pg_pid else 0.0
                n = max(res["requests"] + res["errors"], 1)
                out[label] = {**res, "cpu_ms": cpu / n * 1000, "db_ms": db / n * 1000}
        finally:
            stop_server(server)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True, help="the old source tree (a directory holding planwatch/)")
    ap.add_argument("--new", default=str(Path(__file__).resolve().parents[1] / "src"))
    ap.add_argument("--engine", choices=["sqlite", "postgresql"], default="postgresql")
    ap.add_argument("--scale", type=float, default=0.01)
    ap.add_argument("--indicators", type=int, default=95)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tool", choices=["auto", "wrk", "k6", "httpx"], default="k6")
    args = ap.parse_args()
    pg = None
    if args.engine == "postgresql":
        from planwatch.register.testing import TempPostgres

        pg = TempPostgres().start()
    home = None
    try:
        home, env, plan_id = build(args.engine, args.scale, args.indicators, pg)
        pg_pid = int((pg.data / "postmaster.pid").read_text().split()[0]) if pg else None
        rows: list[tuple[str, int, str, dict[str, float]]] = []
        for n in range(1, args.rounds + 1):
            for name, src in (("old", args.old), ("new", args.new)):
                for label, res in serve_and_measure(src, env, home, plan_id, args, pg_pid).items():
                    rows.append((name, n, label, res))
                    print(f"  round {n} {name} {label}: p50 {res['p50']:.1f} ms, p95 {res['p95']:.1f} ms, "
                          f"{res['rps']:.0f} req/s, server CPU {res['cpu_ms']:.2f} ms/request, "
                          f"database CPU {res['db_ms']:.2f} ms/request, errors {res['errors']} "
                          f"(load average {os.getloadavg()[0]:.1f})", flush=True)
        print(f"\nscale {args.scale:g}, {args.engine}, {args.workers} workers, {args.clients} clients, "
              f"{args.seconds:g} s per page, {pick_tool(args.tool)}")
        print("| code | round | page | p50 ms | p95 ms | req/s | server CPU ms/req | database CPU ms/req |")
        print("|---|---|---|---|---|---|---|---|")
        for name, n, label, res in rows:
            print(f"| {name} | {n} | {label} | {res['p50']:.1f} | {res['p95']:.1f} | {res['rps']:.0f} | "
                  f"{res['cpu_ms']:.2f} | {res['db_ms']:.2f} |")
    finally:
        if pg is not None:
            pg.stop()
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
