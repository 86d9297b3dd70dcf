"""`planwatch data`: reporting templates, import and export."""

from __future__ import annotations

from pathlib import Path

import click

from planwatch.register.cli import friendly, open_register


@click.group("data")
def data_group() -> None:
    """数据填报、导入与导出 / reporting forms, data import and export."""


@data_group.command("template")
@click.option("--plan", "plan_ref", required=True, help="规划编号或名称 / plan id or name")
@click.option("--year", type=int, help="填报年度(默认上一年)/ reporting year (default: last year)")
@click.option("--dept", help="只生成该部门的表 / only this department's form")
@click.option("--subregions", is_flag=True, help="同时列出下级地区 / also rows for the sub-regions")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out/templates"),
              show_default=True)
@friendly
def data_template(plan_ref: str, year: int | None, dept: str | None, subregions: bool, out_dir: Path) -> None:
    """生成各部门的 .xlsx 填报表 / write an .xlsx reporting form per department."""
    from planwatch.exchange.template import write_templates
    from planwatch.register.db import transaction

    with transaction(open_register()) as s:
        paths = write_templates(s, plan_ref, out_dir, year=year, department=dept, subregions=subregions)
    for p in paths:
        click.echo(str(p))


@data_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--accept-valid", is_flag=True,
              help="只导入合格的行,其余报告 / write the valid rows, report the others (default: all or nothing)")
@click.option("--status", type=click.Choice(["draft", "submitted", "approved"]), default="submitted",
              show_default=True)
@click.option("--user", "username", help="填报人用户名 / reporting user")
@click.option("--bulk", is_flag=True,
              help="大文件:分块流式读取 .csv(可达数千万行),带进度条 / a large .csv read in chunks (tens of "
                   "millions of rows), with a progress bar")
@click.option("--exclusive", is_flag=True,
              help="仅与 --bulk 合用,首次装载或维护时段:导入期间独占数据表(网页暂不能读取数据),外键在末尾一次校验,"
                   "PostgreSQL 上更快 / with --bulk, for a first load or a maintenance window: the values table is "
                   "locked against readers for the load and its foreign keys are checked once at the end "
                   "(faster on PostgreSQL)")
@friendly
def data_import(path: Path, accept_valid: bool, status: str, username: str | None, bulk: bool,
                exclusive: bool) -> None:
    """导入填报数据(.xlsx 或 .csv),先整体检查 / import values after checking the whole file."""
    from sqlalchemy import select

    from planwatch.exchange.importer import import_csv_bulk, import_file
    from planwatch.register.db import transaction
    from planwatch.register.errors import NotFound
    from planwatch.register.schema import User

    with transaction(open_register()) as s:
        reporter_id = None
        if username:
            user = s.scalars(select(User).where(User.username == username)).first()
            if user is None:
                raise NotFound(f"未知用户 / unknown user {username}")
            reporter_id = user.id
        if bulk:
            import sys

            from tqdm import tqdm

            with tqdm(desc="导入 import", unit="行 rows", unit_scale=True, file=sys.stderr,
                      disable=not sys.stderr.isatty()) as bar:
                report = import_csv_bulk(s, path, accept_valid=accept_valid, status=status, reporter=username,
                                         reporter_id=reporter_id, on_rows=bar.update, exclusive=exclusive)
        else:
            report = import_file(s, path, accept_valid=accept_valid, status=status, reporter=username,
                                 reporter_id=reporter_id)
    for p in report.problems:
        click.echo(f"跳过 skipped: {p}", err=True)
    click.echo(f"{path}: 新增 inserted {report.inserted}, 更新 updated {report.updated}, 未变 unchanged "
               f"{report.unchanged}, 空行 empty {report.empty}, 拒绝 rejected rows {report.rejected_rows}")


@data_group.command("export")
@click.option("--plan", "plan_ref", help="规划编号或名称(默认全部)/ plan id or name (default: all)")
@click.option("--year", type=int)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="输出文件 .csv 或 .xlsx / output file")
@click.option("--include-pending", is_flag=True,
              help="含待审核、草稿和退回的数据(供内部核对)/ also export values not yet approved (staff checks)")
@friendly
def data_export(plan_ref: str | None, year: int | None, out_path: Path, include_pending: bool) -> None:
    """导出数据 / export values (with status and the simulated flag); approved values only unless
    --include-pending."""
    from planwatch.exchange.export import export_rows, write_export
    from planwatch.register.db import transaction
    from planwatch.register.finality import ALL_STATUSES

    with transaction(open_register()) as s:
        rows = export_rows(s, plan_ref, year, ALL_STATUSES if include_pending else None)
    write_export(rows, out_path)
    click.echo(f"{out_path}: {len(rows)} 行 rows")
