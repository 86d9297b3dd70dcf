"""`planwatch report PLAN --kind annual|midterm|final --year Y --format docx|pdf|html --out FILE`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from planwatch.report.build import FORMATS
from planwatch.report.config import KINDS, Kind


def default_year(kind: Kind, period: tuple[int, int]) -> int:
    """Final: the last plan year; mid-term: the middle one (2023 for 2021–2025); annual: last year."""
    if kind == "final":
        return period[1]
    if kind == "midterm":
        return (period[0] + period[1]) // 2
    return min(time.localtime().tm_year - 1, period[1])


def tasks_of(session: Any, plan_id: int, year: int | None = None) -> list[Any]:
    """Tasks and projects of a plan, each with its latest approved progress up to `year`.

    Only approved reports count (as for indicators in the public view); an item with
    none stays state None and is printed 未报送. A simulated report is kept and flagged."""
    from sqlalchemy import select

    from planwatch.register.progress import leads, reports_of
    from planwatch.register.schema import Project, Task
    from planwatch.report.data import TaskRow

    lead = leads(session, plan_id)
    reports = reports_of(session, plan_id, ("approved",), up_to_year=year)
    rows: list[TaskRow] = []
    for kind, model, label in (("task", Task, Task.text), ("project", Project, Project.name)):
        for item_id, name, domain, *rest in session.execute(
                select(model.id, label, model.domain, *([Task.departments] if kind == "task" else []))
                .where(model.plan_id == plan_id, model.active).order_by(model.position, model.id)):
            dept = lead.get((kind, item_id))
            r = (reports.get((kind, item_id)) or [None])[-1]
            rows.append(TaskRow(
                name, kind, domain, r.state if r else None,
                r.percent / 100 if r is not None and r.percent is not None else None,
                dept[1] if dept else (rest[0] if rest else None),
                r.year if r else None, r.note if r else None, bool(r and r.simulated)))
    return rows


def benchmarks_of(session: Any, inp: Any) -> list[Any]:
    """The plan's items beside the national and superior plans' targets on the same metric."""
    from planwatch.compare.benchmarks import plan_benchmarks
    from planwatch.register.compare_queries import region_parents, target_items
    from planwatch.report.adapter import benchmark_rows

    return benchmark_rows(inp, plan_benchmarks(target_items(session), inp.plan.id, region_parents(session)))


def render(doc: Any, form: str) -> bytes:
    """Each renderer draws the charts it needs (at its own resolution) when not given them."""
    if form == "docx":
        from planwatch.report.render_docx import render_docx

        return render_docx(doc)
    if form == "pdf":
        from planwatch.report.render_pdf import render_pdf

        return render_pdf(doc)
    from planwatch.report.render_html import render_html

    return render_html(doc).encode("utf-8")


@click.command("report")
@click.argument("plan")
@click.option("--kind", type=click.Choice(KINDS), default="final", show_default=True,
              help="annual 年度监测 / midterm 中期评估 / final 总结评估")
@click.option("--year", type=int, default=None,
              help="Data year evaluated (default: final → last plan year, midterm → middle year).")
@click.option("--format", "form", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from the --out suffix).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help='JSON: {"titles": {"overview": "…"}, "sections": [...], "issuer": "…"}')
@click.option("--issuer", default=None, help="编制单位 printed on the cover.")
def report_command(plan: str, kind: Kind, year: int | None, form: str | None, out: Path,
                   config_path: Path | None, issuer: str | None) -> None:
    """Draft the annual, mid-term or final evaluation report of PLAN (id or title) from the register."""
    from planwatch.register.cli import open_register
    from planwatch.register.db import session_factory
    from planwatch.register.errors import RegisterError
    from planwatch.report.build import build_report
    from planwatch.report.charts import FontMissing
    from planwatch.report.config import load_config

    form = form or out.suffix.lstrip(".").lower()
    if form not in FORMATS:
        raise click.UsageError(f"cannot tell the format from {out.name!r}; pass --format docx|pdf|html")
    try:
        cfg = load_config(kind, config_path, issuer=issuer)
    except (ValueError, OSError) as exc:
        raise click.UsageError(f"--config: {exc}") from exc
    started = time.perf_counter()
    engine = open_register()
    try:
        with session_factory(engine)() as session:
            built = build_report(session, plan, kind, year, form, cfg)
    except RegisterError as exc:
        click.echo(f"错误 error: {exc}", err=True)
        sys.exit(1)
    except FontMissing as exc:  # a missing system package is one line, not a traceback
        click.echo(f"错误 error: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(built.payload)
    if built.sparse:
        click.echo(f"注意 warning: only {built.with_data} of {built.indicators} indicators have data for "
                   f"{built.year}; the cover says the report is incomplete", err=True)
    click.echo(
        f"{out}  ({form}, {len(built.payload) // 1024} KiB, {built.indicators} indicators, data year {built.year}, "
        f"{time.perf_counter() - started:.1f} s)",
        err=True,
    )
