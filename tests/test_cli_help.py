"""`planwatch --help` lists commands from cli.SHORT_HELP without importing them; each entry must
still say what the command's own help says."""

from __future__ import annotations

import importlib
import subprocess
import sys

from click.testing import CliRunner

from planwatch import cli


def _docstring_words(target: str) -> str:
    module, attr = target.split(":")
    command = getattr(importlib.import_module(module), attr)
    return "".join((command.help or "").split())


def test_every_command_has_a_short_help_taken_from_its_docstring() -> None:
    assert set(cli.SHORT_HELP) == set(cli.SUBCOMMANDS)
    for name, target in cli.SUBCOMMANDS.items():
        assert _docstring_words(target).startswith("".join(cli.SHORT_HELP[name].split())), name


def test_help_lists_every_command() -> None:
    out = CliRunner().invoke(cli.main, ["--help"]).output
    for name in cli.SUBCOMMANDS:
        assert f"  {name} " in out


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from planwatch import cli;"
        "CliRunner().invoke(cli.main, ['--help']);"
        "heavy = [m for m in sys.modules if m.startswith(('sqlalchemy', 'fastapi', 'planwatch.register',"
        " 'planwatch.web', 'planwatch.extract', 'numpy'))];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
