"""Register commands: init, plan import, plans, regions import, dept assign, user (add, passwd, list, disable,
enable, role), demo."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine, select

from planwatch.register.errors import RegisterError

F = TypeVar("F", bound=Callable[..., Any])


def open_register() -> Engine:
    """The configured register, migrated to the newest schema (a no-op when it already is)."""
    from planwatch.register import migrate
    from planwatch.register.db import make_engine

    engine = make_engine()
    if not migrate.is_current(engine):
        migrate.upgrade(engine)
    return engine


def friendly(fn: F) -> F:
    """Register errors become a clear message and exit status 1, not a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from planwatch.exchange.problems import ImportRejected

        try:
            return fn(*args, **kwargs)
        except (RegisterError, ImportRejected) as exc:
            click.echo(f"错误 error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.command("init")
@friendly
def init_command() -> None:
    """创建或升级登记库 / create or upgrade the register database."""
    from planwatch.register import migrate
    from planwatch.register.db import make_engine

    engine = make_engine()
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    url = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"登记库已是最新 / register is up to date: {url} (revision {after})")
    else:
        click.echo(f"登记库已就绪 / register ready: {url} (revision {before} → {after})")


@click.group("plan")
def plan_group() -> None:
    """规划 / plans in the register."""


@plan_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", help="地区代码或名称(文档未写明时)/ region code or name when the document does not say")
@click.option("--period", "period_text", metavar="2026-2030",
              help="规划期(文档未写明或有误时)/ plan period when the document does not say or says it wrongly")
@click.option("--plan", "plan_id", type=int, help="作为该规划的修订版导入 / import as a revision of this plan id")
@click.option("--user", "by", default=None, help="操作人 / who is importing (for history)")
@click.option("--reason", default=None, help="修订原因 / why (for history)")
@click.option("--timeout", type=click.FloatRange(min=0), default=None, metavar="S",
              help="提取时限(秒)/ seconds the extraction may take [env PLANWATCH_EXTRACT_TIMEOUT, default 10]")
@click.option("--max-memory", type=click.IntRange(min=0), default=None, metavar="MB",
              help="提取内存上限 / memory the extraction may use [env PLANWATCH_EXTRACT_MAX_MEMORY_MB, default 1024]")
@friendly
def plan_import(path: Path, region: str | None, period_text: str | None, plan_id: int | None, by: str | None,
                reason: str | None, timeout: float | None, max_memory: int | None) -> None:
    """提取并导入规划(文档或提取结果 JSON)/ extract and import a plan document or a contract JSON."""
    from planwatch.register.db import transaction
    from planwatch.register.plans import import_plan, parse_period

    period = parse_period(period_text) if period_text else None

    content: bytes | None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RegisterError(f"{path}: 不是有效的 JSON / not valid JSON: {exc}") from exc
        if not isinstance(data, dict) or "plan" not in data:
            raise RegisterError(f"{path}: 不是提取结果 JSON(缺少 plan)/ not an extraction JSON (no 'plan' key)")
        src = (data.get("source") or {}).get("path")
        content = Path(src).read_bytes() if src and Path(src).is_file() else None
    else:
        from planwatch.extract.bounded import extract_path_bounded, limits_from_env
        from planwatch.extract.document import ExtractError

        try:  # in a worker process within the time and memory limits (extract.bounded)
            data = extract_path_bounded(path, limits_from_env(timeout, max_memory))
        except (ExtractError, ValueError) as exc:
            raise RegisterError(str(exc)) from exc
        content = path.read_bytes()
    with transaction(open_register()) as s:
        r = import_plan(s, data, content=content, filename=path.name, region=region, period=period,
                        plan_id=plan_id, by=by, reason=reason)
    if r.created:
        click.echo(f"新规划 new plan {r.plan_id}: {r.title} [{r.region_code}] — {len(r.added)} 项指标 indicators")
        _series_links(r)
        return
    click.echo(f"规划 plan {r.plan_id}: {r.title} [{r.region_code}]")
    if r.is_noop:
        click.echo(f"  无变化 / no changes ({r.unchanged} 项指标 indicators unchanged)")
        return
    for name in r.added:
        click.echo(f"  + 新增 added:    {name}")
    for name in r.removed:
        click.echo(f"  - 删除 removed:  {name}(保留已报数据 / reported values kept)")
    for name in r.restored:
        click.echo(f"  ↺ 恢复 restored: {name}")
    for c in r.changed:
        diffs = "; ".join(f"{f}: {old!r} → {new!r}" for f, (old, new) in c.fields.items())
        click.echo(f"  ~ 修改 changed:  {c.name}: {diffs}")
    click.echo(f"  未变 unchanged: {r.unchanged}")
    _series_links(r)


