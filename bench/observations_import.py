"""`planwatch data import --bulk` before and after, side by side in one run, on SQLite and PostgreSQL.

Builds a national register's plans once (bench/national.py's `generate`, `planwatch regions import`,
`planwatch plan import DIR`) and its observations.csv, then times only the observation import of that
file into a fresh copy of the register (SQLite: a copy of the file; PostgreSQL: CREATE DATABASE …
TEMPLATE) with each source tree given:

    PYTHONPATH=src .venv/bin/python bench/observations_import.py --scale 0.1 \\
        --variant before=/path/to/main/src --variant after=src [--variant after-exclusive=src:--exclusive]

A variant is NAME=SRC[:EXTRA CLI ARGS]. Prints, per engine and variant, the wall time, values/s and the
planwatch process's CPU seconds (the 2 cores may be shared: CPU is the steadier figure), on PostgreSQL
the server's CPU seconds for the import (every process of the cluster, CREATE DATABASE excluded), and
the load average. The "before" tree must share this register's schema (same migrations).
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national import generate, write_observations_csv

PLANWATCH = str(Path(sys.executable).with_name("planwatch"))


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """A planwatch command: (wall s, CPU s of the process, its last output line)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([PLANWATCH, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if done.returncode:
        raise RuntimeError(f"planwatch {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, (done.stdout.strip().splitlines() or [""])[-1]


def server_cpu(data_dir: Path) -> float:
    """CPU seconds of a PostgreSQL cluster so far: its postmaster's children, live and ended (Linux /proc)."""
    pm = (data_dir / "postmaster.pid").read_text().split()[0]
    hz = os.sysconf("SC_CLK_TCK")

    def stat(pid: str) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    f = stat(pm)
    ticks = sum(int(x) for x in f[11:15])  # its own and its ended children's user and system time
    for pid in os.listdir("/proc"):
        if pid.isdigit() and pid != pm:
            try:
                g = stat(pid)
            except OSError:
                continue
            if g[1] == pm:
                ticks += int(g[11]) + int(g[12])
    return ticks / hz


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--indicators", type=int, default=95)
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--variant", action="append", required=True, help="NAME=SRC[:EXTRA ARGS], in run order")
    ap.add_argument("--keep", help="build under this directory and keep it")
    args = ap.parse_args()
    variants = []
    for v in args.variant:
        name, _, rest = v.partition("=")
        src, _, extra = rest.partition(":")
        variants.append((name, str(Path(src).resolve()), extra.split()))
    home = Path(tempfile.mkdtemp(prefix="planwatch-obs-import-", dir=args.keep))
    secret = secrets.token_urlsafe(32)
    base_env = {k: v for k, v in os.environ.items() if k not in ("PLANWATCH_DATABASE_URL", "PYTHONPATH")}
    engines = args.engines.split(",")
    pg = None
    results: list[tuple[str, str, float, float, float, str]] = []
    try:
        t = time.perf_counter()
        info = generate(home, args.scale, args.indicators)
        env = {**base_env, "PLANWATCH_HOME": str(home), "PLANWATCH_SECRET_KEY": secret,
               "PYTHONPATH": variants[-1][1]}
        for step in (["init"], ["regions", "import", str(home / "regions.csv")], ["plan", "import", str(home / "plans")]):
            run(step, env)
        sqlite_base = home / "var" / "planwatch.sqlite3"
        rows = write_observations_csv(home, f"sqlite:///{sqlite_base}", info["towns"], args.indicators)
        print(f"scale {args.scale:g}: {info['plans']} plans, {rows:,} values; SQLite register built in "
              f"{time.perf_counter() - t:.0f} s", flush=True)
        if "postgresql" in engines:
            from planwatch.register.testing import TempPostgres

            pg = TempPostgres().start()
            template = pg.create_database()
            pg_env = {**env, "PLANWATCH_DATABASE_URL": template}
            t = time.perf_counter()
            for step in (["init"], ["regions", "import", str(home / "regions.csv")],
                         ["plan", "import", str(home / "plans")]):
                run(step, pg_env)
            pg.admin.dispose()  # a template must have no other connection
            print(f"PostgreSQL register built in {time.perf_counter() - t:.0f} s", flush=True)
        csv_path = str(home / "observations.csv")
        for engine in engines:
            for name, src, extra in variants:
                work = Path(tempfile.mkdtemp(prefix=f"{engine}-{name}-", dir=home))
                env = {**base_env, "PLANWATCH_HOME": str(work), "PLANWATCH_SECRET_KEY": secret, "PYTHONPATH": src}
                if engine == "sqlite":
                    (work / "var").mkdir()
                    shutil.copy(sqlite_base, work / "var" / "planwatch.sqlite3")
                else:
                    assert pg is not None
                    env["PLANWATCH_DATABASE_URL"] = pg.create_database(template=template.rsplit("/", 1)[1])
                before = server_cpu(pg.data) if engine == "postgresql" and pg is not None else 0.0
                wall, cpu, last = run(["data", "import", "--bulk", "--status", "approved", *extra, csv_path], env)
                server = server_cpu(pg.data) - before if engine == "postgresql" and pg is not None else 0.0
                load = os.getloadavg()[0]
                results.append((engine, name, wall, cpu, server, f"{load:.1f}"))
                print(f"  {engine:10} {name:16} {wall:7.1f} s  {rows / wall:9,.0f} values/s  CPU {cpu:6.1f} s "
                      f"({cpu * 1e6 / rows:4.1f} µs a value), server {server:6.1f} s  load {load:.1f}   [{last}]",
                      flush=True)
                if engine == "sqlite":
                    shutil.rmtree(work, ignore_errors=True)
        print("\n| engine | variant | wall s | values/s | CPU s (planwatch) | CPU s (server) | load avg |\n"
              "|---|---|---|---|---|---|---|")
        for engine, name, wall, cpu, server, load in results:
            print(f"| {engine} | {name} | {wall:.1f} | {rows / wall:,.0f} | {cpu:.1f} | "
                  f"{f'{server:.1f}' if engine == 'postgresql' else '-'} | {load} |")
    finally:
        if pg is not None:
            pg.stop()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
