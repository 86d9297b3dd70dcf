"""`planwatch backup OUT` and `planwatch restore IN`: the register and its files in one archive."""

from __future__ import annotations

from pathlib import Path

import click

from planwatch.register.cli import friendly, open_register


def _files_option(fn):  # type: ignore[no-untyped-def]
    return click.option("--files", "files_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="上传文件目录(默认 PLANWATCH_FILES 或 var/files)/ uploaded files directory")(fn)


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@_files_option
@friendly
def backup_command(out: Path, files_dir: Path | None) -> None:
    """备份登记库与上传文件(服务运行中亦可)/ back up the register and its files (safe while serving)."""
    from planwatch.register.backup import backup
    from planwatch.register.db import files_root

    s = backup(open_register(), out, files_root(files_dir))
    click.echo(f"已备份 backed up: {s.archive} — {s.backend}, 版本 revision {s.revision}, "
               f"{s.rows} 行 rows in {len(s.tables)} 张表 tables, {s.files} 个文件 files")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_files_option
@click.option("--force", is_flag=True, help="覆盖已有数据的登记库 / replace a register that already holds data")
@friendly
def restore_command(archive: Path, files_dir: Path | None, force: bool) -> None:
    """从备份恢复并校验 / restore a backup and verify it."""
    from planwatch.register.backup import restore
    from planwatch.register.db import files_root, make_engine

    s = restore(make_engine(), archive, files_root(files_dir), force=force)
    click.echo(f"已恢复并校验 restored and verified: {s.rows} 行 rows in {len(s.tables)} 张表 tables, "
               f"{s.files} 个文件 files, 校验和一致 checksums match")
