"""End to end: `planwatch demo` into a fresh SQLite register, then the final 2025
report of every demo plan as .docx and .pdf through `planwatch report`."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from docx import Document as open_docx

from planwatch.cli import main

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "report"
DEMO_PLANS = 6  # five seed plans and the national plan
MISSING_GLYPHS = re.compile(r"[□\ufffd]|\(cid:\d+\)")

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
                                reason="needs poppler-utils (pdftotext, pdftoppm)")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("demo-register")
    env = {"PLANWATCH_DATABASE_URL": f"sqlite:///{home / 'register.sqlite3'}", "PLANWATCH_HOME": str(home)}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        res = CliRunner().invoke(main, ["demo"], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        yield env


def indicator_names(plan_id: int) -> list[str]:
    from planwatch.register.cli import open_register
    from planwatch.register.db import session_factory
    from planwatch.register.queries import evaluation_input

    engine = open_register()
    try:
        with session_factory(engine)() as s:
            return [i.name for i in evaluation_input(s, plan_id).indicators]
    finally:
        engine.dispose()


def table_names(pdf: Path) -> list[str]:
    names: list[str] = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.extract_tables():
                head = [squash(c or "") for c in table[0]]
                if head[:2] == ["序号", "指标名称"] and "时序进度" in head:
                    names += [squash(r[1] or "") for r in table[1:] if (r[0] or "").strip().isdigit()]
    return names


@pytest.mark.parametrize("plan_id", range(1, DEMO_PLANS + 1))
def test_final_report_of_each_demo_plan_renders_as_docx_and_pdf(register: dict[str, str], plan_id: int,
                                                                 tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in register.items():
        monkeypatch.setenv(k, v)
    names = indicator_names(plan_id)
    assert names
    runner = CliRunner()
    for form in ("pdf", "docx"):
        out = tmp_path / f"plan{plan_id}-final-2025.{form}"
        res = runner.invoke(main, ["report", str(plan_id), "--kind", "final", "--year", "2025", "--out", str(out)],
                            catch_exceptions=False)
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 10_000

    pdf = tmp_path / f"plan{plan_id}-final-2025.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "总结评估报告" in text and "主要指标完成情况" in text
    assert not MISSING_GLYPHS.findall(text)
    # Every indicator exactly once (the table groups them by domain, so compare as multisets).
    assert sorted(table_names(pdf)) == sorted(squash(n) for n in names)

    docx = open_docx(str(tmp_path / f"plan{plan_id}-final-2025.docx"))
    in_tables = {squash(c.text) for t in docx.tables for r in t.rows for c in r.cells[1:2]}
    assert {squash(n) for n in names} <= in_tables

    target = ARTIFACTS / f"demo-plan{plan_id}-final-2025"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(target / "page")], check=True)
    assert any(target.glob("page-*.png"))
