"""Commands for task/project progress: `planwatch tasks PLAN`, `planwatch task report|approve|return`."""

from __future__ import annotations

import json
from typing import Any

import click

from planwatch.register.cli import friendly, open_register
from planwatch.register.schema import OBSERVATION_STATUSES, PROJECT_STATES


@click.command("tasks")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@click.option("--approved", "approved_only", is_flag=True,
              help="只看已审核的进展(公众所见)/ approved progress only (what the public sees)")
@friendly
def tasks_command(plan_ref: str, as_json: bool, approved_only: bool) -> None:
    """列出规划的重点任务和项目及最新进展 / list a plan's tasks and projects with their latest progress."""
    from planwatch.register.db import transaction
    from planwatch.register.progress import plan_items
    from planwatch.register.queries import resolve_plan

    with transaction(open_register()) as s:
        plan = resolve_plan(s, plan_ref)
        items = plan_items(s, plan.id, approved_only=approved_only)
    if as_json:
        click.echo(json.dumps({"plan_id": plan.id, "title": plan.title, "items": items}, ensure_ascii=False,
                              indent=2))
        return
    if not items:
        click.echo(f"规划 {plan.id} 没有登记重点任务或项目 / plan {plan.id} has no tasks or projects")
    for it in items:
        r = it["approved"] if approved_only else it["latest"]
        click.echo(f"{it['ref']:>6}  {'任务' if it['kind'] == 'task' else '项目'}  {_state(r):<24}  "
                   f"{it['lead_department'] or '(未指定牵头单位 / no lead)'}  {it['name'][:60]}")


def _state(r: dict[str, Any] | None) -> str:
    if r is None:
        return "未报送 / not reported"
    pct = f" {r['percent']:g}%" if r["percent"] is not None else ""
    sim = " [模拟 simulated]" if r["simulated"] else ""
    return f"{r['state']}{pct} ({r['year']}, {r['status']}){sim}"


@click.group("task")
def task_group() -> None:
    """重点任务和项目进展 / progress of tasks and projects."""


@task_group.command("report")
@click.argument("plan_ref", metavar="PLAN")
@click.argument("item_ref", metavar="TASK_OR_PROJECT_ID")
@click.option("--year", type=int, required=True, help="进展所属年度 / the year the progress is for")
@click.option("--state", type=click.Choice(PROJECT_STATES), required=True,
              help="未启动 / 推进中 / 已完成(项目另可用 滞后)/ state (滞后 for projects only)")
@click.option("--percent", default=None, help="完成比例 0–100 / percent complete")
@click.option("--note", default=None, help="进展说明及来源 / what was done, and the source")
@click.option("--evidence", default=None, help="佐证材料的位置 / where the evidence is (path or URL)")
@click.option("--status", type=click.Choice(OBSERVATION_STATUSES), default="submitted", show_default=True)
@click.option("--simulated", is_flag=True, help="模拟数据(报告中会标注)/ simulated, labelled wherever shown")
@click.option("--version", "expected_version", type=int, default=None,
              help="修改已有进展时所依据的版本(默认取当前版本)/ version being changed (default: the stored one)")
@click.option("--user", "by", default=None, help="操作人 / who is reporting (for history)")
@friendly
def task_report(plan_ref: str, item_ref: str, year: int, state: str, percent: str | None, note: str | None,
                evidence: str | None, status: str, simulated: bool, expected_version: int | None,
                by: str | None) -> None:
    """报送任务或项目的年度进展 / report a task's or project's progress for a year.

    TASK_OR_PROJECT_ID is what `planwatch tasks PLAN` prints: t12 for a task, pr3 for a project
    (or a unique part of its text)."""
    from planwatch.register import progress as pg
    from planwatch.register import reporting as rp
    from planwatch.register.db import transaction
    from planwatch.register.queries import resolve_plan

    with transaction(open_register()) as s:
        plan = resolve_plan(s, plan_ref)
        item = pg.resolve_item(s, plan, item_ref)
        kind = pg.kind_of(item)
        if expected_version is None:
            # The command line acts on what is stored now; the update itself is still version-checked.
            current = pg.stored(s, kind, item.id, year)
            expected_version = current.version if current else None
        row = rp.submit_progress(s, rp.CommandLine(by), rp.ProgressReportIn(
            kind, item.id, year, state, percent=percent, note=note, expected_version=expected_version,
            evidence_ref=evidence, status=status, simulated=simulated),
            by=by, reason="命令行报送 / reported from the command line")
        pct = f" {row['percent']:g}%" if row["percent"] is not None else ""
        click.echo(f"{pg.item_ref(kind, item.id)} {pg.item_name(item)[:40]} {year}: {row['state']}{pct} "
                   f"({row['status']}, 版本 version {row['version']})")


def _decide(plan_ref: str, item_ref: str, year: int, status: str, reason: str | None, by: str | None) -> None:
    from planwatch.register import reporting as rp
    from planwatch.register.db import transaction
    from planwatch.register.errors import NotFound
    from planwatch.register.progress import kind_of, resolve_item, stored
    from planwatch.register.queries import resolve_plan

    with transaction(open_register()) as s:
        plan = resolve_plan(s, plan_ref)
        item = resolve_item(s, plan, item_ref)
        row = stored(s, kind_of(item), item.id, year)
        if row is None:
            raise NotFound(f"{item_ref} {year}年尚未报送进展 / nothing reported for {item_ref} in {year}")
        rp.decide_progress(s, rp.CommandLine(by), row.id, "approve" if status == "approved" else "return",
                           row.version, reason)
        click.echo(f"{item_ref} {year}: {status}")


@task_group.command("approve")
@click.argument("plan_ref", metavar="PLAN")
@click.argument("item_ref", metavar="TASK_OR_PROJECT_ID")
@click.option("--year", type=int, required=True)
@click.option("--user", "by", default=None, help="审核人 / who approves (for history)")
@friendly
def task_approve(plan_ref: str, item_ref: str, year: int, by: str | None) -> None:
    """审核通过已提交的进展 / approve a submitted progress report."""
    _decide(plan_ref, item_ref, year, "approved", "审核通过 / approved", by)


@task_group.command("return")
@click.argument("plan_ref", metavar="PLAN")
@click.argument("item_ref", metavar="TASK_OR_PROJECT_ID")
@click.option("--year", type=int, required=True)
@click.option("--reason", required=True, help="退回原因 / why it is returned")
@click.option("--user", "by", default=None)
@friendly
def task_return(plan_ref: str, item_ref: str, year: int, reason: str, by: str | None) -> None:
    """退回已提交的进展 / return a submitted progress report with a reason."""
    _decide(plan_ref, item_ref, year, "returned", reason, by)
