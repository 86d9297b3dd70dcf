"""The web reads and writes through register functions: no module under planwatch.web imports the
register's schema (its tables and models) or builds SQL itself with SQLAlchemy's select/insert/update/delete."""

from __future__ import annotations

import ast
from pathlib import Path

import planwatch.web

WEB = Path(planwatch.web.__file__).parent
SCHEMA = {"planwatch.register.schema"}
SQL_BUILDERS = {"select", "insert", "update", "delete", "text", "func"}


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in SCHEMA or alias.name == "sqlalchemy":
                    found.append(f"{where} import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {a.name for a in node.names}
            if module in SCHEMA or (module == "planwatch.register" and "schema" in names):
                found.append(f"{where} imports the register schema")
            if module in ("planwatch.register.db", "planwatch.register.schema") and names - {
                    "make_engine", "session_factory", "transaction", "files_root", "database_url"}:
                found.append(f"{where} imports {sorted(names)} from {module}")
            if module.startswith("sqlalchemy") and names & SQL_BUILDERS:
                found.append(f"{where} imports {sorted(names & SQL_BUILDERS)} from {module}")
        elif isinstance(node, ast.Attribute) and node.attr in ("select", "scalars") and isinstance(
                node.value, ast.Name) and node.value.id in ("sa", "sqlalchemy", "session", "s"):
            found.append(f"{where} {node.value.id}.{node.attr}(…)")
    return found


def test_the_web_package_imports_no_schema_and_builds_no_sql() -> None:
    modules = sorted(WEB.rglob("*.py"))
    assert len(modules) > 10
    problems = [o for m in modules for o in offences(m)]
    assert problems == [], "\n".join(problems)


def test_the_check_catches_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "probe.py"
    bad.write_text("from planwatch.register import schema as db\nfrom sqlalchemy import select\n"
                   "def f(session):\n    return session.scalars(select(db.Plan))\n", encoding="utf-8")
    found = offences(bad)
    assert len(found) == 3, found
