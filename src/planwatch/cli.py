"""The `planwatch` command. Subcommands live beside the code they drive and are
imported only when called, so `planwatch extract` starts fast."""

from __future__ import annotations

import importlib

import click

# name → "module:attribute" of a click command; each package owns its commands.
SUBCOMMANDS: dict[str, str] = {
    "extract": "planwatch.extract.cli:extract_command",
    "audit": "planwatch.audit.cli:audit_command",
    "init": "planwatch.register.cli:init_command",
    "plan": "planwatch.register.cli:plan_group",
    "plans": "planwatch.register.cli:plans_command",
    "regions": "planwatch.register.cli:regions_group",
    "dept": "planwatch.register.cli:dept_group",
    "task": "planwatch.register.cli_progress:task_group",
    "tasks": "planwatch.register.cli_progress:tasks_command",
    "user": "planwatch.register.cli:user_group",
    "demo": "planwatch.register.cli:demo_command",
    "data": "planwatch.exchange.cli:data_group",
    "evaluate": "planwatch.evaluate.cli:evaluate_command",
    "serve": "planwatch.web.cli:serve_command",
    "report": "planwatch.report.cli:report_command",
    "backup": "planwatch.register.cli_backup:backup_command",
    "restore": "planwatch.register.cli_backup:restore_command",
}

# name → the first line of its help (tests/test_cli_help.py checks each against the command's own
# docstring, so the two cannot drift).
SHORT_HELP: dict[str, str] = {
    "audit": "审核规划文本(印发前)/ audit a plan before it is issued",
    "backup": "备份登记库与上传文件(服务运行中亦可)/ back up the register and its files",
    "data": "数据填报、导入与导出 / reporting forms, data import and export",
    "demo": "用示例规划和真实公开数据建立登记库 / build the demo register",
    "dept": "部门与责任分工 / departments and responsibilities",
    "evaluate": "评估规划实施进度 / Evaluate a plan",
    "extract": "从规划文本抽取指标与承诺 / Extract indicators and commitments",
    "init": "创建或升级登记库 / create or upgrade the register database",
    "plan": "规划 / plans in the register",
    "plans": "列出规划 / list the plans",
    "regions": "行政区划 / regions",
    "report": "Draft the annual, mid-term or final evaluation report of PLAN",
    "restore": "从备份恢复并校验 / restore a backup and verify it",
    "serve": "Serve the web console, the public portal and the JSON API",
    "task": "重点任务和项目进展 / progress of tasks and projects",
    "tasks": "列出规划的重点任务和项目及最新进展 / list a plan's tasks and projects",
    "user": "用户 / users and roles",
}


def formatter_width() -> int:
    return 60


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # `planwatch --help` lists the commands from SHORT_HELP without importing them: importing
        # every command would load the web and database stacks (~1 s) to print a list.
        rows = [(name, SHORT_HELP.get(name) or self._imported_help(ctx, name)) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _imported_help(self, ctx: click.Context, name: str) -> str:
        cmd = self.get_command(ctx, name)
        return cmd.get_short_help_str(limit=formatter_width()) if cmd else ""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="planwatch")
def main() -> None:
    """planwatch: 公共服务规划监测评估 / public-service plan register, monitor and evaluator."""


if __name__ == "__main__":
    main()
