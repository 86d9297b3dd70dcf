"""`planwatch evaluate PLAN --year Y [--json]`: a readable table, or the evaluation as JSON."""

from __future__ import annotations

import json
import sys

import click

from planwatch.evaluate import kinds
from planwatch.evaluate.results import PlanEvaluation
from planwatch.evaluate.warnings import fmt, pct
from planwatch.model import EvaluationInput

_SEVERITY = {"red": "红", "orange": "橙", "yellow": "黄"}


def _from_register(plan_ref: str, db_url: str | None) -> EvaluationInput:
    from planwatch.register.db import make_engine, session_factory
    from planwatch.register.errors import RegisterError
    from planwatch.register.queries import evaluation_input

    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            return evaluation_input(session, plan_ref)
    except RegisterError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()


def table_text(ev: PlanEvaluation) -> str:
    from planwatch.textwidth import pad

    out = [f"== {ev.title}  ({ev.region_code})  数据年份 data year {ev.year}", ""]
    cols = [("领域", 12), ("指标 indicator", 36), ("属性", 6), ("基期", 9), ("目标", 12), ("最新值(年)", 16),
            ("完成度P", 8), ("时序S", 7), ("状态 status", 12), ("预计期末 projected", 20)]
    out.append(" ".join(pad(c, w) for c, w in cols))
    for i in ev.indicators:
        latest = "—" if i.year is None else f"{fmt(i.value) if i.value is not None else i.judgement}({i.year})"
        base = "—" if i.baseline is None else f"{fmt(i.baseline)}"
        p = i.projection
        proj = "—"
        if p.value_at_target is not None:
            proj = f"{fmt(p.value_at_target)}{'%' if kinds.get(i.method).rate else ''}"
            proj += " ✓" if p.meets_target else " ✗" if p.meets_target is False else ""
            if p.required_rate is not None and not p.meets_target:
                proj += f" 需年均{fmt(p.required_rate, 1)}%"
        mark = "!" if i.warnings else " "
        cells = [i.domain or "—", i.name, "约束性" if i.binding else "预期性", base, i.target_raw or "—", latest,
                 pct(i.P) if i.P is not None else "—", pct(i.S) if i.S is not None else "—",
                 mark + i.label, proj]
        out.append(" ".join(pad(str(c), w) for c, (_, w) in zip(cells, cols, strict=True)))
    out += ["", ev.summary["headline"]]
    if ev.summary.get("completion_rate") is not None:
        out.append(f"指标完成率 (已完成/达标 ÷ 可评估): {ev.summary['achieved_or_met']}/{ev.summary['assessed']} = "
                   f"{pct(ev.summary['completion_rate'])}")
    if ev.early_warnings:
        out += ["", f"预警 early warnings ({len(ev.early_warnings)}):"]
        out += [f"  [{_SEVERITY[w.severity]}] {w.reason}" for w in ev.early_warnings]
    return "\n".join(out)


def evaluate_all(db_url: str | None, force: bool, workers: int = 1) -> int:
    """Evaluate and store every plan of the register whose stored evaluation is not fresh, with a
    progress bar on stderr. Returns how many plans were evaluated."""
    from tqdm import tqdm

    from planwatch.register.db import make_engine
    from planwatch.register.evaluations import evaluate_register

    engine = make_engine(db_url)
    bar: tqdm | None = None  # type: ignore[type-arg]

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="plan", desc="评估 evaluate", file=sys.stderr, disable=total == 0)
        bar.update(done - bar.n)

    try:
        return evaluate_register(engine, progress=progress, force=force, workers=workers)
    finally:
        if bar is not None:
            bar.close()
        engine.dispose()


@click.command("evaluate")
@click.argument("plan", required=False)
@click.option("--year", "year", type=int, default=None, help="数据年份 / data year to evaluate (e.g. 2025).")
@click.option("--all", "every", is_flag=True,
              help="Evaluate every plan of the register and store the results (only plans whose data changed).")
@click.option("--force", is_flag=True, help="With --all: evaluate every plan again, changed or not.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="With --all: processes that evaluate (default: the machine's cores).")
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
@click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False),
              help="Evaluate an EvaluationInput JSON file instead of the register.")
@click.option("--db", "db_url", help="Register database URL (default: PLANWATCH_DATABASE_URL or the local SQLite).")
@click.option("--tolerance", type=float, default=None, help="Maintain/floor tolerance in the indicator's unit.")
def evaluate_command(plan: str | None, year: int | None, every: bool, force: bool, workers: int | None,
                     as_json: bool, input_path: str | None, db_url: str | None, tolerance: float | None) -> None:
    """评估规划实施进度 / Evaluate a plan: 时序进度, 完成度, status, projection, early warnings.

    With --all: evaluate the whole register (each plan on its latest data year) and store the
    results that pages, the overview and the dashboard read."""
    from dataclasses import replace

    if every:
        if plan or input_path or year is not None or tolerance is not None:
            raise click.UsageError("--all 不与 PLAN、--input、--year、--tolerance 同用 / "
                                   "--all takes no PLAN, --input, --year or --tolerance")
        import os

        n = evaluate_all(db_url, force, workers or os.cpu_count() or 1)
        click.echo(f"已评估 {n} 个规划 / evaluated {n} plan(s)")
        return
    if year is None:
        raise click.UsageError("需要 --year / give --year (the data year to evaluate)")

    from planwatch.evaluate.config import DEFAULT_CONFIG
    from planwatch.evaluate.engine import evaluate_plan
    from planwatch.evaluate.io import load_input

    if input_path:
        inp = load_input(input_path)
    elif plan:
        inp = _from_register(plan, db_url)
    else:
        raise click.UsageError("需要规划 PLAN 或 --input FILE / give a PLAN or --input FILE")
    config = DEFAULT_CONFIG if tolerance is None else replace(DEFAULT_CONFIG, maintain_tolerance=tolerance)
    ev = evaluate_plan(inp, year, config)
    if as_json:
        json.dump(ev.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        click.echo(table_text(ev))