def _series_links(r: Any) -> None:
    if r.matched:
        click.echo(f"  {len(r.matched)} 项指标对应到已有指标口径,数据序列共用(请在审核页确认或拆分)/ {len(r.matched)} "
                   "items matched onto existing metrics and share their series (confirm or split on the review page)")
    if r.predecessor_id or r.superior_plan_id:
        click.echo(f"  前序规划 previous plan: {r.predecessor_id or '—'} · 上位规划 superior plan: "
                   f"{r.superior_plan_id or '—'}")


@plan_group.command("link")
@click.argument("plan_ref")
@click.option("--predecessor", help="前序规划(同一地区、更早规划期)/ the previous plan (same region, earlier period)")
@click.option("--superior", help="上位规划(上级地区)/ the superior plan (a region above)")
@click.option("--user", "by", default=None, help="操作人 / who (for history)")
@friendly
def plan_link(plan_ref: str, predecessor: str | None, superior: str | None, by: str | None) -> None:
    """指定规划的前序规划和上位规划 / name a plan's previous and superior plan (found automatically at import
    when not given); each target then links to the superior plan's target on the same metric."""
    from planwatch.register.db import transaction
    from planwatch.register.metrics import link_plans
    from planwatch.register.queries import resolve_plan

    with transaction(open_register()) as s:
        plan = resolve_plan(s, plan_ref)
        link_plans(s, plan, predecessor=resolve_plan(s, predecessor) if predecessor else None,
                   superior=resolve_plan(s, superior) if superior else None, by=by)
        click.echo(f"规划 plan {plan.id}: 前序规划 previous {plan.predecessor_id or '—'} · "
                   f"上位规划 superior {plan.superior_plan_id or '—'}")


@click.command("plans")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@friendly
def plans_command(as_json: bool) -> None:
    """列出规划 / list the plans with id, region, period and indicator_count."""
    from planwatch.register.db import transaction
    from planwatch.register.queries import list_plans

    with transaction(open_register()) as s:
        plans = list_plans(s)
    if as_json:
        click.echo(json.dumps(plans, ensure_ascii=False, indent=2))
        return
    if not plans:
        click.echo("登记库中还没有规划 / no plans yet: planwatch plan import FILE 或 or planwatch demo")
    for p in plans:
        click.echo(f"{p['id']:>4}  {p['region']}({p['region_code']})  {p['period'][0]}–{p['period'][1]}  "
                   f"{p['indicator_count']:>4} 项指标  {p['title']}")


@click.group("regions")
def regions_group() -> None:
    """行政区划 / regions."""


@regions_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@friendly
def regions_import(path: Path) -> None:
    """导入区划 CSV(code,name,level,parent_code[,population_YYYY][,source_url])/ import regions."""
    from planwatch.register.db import transaction
    from planwatch.register.regions import import_regions_csv

    with transaction(open_register()) as s:
        r = import_regions_csv(s, path)
    click.echo(f"区划 regions: 新增 added {r.added}, 更新 updated {r.updated}, 未变 unchanged {r.unchanged}, "
               f"人口数据 population figures {r.populations}")


@click.group("dept")
def dept_group() -> None:
    """部门与责任分工 / departments and responsibilities."""


@dept_group.command("assign")
@click.argument("department")
@click.option("--plan", "plan_ref", required=True, help="规划编号或名称 / plan id or name")
@click.option("--indicator", "indicators", multiple=True,
              help="指标编号(p1-i2)或名称,可重复 / indicator id or name, repeatable")
@click.option("--task", "items", multiple=True,
              help="任务或项目编号(t3、pr2)或名称,可重复 / task or project id (t3, pr2) or text, repeatable")
@click.option("--project", "projects", multiple=True, help="同 --task / same as --task")
@click.option("--role", type=click.Choice(["lead", "co"]), default="lead", show_default=True,
              help="牵头(lead)或配合(co)/ lead or co-responsible")
