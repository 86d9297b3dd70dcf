"""`planwatch regions import` before and after, side by side in one run, on SQLite and PostgreSQL.

Writes the national register's regions.csv once (bench/national.py's `generate`: at scale 1 the 3,265
counties, their cities and provinces and 40,000 townships, with populations), then for each round and
each source tree imports it into a fresh register and once more into the same register (every row
unchanged: what a yearly population update of the same file costs):

    PYTHONPATH=src .venv/bin/python bench/regions_import.py --scale 1 \\
        --variant before=/path/to/main/src --variant after=src [--rounds 2]

Prints wall time, the planwatch process's CPU and (PostgreSQL) the server's CPU for each import, and
the load average: the 2 cores may be shared, so compare CPU as well as wall time.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national import generate
from observations_import import run, server_cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--variant", action="append", required=True, help="NAME=SRC, in run order")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    variants = [(v.partition("=")[0], str(Path(v.partition("=")[2]).resolve())) for v in args.variant]
    home = Path(tempfile.mkdtemp(prefix="planwatch-regions-import-"))
    base_env = {k: v for k, v in os.environ.items() if k not in ("PLANWATCH_DATABASE_URL", "PYTHONPATH")}
    secret = secrets.token_urlsafe(32)
    pg = None
    rows = []
    try:
        info = generate(home, args.scale, 1)
        csv_path = str(home / "regions.csv")
        print(f"scale {args.scale:g}: {Path(csv_path).read_text(encoding='utf-8').count(chr(10)) - 1:,} regions "
              f"({info['townships']:,} townships)", flush=True)
        if "postgresql" in args.engines:
            from planwatch.register.testing import TempPostgres

            pg = TempPostgres().start()
        for n in range(1, args.rounds + 1):
            for engine in args.engines.split(","):
                for name, src in variants:
                    work = Path(tempfile.mkdtemp(prefix=f"{engine}-{name}-", dir=home))
                    env = {**base_env, "PLANWATCH_HOME": str(work), "PLANWATCH_SECRET_KEY": secret, "PYTHONPATH": src}
                    if engine == "postgresql":
                        assert pg is not None
                        env["PLANWATCH_DATABASE_URL"] = pg.create_database()
                    run(["init"], env)
                    for what in ("new register", "again, unchanged"):
                        before = server_cpu(pg.data) if engine == "postgresql" and pg is not None else 0.0
                        wall, cpu, last = run(["regions", "import", csv_path], env)
                        server = server_cpu(pg.data) - before if engine == "postgresql" and pg is not None else 0.0
                        load = os.getloadavg()[0]
                        rows.append((n, engine, name, what, wall, cpu, server, load))
                        print(f"  round {n} {engine:10} {name:10} {what:17} {wall:6.1f} s  CPU {cpu:5.1f} s  "
                              f"server {server:5.1f} s  load {load:.1f}   [{last}]", flush=True)
                    shutil.rmtree(work, ignore_errors=True)
        print("\n| round | engine | variant | import | wall s | CPU s (planwatch) | CPU s (server) | load avg |\n"
              "|---|---|---|---|---|---|---|---|")
        for n, engine, name, what, wall, cpu, server, load in rows:
            print(f"| {n} | {engine} | {name} | {what} | {wall:.1f} | {cpu:.1f} | "
                  f"{f'{server:.1f}' if engine == 'postgresql' else '-'} | {load:.1f} |")
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
