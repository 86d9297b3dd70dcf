"""The national register, built synthetically through planwatch's own import paths, then served and loaded.

    .venv/bin/python bench/national.py [--scales 0.01,0.1,1] [--engines sqlite,postgresql]
                                       [--clients 50] [--seconds 10] [--workers 2] [--keep DIR]

Scale 1 is a province-sized register for the whole country: 3,264 county plans plus a provincial one,
40,000 sub-regions (townships), 5 years (2021-2025) of approved values for each plan's indicators in its
county and the county's townships (~20 million observations with --indicators 95). Scale 0.1 and 0.01
are the same shape, smaller. For each scale and engine the bench

1. writes regions.csv, one contract JSON per plan (folder plans/) and observations.csv;
2. loads them with the CLI a deployment uses: `planwatch regions import`, `planwatch plan import DIR`
   (parallel extraction, one writer) and `planwatch data import --bulk --exclusive` (a first load; chunks through the one write
   path: same checks, history rows, COPY on PostgreSQL / executemany on SQLite);
3. evaluates the whole register (`evaluate_all` below, the path of `planwatch evaluate --all`) twice: first
   right after the load, while PostgreSQL's autovacuum still goes through the ~20 M history rows the
   load wrote, then again (every plan recomputed; its stored rows that came out the same are left in place,
   migration 0021), as a daily
   re-evaluation runs;
4. starts `planwatch serve --workers N` and measures, per route, the cold first request and then
   p50/p95 at `--clients` concurrent clients (bench/web_load.py's driver: wrk, else k6, else httpx).

Prints one table by scale and engine. The bars (issue 13): plan page, public plan page, plan API p95 <
100 ms; overview and dashboard < 300 ms; cold first request < 500 ms; evaluation < 60 s; import ≥ 100,000
observations/s on PostgreSQL; the per-page figures at 0.01 and 1 within 2x. Figures are printed, never
asserted. Scale 1 needs ~15 GB of disk for SQLite and takes ~20 min an engine on 2 idle cores (2026-12-06;
much longer on a shared machine): run it under nohup.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_load import PASSWORD, free_port, load, pick_tool, stop_server

PLANWATCH = str(Path(sys.executable).with_name("planwatch"))
COUNTIES_AT_1 = 3264
TOWNSHIPS_AT_1 = 40_000
YEARS = range(2021, 2026)
PROVINCE = "510000"

# (name, unit, domain, baseline, target, op): public-service indicators of the shape plans publish.
KINDS = [
    ("学前教育毛入园率", "%", "幼有所育", 88.0, 92.0, ">="),
    ("九年义务教育巩固率", "%", "学有所教", 95.0, 97.0, ">="),
    ("高中阶段教育毛入学率", "%", "学有所教", 90.0, 93.0, ">="),
    ("每千人口执业(助理)医师数", "人", "病有所医", 2.6, 3.2, ">="),
    ("每千人口医疗卫生机构床位数", "张", "病有所医", 5.8, 6.5, ">="),
    ("基本养老保险参保率", "%", "老有所养", 90.0, 95.0, ">="),
    ("养老机构护理型床位占比", "%", "老有所养", 40.0, 55.0, ">="),
    ("城镇调查失业率", "%", "劳有所得", 5.5, 5.5, "<="),
    ("孕产妇死亡率", "/10万", "病有所医", 15.0, 12.0, "<="),
    ("婴儿死亡率", "‰", "病有所医", 6.0, 5.0, "<="),
    ("人均体育场地面积", "平方米", "文体服务保障", 2.0, 2.6, ">="),
    ("公共图书馆年流通人次", "万人次", "文体服务保障", 30.0, 45.0, ">="),
]


def indicator_spec(i: int) -> tuple[str, str, str, float, float, str]:
    """The i-th indicator of every plan: a kind from KINDS with a numbered name (every plan has the same
    names, so every county's targets share one metric per name, as real plans do)."""
    name, unit, domain, base, target, op = KINDS[i % len(KINDS)]
    return (f"{name}{i // len(KINDS) + 1}" if i >= len(KINDS) else name), unit, domain, base, target, op


# ---------------------------------------------------------------------------------------------------------
# 1. generate the inputs


def generate(out: Path, scale: float, indicators: int, seed: int = 13) -> dict[str, Any]:
    rng = random.Random(seed)
    counties = max(1, round(COUNTIES_AT_1 * scale))
    townships = max(counties, round(TOWNSHIPS_AT_1 * scale))
    county_codes = [f"{600000 + n:06d}" for n in range(counties)]
    towns: dict[str, list[str]] = {c: [] for c in county_codes}
    with (out / "regions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "level", "parent_code", "population_2020"])
        w.writerow([PROVINCE, "基准省", "province", "", 80_000_000])
        for n, code in enumerate(county_codes):
            w.writerow([code, f"基准县{n + 1}", "county", PROVINCE, rng.randint(100_000, 1_500_000)])
        for t in range(townships):
            county = county_codes[t % counties]
            code = f"{county}{len(towns[county]) + 1:03d}"
            towns[county].append(code)
            w.writerow([code, f"基准县{t % counties + 1}第{len(towns[county])}镇", "township", county,
                        rng.randint(5_000, 120_000)])
    plans = out / "plans"
    plans.mkdir()
    regions = [(PROVINCE, "基准省")] + [(c, f"基准县{n + 1}") for n, c in enumerate(county_codes)]
    for n, (code, name) in enumerate(regions):
        items = []
        for i in range(indicators):
            iname, unit, domain, base, target, op = indicator_spec(i)
            items.append({"name": iname, "unit": unit, "domain": domain, "attribute": "预期性",
                          "baseline": {"raw": f"{base:g}", "value": base, "year": 2020},
                          "target": {"raw": f"{op}{target:g}", "value": target, "op": op, "year": 2025},
                          "source": "table", "line": 10 + i})
        doc = {"plan": {"title": f"{name}“十四五”基本公共服务规划", "region": name, "region_code": code,
                        "region_level": "province" if code == PROVINCE else "county", "period": [2021, 2025]},
               "indicators": items, "source": {"sha256": f"{seed:04d}{n:060d}", "format": "json"}}
        # file names sort the provincial plan first: a folder is imported in name order, superior plans first
        (plans / f"{n:05d}-{code}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return {"counties": counties, "townships": townships, "plans": len(regions), "towns": towns}


def write_observations_csv(out: Path, url: str, towns: dict[str, list[str]], indicators: int, seed: int = 13) -> int:
    """Values for every plan's indicators in its region (and the county's townships), all years.

    The indicator ids come from the register the plans were just imported into (what a department's
    form carries); the values move from baseline towards target at each region's own pace."""
    from sqlalchemy import select

    from planwatch.register.db import make_engine, session_factory
    from planwatch.register.schema import Indicator, Plan

    rng = random.Random(seed)
    engine = make_engine(url)
    with session_factory(engine)() as s:
        rows = s.execute(select(Plan.region_code, Indicator.id, Indicator.position).join(Indicator)
                         .order_by(Plan.id, Indicator.position)).all()
    engine.dispose()
    n = 0
    with (out / "observations.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["indicator_id", "region_code", "year", "value", "source"])
        for region, ind_id, position in rows:
            _, _, _, base, target, _ = indicator_spec(position)
            for code in [region, *towns.get(region, [])]:
                pace = rng.uniform(0.3, 1.3)
                for year in YEARS:
                    v = base + (target - base) * pace * (year - 2020) / 5 + rng.uniform(-0.02, 0.02) * base
                    w.writerow([ind_id, code, year, f"{max(v, 0):.2f}", "统计公报"])
                    n += 1
    return n


# ---------------------------------------------------------------------------------------------------------
# 2. load through the CLI


CPU: dict[str, float] = {}  # CPU seconds of the last CLI run (the machine may be shared: wall time is not all ours)


def cli(args: list[str], env: dict[str, str]) -> float:
    """Run a planwatch command; its wall time (its CPU time in CPU["last"])."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([PLANWATCH, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"planwatch {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["last"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - t


# ---------------------------------------------------------------------------------------------------------
# 3. evaluation: one adapter


def register_size(url: str) -> int:
    """Bytes the register takes: the database (PostgreSQL) or the file (SQLite, with its write-ahead log)."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    from sqlalchemy import text

    from planwatch.register import db as regdb

    engine = regdb.make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    finally:
        engine.dispose()


def evaluate_all(url: str, workers: int) -> tuple[float, str]:
    """Evaluate and store every plan in the register with the path `planwatch evaluate --all` takes
    (`register.evaluations.evaluate_register`, `workers` processes); (seconds, how)."""
    from planwatch.register import db as regdb
    from planwatch.register.evaluations import evaluate_register

    engine = regdb.make_engine(url)
    t = time.perf_counter()
    try:
        evaluate_register(engine, force=True, workers=workers)
        return time.perf_counter() - t, f"evaluate_register, {workers} worker processes"
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------------------
# 4. serve and load


def routes(plan_id: int) -> list[tuple[str, str]]:
    return [("plan page", f"/plans/{plan_id}"), ("public plan page", f"/public/plans/{plan_id}"),
            ("plan API", f"/api/plans/{plan_id}"), ("overview", "/"), ("public overview", "/public"),
            ("dashboard", "/dashboard")]


def ready(base: str, timeout: float) -> None:
    """Wait for the server on a page that reads nothing of the register (the sign-in page), so each
    measured route's first request is its own cold request."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/login", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer /login within {timeout:g} s")


def serve_and_load(env: dict[str, str], home: Path, plan_id: int, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {}
    log = (home / "serve.log").open("wb")
    server = subprocess.Popen([PLANWATCH, "serve", "--port", str(port), "--workers", str(args.workers)],
                              env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT)
    try:
        t = time.perf_counter()
        ready(base, timeout=args.start_timeout)
        out["start"] = time.perf_counter() - t
        r = httpx.post(base + "/api/session", json={"username": "bench", "password": PASSWORD}, timeout=60)
        r.raise_for_status()
        cookie = "; ".join(f"{k}={v}" for k, v in r.cookies.items())
        tool = pick_tool(args.tool)
        out["tool"] = tool
        for label, path in routes(plan_id):
            url = base + path
            t = time.perf_counter()
            try:
                first = httpx.get(url, headers={"Cookie": cookie}, timeout=args.request_timeout)
            except httpx.TimeoutException:
                out[label] = {"note": f"cold request > {args.request_timeout:g} s"}
                continue
            cold = (time.perf_counter() - t) * 1000
            if first.status_code == 404:
                out[label] = {"note": "route missing (404)"}
                continue
            if first.status_code != 200:
                out[label] = {"note": f"HTTP {first.status_code}"}
                continue
            for _ in range(args.workers * 2):  # every worker's caches
                httpx.get(url, headers={"Cookie": cookie}, timeout=args.request_timeout)
            res = load(tool, url, cookie, args.clients, args.seconds, args.max_requests)
            out[label] = {"cold": cold, **res}
    finally:
        stop_server(server)
        log.close()
    return out


# ---------------------------------------------------------------------------------------------------------


def run_one(scale: float, engine_name: str, args: argparse.Namespace, pg: Any) -> dict[str, Any]:
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)  # a new directory is fine
    home = Path(tempfile.mkdtemp(prefix=f"planwatch-national-{scale:g}-{engine_name}-", dir=args.keep))
    env = {**os.environ, "PLANWATCH_HOME": str(home), "PLANWATCH_SECRET_KEY": secrets.token_urlsafe(32)}
    if engine_name == "postgresql":
        url = pg.create_database()
        env["PLANWATCH_DATABASE_URL"] = url
    else:
        env.pop("PLANWATCH_DATABASE_URL", None)
        url = f"sqlite:///{home / 'var' / 'planwatch.sqlite3'}"
    row: dict[str, Any] = {"scale": scale, "engine": engine_name}

    def say(message: str) -> None:
        print(f"  [{scale:g} {engine_name}] {message}", flush=True)

    try:
        t = time.perf_counter()
        info = generate(home, scale, args.indicators)
        say(f"generated {info['plans']} plans, {info['townships']} townships in {time.perf_counter() - t:.1f} s")
        cli(["init"], env)
        row["regions_s"] = cli(["regions", "import", str(home / "regions.csv")], env)
        say(f"regions imported in {row['regions_s']:.1f} s")
        row["plans"] = info["plans"]
        row["plans_s"] = cli(["plan", "import", str(home / "plans")], env)
        say(f"{info['plans']} plans imported in {row['plans_s']:.1f} s ({info['plans'] / row['plans_s']:.1f} plans/s; "
            f"CPU {CPU['last']:.1f} s)")
        t = time.perf_counter()
        row["observations"] = write_observations_csv(home, url, info["towns"], args.indicators)
        say(f"observations.csv: {row['observations']:,} rows in {time.perf_counter() - t:.1f} s")
        row["obs_s"] = cli(["data", "import", "--bulk", "--exclusive", "--status", "approved", str(home / "observations.csv")], env)
        row["obs_cpu"] = CPU["last"]
        say(f"observations imported in {row['obs_s']:.1f} s ({row['observations'] / row['obs_s']:,.0f} rows/s; "
            f"planwatch process CPU {row['obs_cpu']:.1f} s; load average {os.getloadavg()[0]:.1f})")
        if not args.keep:
            (home / "observations.csv").unlink()
        say(f"register after the load: {register_size(url) / 1e9:.2f} GB")
        row["eval_s"], row["eval_how"] = evaluate_all(url, os.cpu_count() or 1)
        say(f"evaluated the register in {row['eval_s']:.1f} s ({row['eval_how']}; "
            f"load average {os.getloadavg()[0]:.1f})")
        row["eval2_s"], _ = evaluate_all(url, os.cpu_count() or 1)
        say(f"evaluated it again (every plan recomputed, the rows that changed stored) in {row['eval2_s']:.1f} s "
            f"(load average {os.getloadavg()[0]:.1f})")
        cli(["user", "add", "bench", "--role", "planner", "--password", PASSWORD], env)
        from sqlalchemy import func, select

        from planwatch.register.db import make_engine, session_factory
        from planwatch.register.schema import Indicator

        engine = make_engine(url)
        with session_factory(engine)() as s:  # a county plan (the largest are all alike)
            plan_id = s.scalar(select(Indicator.plan_id).group_by(Indicator.plan_id)
                               .order_by(func.count().desc(), Indicator.plan_id.desc()).limit(1))
        engine.dispose()
        try:
            row["web"] = serve_and_load(env, home, int(plan_id), args)
            row["load"] = os.getloadavg()
        except Exception as exc:  # keep the import and evaluation figures
            row["web_error"] = str(exc).splitlines()[0]
            say(f"web: {row['web_error']}")
            return row
        for label, res in row["web"].items():
            if isinstance(res, dict):
                say(f"{label}: " + (res.get("note") or f"cold {res['cold']:.0f} ms, p50 {res['p50']:.1f} ms, "
                                                        f"p95 {res['p95']:.1f} ms, {res['rps']:.0f} req/s, "
                                                        f"errors {res['errors']}"))
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    return row


def reuse_one(home: Path, args: argparse.Namespace) -> dict[str, Any]:
    """A register kept by an earlier run (a SQLite home from `--keep`, or with `--reuse-url` a PostgreSQL
    database and the home it was built with): upgrade it to this code's schema, evaluate it again and
    serve it (no import figures: the import is not re-run)."""
    from sqlalchemy import func, select
    from sqlalchemy.engine import make_url

    from planwatch.register.db import make_engine, session_factory
    from planwatch.register.schema import Indicator, Observation, Plan

    url = args.reuse_url or f"sqlite:///{home / 'var' / 'planwatch.sqlite3'}"
    env = {**os.environ, "PLANWATCH_HOME": str(home), "PLANWATCH_SECRET_KEY": secrets.token_urlsafe(32)}
    env.pop("PLANWATCH_DATABASE_URL", None)
    if args.reuse_url:
        env["PLANWATCH_DATABASE_URL"] = url
    cli(["init"], env)
    engine = make_engine(url)
    with session_factory(engine)() as s:
        n_plans = s.scalar(select(func.count()).select_from(Plan)) or 0
        n_obs = s.scalar(select(func.count()).select_from(Observation)) or 0
        plan_id = s.scalar(select(Indicator.plan_id).group_by(Indicator.plan_id)
                           .order_by(func.count().desc(), Indicator.plan_id.desc()).limit(1))
    engine.dispose()
    row: dict[str, Any] = {"scale": args.reuse_scale, "engine": f"{make_url(url).get_backend_name()} (kept)",
                           "plans": n_plans, "observations": n_obs}
    print(f"  [kept {home}] {n_plans:,} plans, {n_obs:,} observations", flush=True)
    if args.skip_eval:  # the stored evaluations stay (pages read them)
        row["eval_s"], row["eval_how"] = float("nan"), "skipped"
    else:
        row["eval_s"], row["eval_how"] = evaluate_all(url, os.cpu_count() or 1)
    print(f"  [kept] evaluated the register in {row['eval_s']:.1f} s ({row['eval_how']}; "
          f"load average {os.getloadavg()[0]:.1f})", flush=True)
    if not args.skip_eval:
        row["eval2_s"], _ = evaluate_all(url, os.cpu_count() or 1)
        print(f"  [kept] evaluated it again in {row['eval2_s']:.1f} s", flush=True)
    done = subprocess.run([PLANWATCH, "user", "add", "bench", "--role", "planner", "--password", PASSWORD],
                          env=env, capture_output=True, text=True)
    if done.returncode:  # kept from the earlier run: set its password again
        subprocess.run([PLANWATCH, "user", "passwd", "bench", "--password", PASSWORD], env=env,
                       capture_output=True, text=True)
    row["web"] = serve_and_load(env, home, int(plan_id), args)
    row["load"] = os.getloadavg()
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    pages = [label for label, _ in routes(0)]
    print()
    tools = sorted({r["web"]["tool"] for r in rows if "tool" in r.get("web", {})})
    print(f"load driver: {', '.join(tools) or 'none'}")
    print("| scale | engine | plans | observations | plans/s | obs/s | evaluation s (first / again) | "
          + " | ".join(f"{p} cold / p50 / p95 ms" for p in pages) + " | load avg after the web runs |")
    print("|" + "---|" * (8 + len(pages)))
    for r in rows:
        if "error" in r:
            print(f"| {r['scale']:g} | {r['engine']} | failed: {r['error']} |")
            continue
        cells = []
        for p in pages:
            w = r.get("web", {}).get(p, {"note": r.get("web_error", "not measured")})
            cells.append(w.get("note") or (f"{w['cold']:.0f} / {w['p50']:.1f} / {w['p95']:.1f}"
                                           + (f" ({w['errors']} errors)" if w.get("errors") else "")))
        rates = (f"{r['plans'] / r['plans_s']:.1f} | {r['observations'] / r['obs_s']:,.0f}" if "obs_s" in r
                 else "(kept) | (kept)")
        print(f"| {r['scale']:g} | {r['engine']} | {r['plans']:,} | {r['observations']:,} | "
              f"{rates} | {r['eval_s']:.1f} / {r.get('eval2_s', float('nan')):.1f} | "
              + " | ".join(cells) + " | " + " ".join(f"{x:.1f}" for x in r.get("load", ())) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="0.01", help="comma-separated, e.g. 0.01,0.1,1")
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--indicators", type=int, default=95, help="indicators per plan (95 → ~20 M values at scale 1)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-requests", type=int, default=20000, help="httpx loop only")
    ap.add_argument("--tool", choices=["auto", "wrk", "k6", "httpx"], default="auto",
                    help="load driver (auto: wrk, else k6, else httpx)")
    ap.add_argument("--request-timeout", type=float, default=120)
    ap.add_argument("--start-timeout", type=float, default=600)
    ap.add_argument("--keep", help="build the registers under this directory and keep them")
    ap.add_argument("--reuse", help="a register home kept by --keep (SQLite), or the home of --reuse-url: "
                                    "upgrade, evaluate and serve it (no build, no import figures)")
    ap.add_argument("--reuse-url", help="with --reuse: the kept register's database URL (PostgreSQL)")
    ap.add_argument("--reuse-scale", type=float, default=1.0, help="the scale the kept register was built at")
    ap.add_argument("--skip-eval", action="store_true", help="with --reuse: serve the stored evaluations as they are")
    args = ap.parse_args()
    if args.reuse:
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
        print_table([reuse_one(Path(args.reuse), args)])
        return
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    pg = None
    if "postgresql" in engines:
        from planwatch.register.testing import TempPostgres, why_unavailable

        if (why := why_unavailable()) is not None:
            print(f"PostgreSQL skipped: {why}")
            engines.remove("postgresql")
        else:
            pg = TempPostgres().start()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start "
          "(a shared machine: compare CPU seconds, not only wall time)", flush=True)
    rows = []
    try:
        for scale in (float(s) for s in args.scales.split(",")):
            for engine_name in engines:
                print(f"scale {scale:g} on {engine_name}", flush=True)
                try:
                    rows.append(run_one(scale, engine_name, args, pg))
                except Exception as exc:  # one failed build must not hide the others' figures
                    print(f"  failed: {exc}", flush=True)
                    rows.append({"scale": scale, "engine": engine_name, "error": str(exc).splitlines()[0]})
    finally:
        if pg is not None:
            pg.stop()
    print_table(rows)


if __name__ == "__main__":
    main()