@click.option("--region", help="地区(默认规划所在地区)/ region (default: the plan's)")
@click.option("--user", "by", default=None)
@friendly
def dept_assign(department: str, plan_ref: str, indicators: tuple[str, ...], items: tuple[str, ...],
                projects: tuple[str, ...], role: str, region: str | None, by: str | None) -> None:
    """指定部门负责指标、任务或项目 / make DEPARTMENT responsible for indicators, tasks or projects of a plan."""
    from planwatch.register.db import transaction
    from planwatch.register.editing import assign
    from planwatch.register.errors import Ambiguous, NotFound
    from planwatch.register.queries import indicator_by_ref, resolve_plan
    from planwatch.register.regions import resolve_region
    from planwatch.register.rules import normalize_name
    from planwatch.register.schema import Indicator

    if not (indicators or items or projects):
        raise click.UsageError("请给出 --indicator、--task 或 --project / give --indicator, --task or --project")
    with transaction(open_register()) as s:
        plan = resolve_plan(s, plan_ref)
        code = resolve_region(s, region).code if region else plan.region_code
        _assign_items(s, plan, department, (*items, *projects), role, by)
        for ref in indicators:
            try:
                ind = indicator_by_ref(s, ref)
            except NotFound:
                found = [i for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.active))
                         if normalize_name(ref) in normalize_name(i.name)]
                if len(found) != 1:
                    what = "找不到" if not found else "不唯一"
                    raise (NotFound if not found else Ambiguous)(
                        f"指标{what} / indicator {ref!r} " + ("not found" if not found else "is ambiguous: " +
                                                           ", ".join(f"{i.ref} {i.name}" for i in found))) from None
                ind = found[0]
            if ind.plan_id != plan.id:
                raise RegisterError(f"指标 {ind.ref} 不属于规划 {plan.id} / not in plan {plan.id}")
            assign(s, ind, department, code, role, by=by)
            click.echo(f"{department} → {ind.ref} {ind.name} ({'牵头 lead' if role == 'lead' else '配合 co'}, {code})")


def _assign_items(session: Any, plan: Any, department: str, refs: tuple[str, ...], role: str,
                  by: str | None) -> None:
    """Tasks and projects are answered for in the plan's own region (their progress is the plan's)."""
    from planwatch.register.progress import assign_item, item_name, item_ref, kind_of, resolve_item

    for ref in refs:
        item = resolve_item(session, plan, ref)
        assign_item(session, item, department, role, by=by)
        click.echo(f"{department} → {item_ref(kind_of(item), item.id)} {item_name(item)[:40]} "
                   f"({'牵头 lead' if role == 'lead' else '配合 co'})")


def cli_actor() -> str:
    """Who the audit log names for a command-line change: the operating-system account running it."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:100]
    except (OSError, KeyError):
        return "cli"


@click.group("user")
def user_group() -> None:
    """用户 / users and roles."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "planner", "reporter", "viewer"]), required=True)
