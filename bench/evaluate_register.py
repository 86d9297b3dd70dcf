"""Time `evaluate_register` (what `planwatch evaluate --all` runs) on a kept register.

    PYTHONPATH=src .venv/bin/python bench/evaluate_register.py URL [--workers 2] [--phases 30] [--split N] [--profile N]

URL: a SQLAlchemy URL or a SQLite file (e.g. one `bench/national.py --keep DIR` built). The register is
re-evaluated in place (force: every plan), so evaluate a copy of a register you must not change.
`--phases N` first times each step for N plans spread over the register, one process (loading inputs,
judging the plan's region, sub-regions, projections and warnings, flattening, storing rows), and prints
their mean per plan; `--split N` the CPU a plan computing and storing N county plans in batches as
`evaluate_register` does (one process); `--profile N` prints cProfile's top functions for N such plans.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import resource
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def _url(arg: str) -> str:
    return arg if "://" in arg else f"sqlite:///{os.path.abspath(arg)}"


def phases(engine: Any, plan_ids: list[int]) -> dict[str, float]:
    """Seconds per step over `plan_ids`, one plan at a time (the per-plan path)."""
    from planwatch.evaluate import EvaluationConfig
    from planwatch.evaluate import engine as ev_engine
    from planwatch.evaluate.results import PlanEvaluation
    from planwatch.evaluate.rollup import summarise
    from planwatch.evaluate.warnings import early_warnings
    from planwatch.register import evaluations, versions
    from planwatch.register.finality import counted_statuses
    from planwatch.register.queries import evaluation_input
    from planwatch.register.rounds import data_year

    out: dict[str, float] = {k: 0.0 for k in ("inputs", "judge", "subregions", "summary", "flatten", "store")}
    statuses = counted_statuses()
    config = EvaluationConfig(accepted_statuses=statuses)
    for plan_id in plan_ids:
        with Session(engine) as s:
            t = time.perf_counter()
            state = versions.current(s)
            inp = evaluation_input(s, plan_id, statuses)
            year = data_year(s, inp, statuses)
            t1 = time.perf_counter()
            out["inputs"] += t1 - t1 + (t1 - t)
            from collections import defaultdict

            by_ind: dict[str, list[Any]] = defaultdict(list)
            for o in inp.observations:
                by_ind[o.indicator_id].append(o)
            evals, items = [], []
            a = time.perf_counter()
            for ind in inp.indicators:
                obs = by_ind.get(ind.id, [])
                ev = ev_engine.evaluate_indicator(ind, obs, inp.plan.region_code, year, inp.plan.base_year, config,
                                                  inp.regions)
                if obs and inp.regions:
                    items.append((len(evals), (ind, ev, obs)))
                evals.append(ev)
            b = time.perf_counter()
            # as the register evaluates: the spread is worked out when a page shows it (`with_spread`)
            for (n, _), ev in zip(items, ev_engine.subregions([it for _, it in items], inp, year, config,
                                                              spread=False), strict=True):
                evals[n] = ev
            out["judge"] += b - a
            out["subregions"] += time.perf_counter() - b
            t2 = time.perf_counter()
            res = PlanEvaluation(inp.plan.id, inp.plan.title, inp.plan.region_code, year, tuple(evals),
                                 summarise(evals), early_warnings(evals))
            t3 = time.perf_counter()
            out["summary"] += t3 - t2
            targets = {i.id: i.target.value for i in inp.indicators}
            per = {e.id: evaluations._flatten(e, targets.get(e.id)) for e in res.indicators}
            version = s.scalar(select(evaluations.Plan.data_version).where(evaluations.Plan.id == plan_id)) or 0
            result = evaluations.PlanResult(year, per, [w.to_dict() for w in res.early_warnings], dict(res.summary),
                                            data_version=version, shared_seq=state.shared_seq)
            t4 = time.perf_counter()
            out["flatten"] += t4 - t3
        with Session(engine) as s, s.begin():
            evaluations.save(s, plan_id, result)
        out["store"] += time.perf_counter() - t4
    return out


def split(engine: Any, plan_ids: list[int], batch: int = 20) -> tuple[float, float]:
    """CPU seconds a plan computing and storing `plan_ids` as `evaluate_register` does in one process
    (a batch computed in a read session by `compute_many`, then stored by `save_many` in one transaction)."""
    from planwatch.register import evaluations

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def compute_many(s: Session, ids: list[int]) -> list[tuple[int, Any]]:  # (older trees: plan by plan)
        if hasattr(evaluations, "compute_many"):
            return evaluations.compute_many(s, ids)
        return [(p, evaluations.compute(s, p)) for p in ids]

    # the collector as `evaluate_register` runs it: paused a batch (`_one_collection`), or, in older trees,
    # at a raised threshold for the whole run (`_fewer_collections`), or as Python's default
    per_batch = getattr(evaluations, "_one_collection", contextlib.nullcontext)
    computing = storing = 0.0
    with getattr(evaluations, "_fewer_collections", contextlib.nullcontext)():
        for i in range(0, len(plan_ids), batch):
            with per_batch():
                c = cpu()
                with Session(engine) as s:
                    results = compute_many(s, plan_ids[i:i + batch])
                c1 = cpu()
                with Session(engine) as s, s.begin():
                    evaluations.save_many(s, results)
            computing, storing = computing + c1 - c, storing + cpu() - c1
    return computing / len(plan_ids), storing / len(plan_ids)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--phases", type=int, default=0, help="time each step for this many plans first")
    ap.add_argument("--profile", type=int, default=0, help="cProfile this many plans (evaluate_register, 1 process)")
    ap.add_argument("--split", type=int, default=0,
                    help="CPU a plan computing and storing this many county plans, in batches, one process")
    ap.add_argument("--skip-full", action="store_true", help="only the per-step figures / profile")
    args = ap.parse_args()
    from planwatch.register.db import make_engine
    from planwatch.register.evaluations import evaluate_register
    from planwatch.register.schema import Plan

    engine = make_engine(_url(args.url))
    with Session(engine) as s:
        ids = list(s.scalars(select(Plan.id).order_by(Plan.id)))
    print(f"{len(ids)} plans; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    if args.phases:
        step = max(1, len(ids) // args.phases)
        sample = ids[step // 2::step][:args.phases]  # county plans: the first plan is the province's
        t = time.perf_counter()
        per = phases(engine, sample)
        wall = time.perf_counter() - t
        print(f"per-plan steps over {len(sample)} plans ({wall:.1f} s, {wall / len(sample) * 1000:.0f} ms a plan):")
        for k, v in per.items():
            print(f"  {k:11s} {v / len(sample) * 1000:8.1f} ms a plan  ({v / wall:5.1%})")
    if args.split:
        sample = ids[1:args.split + 1]  # county plans: the first plan is the province's
        computing, storing = split(engine, sample)
        print(f"{len(sample)} plans, batches of 20, one process: compute {computing * 1000:.1f} CPU ms a plan, "
              f"store {storing * 1000:.1f} CPU ms a plan", flush=True)
    if args.profile:
        step = max(1, len(ids) // args.profile)
        sample = ids[::step][:args.profile]
        prof = cProfile.Profile()
        prof.enable()
        evaluate_register(engine, sample, force=True, workers=1)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    if not args.skip_full:
        def cpu() -> float:
            return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                         resource.getrusage(resource.RUSAGE_CHILDREN)))

        c, t = cpu(), time.perf_counter()
        n = evaluate_register(engine, force=True, workers=args.workers)
        wall, used = time.perf_counter() - t, cpu() - c
        print(f"evaluate_register(force=True, workers={args.workers}): {n} plans in {wall:.1f} s wall, "
              f"{used:.1f} CPU s with its workers ({used / n * 1000:.0f} CPU ms a plan; "
              f"load average {os.getloadavg()[0]:.1f})", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
