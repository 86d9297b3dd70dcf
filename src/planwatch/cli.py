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
    "metric": "planwatch.register.cli:metric_group",
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


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

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