@click.option("--dept", help="所属部门(填报员必填)/ department (required for reporters)")
@click.option("--region", help="部门所在地区 / the department's region")
@click.option("--name", "display_name", help="显示名称 / display name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="密码(省略则交互输入)/ password (prompted when omitted)")
@click.option("--exist-ok", is_flag=True,
              help="用户已存在时保持不变 / leave an existing user unchanged (for setup scripts)")
@click.option("--demo", is_flag=True,
              help="演示账号:允许公开的演示密码,首次登录须修改 / demo account: the published demo password is "
                   "allowed, and must be changed at first sign-in")
@friendly
def user_add(username: str, role: str, dept: str | None, region: str | None, display_name: str | None,
             password: str, exist_ok: bool, demo: bool) -> None:
    """添加用户(密码以 scrypt 散列保存)/ add a user; the password is stored as a scrypt hash.

    密码规则 / password policy: 至少10个字符,不含用户名,不是演示密码或常见密码 / at least 10 characters,
    not containing the user name, not the demo password or a common one."""
    from sqlalchemy import select

    from planwatch.register.db import transaction
    from planwatch.register.plans import ensure_department
    from planwatch.register.regions import resolve_region
    from planwatch.register.schema import User
    from planwatch.register.users import add_user

    with transaction(open_register()) as s:
        if exist_ok and s.scalars(select(User).where(User.username == username)).first() is not None:
            click.echo(f"用户已存在,未修改 / user exists, left unchanged: {username}")
            return
        department = None
        if dept:
            department = ensure_department(s, dept, resolve_region(s, region).code if region else None)
        user = add_user(s, username, password, role, department=department, display_name=display_name, demo=demo,
                        by=cli_actor())
    click.echo(f"用户已添加 / user added: {user.username} ({role}{', ' + dept if dept else ''})"
               + (";首次登录须修改密码 / must change the password at first sign-in" if demo else ""))


@user_group.command("passwd")
@click.argument("username")
@click.option("--password", prompt="新密码 new password", hide_input=True, confirmation_prompt=True,
              help="新密码(省略则交互输入)/ the new password (prompted when omitted)")
@click.option("--temporary", is_flag=True,
              help="临时密码:用户下次登录须修改 / a temporary password the user must change at next sign-in")
@friendly
def user_passwd(username: str, password: str, temporary: bool) -> None:
    """修改或重置密码;该用户的所有登录会话随即失效 / set a user's password; all of their sessions end."""
    from planwatch.register.db import transaction
    from planwatch.register.users import find_user, set_password

    with transaction(open_register()) as s:
        user = find_user(s, username)
        set_password(s, user, password, temporary=temporary, by=cli_actor())
    click.echo(f"密码已修改 / password changed: {username}"
               + (";下次登录须修改 / must be changed at next sign-in" if temporary else ""))


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@friendly
def user_list(as_json: bool) -> None:
    """列出用户 / list users with role, department and state."""
    from planwatch.register.db import transaction
    from planwatch.register.users import list_users

    with transaction(open_register()) as s:
        users = list_users(s)
    if as_json:
        click.echo(json.dumps(users, ensure_ascii=False, indent=2))
        return
    if not users:
        click.echo("还没有用户 / no users yet: planwatch user add NAME --role ROLE")
    for u in users:
        state = "启用 active" if u["active"] else "停用 disabled"
        flag = "  须改密码 must change password" if u["must_change_password"] else ""
        click.echo(f"{u['username']:<20} {u['role']:<9} {state:<12} {u['department'] or '-'}  "
                   f"{u['display_name'] or ''}{flag}")


def _set_active(username: str, active: bool) -> None:
    from planwatch.register.db import transaction
    from planwatch.register.users import find_user, set_active

    with transaction(open_register()) as s:
        set_active(s, find_user(s, username), active, by=cli_actor())


@user_group.command("disable")
@click.argument("username")
@friendly
def user_disable(username: str) -> None:
    """停用用户;其登录会话立即失效 / disable a user; their sessions end at once."""
    _set_active(username, False)
    click.echo(f"用户已停用 / user disabled: {username}")


@user_group.command("enable")
@click.argument("username")
@friendly
def user_enable(username: str) -> None:
    """重新启用用户 / enable a disabled user again."""
    _set_active(username, True)
    click.echo(f"用户已启用 / user enabled: {username}")


@user_group.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(["admin", "planner", "reporter", "viewer"]))
@click.option("--dept", help="所属部门(改为填报员时必填)/ department (required when becoming a reporter)")
@click.option("--region", help="部门所在地区 / the department's region")
@friendly
def user_role(username: str, role: str, dept: str | None, region: str | None) -> None:
    """修改用户角色;其登录会话立即失效 / change a user's role; their sessions end at once."""
    from planwatch.register.db import transaction
    from planwatch.register.plans import ensure_department
    from planwatch.register.regions import resolve_region
    from planwatch.register.users import find_user, set_role

    with transaction(open_register()) as s:
        user = find_user(s, username)
        department = ensure_department(s, dept, resolve_region(s, region).code if region else None) if dept else None
        set_role(s, user, role, department, by=cli_actor())
    click.echo(f"角色已修改 / role changed: {username} → {role}")


@click.command("demo")
@click.option("--simulate", is_flag=True, help="另加模拟数据(标记为 simulated)/ also add simulated values, flagged")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="数据目录(默认项目 data/)/ data directory (default: the project's data/)")
@friendly
def demo_command(simulate: bool, data_dir: Path | None) -> None:
    """用示例规划和真实公开数据建立登记库 / build the demo register from the seed plans and real figures."""
    from planwatch.register.demo import run_demo

    s = run_demo(open_register(), data_dir, simulate=simulate, log=click.echo)
    for e in s.errors:
        click.echo(f"警告 warning: {e}", err=True)
    click.echo(
        f"完成 done: 规划 plans {s.plans}, 指标 indicators {s.indicators}, 地区 regions {s.regions}, "
        f"数据 observations {s.observations}(其中模拟 simulated {s.simulated}), "
        f"公开数据 reference facts {s.reference_facts}(匹配 matched {len(s.matched)})"
    )
