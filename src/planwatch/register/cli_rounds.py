"""`planwatch round`: reporting rounds of a plan (open, dates, status, close, approve, lock, unlock)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import click

from planwatch.register.cli import friendly, open_register
from planwatch.register.errors import FieldError, NotFound


class _Date(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r}: 日期应为 YYYY-MM-DD / a date is written YYYY-MM-DD", param, ctx)


DATE = _Date()
_STATE = {"open": "填报中 open", "closed": "已结束 closed", "approved": "已审定 approved", "locked": "已锁定 locked"}


@click.group("round")
def round_group() -> None:
    """填报轮次:应报日期、锁定日期、报送率 / reporting rounds: due date, lock date, completeness."""


def _with_round(plan_ref: str, year: int, fn: Callable[[Any, int], Any]) -> Any:
    from planwatch.register import rounds
    from planwatch.register.db import transaction
    from planwatch.register.queries import resolve_plan

    with transaction(open_register()) as s:
        plan = resolve_plan(s, plan_ref)
        r = rounds.round_for(s, plan.id, year)
        if r is None:
            raise NotFound(f"规划 {plan.id} 没有 {year} 年度的填报轮次(先运行 planwatch round open)/ plan {plan.id} "
                           f"has no round for {year} (run planwatch round open first)")
        fn(s, r.id)
        return rounds.round_dict(s, r)


def _say(info: dict[str, Any]) -> None:
    unlocked = " · 已解锁 unlocked" + (f" → {info['unlocked_until']}" if info["unlocked_until"] else "") \
        if info["unlocked"] else ""
    click.echo(f"规划 plan {info['plan_id']} {info['year']}: {_STATE[info['state']]}{unlocked} · "
               f"应报 due {info['due_date'] or '—'} · 锁定 lock {info['lock_date'] or '—'}")


@round_group.command("open")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--year", type=int, required=True, help="填报年度 / the year reported")
@click.option("--due", "due_date", type=DATE, default=None, help="应报日期 / due date (YYYY-MM-DD)")
@click.option("--lock", "lock_date", type=DATE, default=None, help="锁定日期 / lock date (YYYY-MM-DD)")
@click.option("--user", "by", default=None, help="操作人 / who (for the record)")
@friendly
def round_open(plan_ref: str, year: int, due_date: date | None, lock_date: date | None, by: str | None) -> None:
    """开启填报轮次 / open a plan's reporting round for a year."""
    from planwatch.register import rounds
    from planwatch.register.db import transaction
    from planwatch.register.queries import resolve_plan

    with transaction(open_register()) as s:
        plan = resolve_plan(s, plan_ref)
        r = rounds.open_round(s, plan.id, year, due_date=due_date, lock_date=lock_date, by=by)
        info = rounds.round_dict(s, r)
    _say(info)


@round_group.command("dates")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--year", type=int, required=True)
@click.option("--due", "due_date", type=DATE, default=None, help="应报日期(省略则清空)/ due date (omit: none)")
@click.option("--lock", "lock_date", type=DATE, default=None, help="锁定日期(省略则清空)/ lock date (omit: none)")
@click.option("--reason", default=None)
@click.option("--user", "by", default=None)
@friendly
def round_dates(plan_ref: str, year: int, due_date: date | None, lock_date: date | None, reason: str | None,
                by: str | None) -> None:
    """修改应报日期和锁定日期 / set a round's due date and lock date."""
    from planwatch.register import rounds

    _say(_with_round(plan_ref, year, lambda s, rid: rounds.set_dates(s, rid, due_date=due_date, lock_date=lock_date,
                                                                      by=by, reason=reason)))


def _state_command(name: str, doc: str, action: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("plan_ref", metavar="PLAN")
    @click.option("--year", type=int, required=True)
    @click.option("--reason", default=None, help="原因 / why (recorded)")
    @click.option("--user", "by", default=None, help="操作人 / who (for the record)")
    @friendly
    def command(plan_ref: str, year: int, reason: str | None, by: str | None) -> None:
        from planwatch.register import rounds

        fn = {"close": rounds.close_round, "approve": rounds.approve_round, "lock": rounds.lock_round}[action]
        _say(_with_round(plan_ref, year, lambda s, rid: fn(s, rid, by=by, reason=reason)))

    return command


round_group.add_command(_state_command("close", "结束填报(填报员不能再改)/ close: reporting ends for reporters", "close"))
round_group.add_command(_state_command("approve", "审定本轮 / approve the round", "approve"))
round_group.add_command(_state_command("lock", "锁定(任何修改须先解锁)/ lock: no change until unlocked", "lock"))


@round_group.command("unlock")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--year", type=int, required=True)
@click.option("--reason", required=True, help="解锁原因(留痕)/ why (recorded)")
@click.option("--until", type=DATE, default=None, help="解锁至该日(含)/ unlocked until this date (inclusive)")
@click.option("--user", "by", default=None)
@friendly
def round_unlock(plan_ref: str, year: int, reason: str, until: date | None, by: str | None) -> None:
    """解锁:锁定后或锁定日期之后允许修改 / unlock: let changes through after the lock date or a lock."""
    from planwatch.register import rounds

    _say(_with_round(plan_ref, year, lambda s, rid: rounds.unlock_round(s, rid, reason=reason, until=until, by=by)))


@round_group.command("status")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--year", type=int, default=None, help="某一年度的报送率与逾期清单 / one round's completeness")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@friendly
def round_status(plan_ref: str, year: int | None, as_json: bool) -> None:
    """轮次与报送率(按部门)、逾期清单 / rounds, 报送率 by department, the overdue list."""
    from planwatch.register import rounds
    from planwatch.register.db import transaction
    from planwatch.register.queries import resolve_plan

    with transaction(open_register()) as s:
        plan = resolve_plan(s, plan_ref)
        chosen = [r for r in rounds.rounds(s, plan.id) if year is None or r.year == year]
        if year is not None and not chosen:
            raise FieldError("year", f"规划 {plan.id} 没有 {year} 年度的填报轮次", f"plan {plan.id} has no round for {year}")
        results = [rounds.completeness(s, r.id) for r in chosen]
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in results], ensure_ascii=False, indent=2, default=str))
        return
    if not results:
        click.echo(f"规划 {plan.id} 还没有填报轮次 / plan {plan.id} has no reporting round")
    for c in results:
        _say(c.round)
        pct = "—" if c.rate is None else f"{c.rate:.0%}"
        click.echo(f"  报送率 reporting rate {pct} ({c.reported}/{c.expected}) · 已审核 approved {c.approved} · "
                   f"退回 returned {c.returned}")
        if year is not None:
            for d in c.departments:
                dpct = "—" if d["rate"] is None else f"{d['rate']:.0%}"
                click.echo(f"    {d['department']}: {dpct} ({d['reported']}/{d['expected']})")
            for o in c.overdue:
                click.echo(f"  逾期 overdue {o['days_overdue']}d  {o['department']}  {o['kind']} {o['item_id']}  "
                           f"{o['name'][:50]}")
