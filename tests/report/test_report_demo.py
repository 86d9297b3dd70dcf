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


def report(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["report", *args], catch_exceptions=False)
    return res.exit_code, res.output


def test_format_from_suffix_and_midterm_defaults_to_the_middle_year(register: dict[str, str], tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in register.items():
        monkeypatch.setenv(k, v)
    out = tmp_path / "mid.html"
    code, text = report("全国", "--kind", "midterm", "--out", str(out))
    assert code == 0, text
    assert "data year 2023" in text
    html = out.read_text(encoding="utf-8")
    assert "实施中期评估报告" in html and "<table" in html and "data:image/png;base64," in html


def test_section_titles_and_issuer_come_from_a_config_file(register: dict[str, str], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in register.items():
        monkeypatch.setenv(k, v)
    cfg = tmp_path / "titles.json"
    cfg.write_text('{"titles": {"overview": "规划实施总体进展"}, "issuer": "示例发展改革委"}', encoding="utf-8")
    out = tmp_path / "annual.html"
    code, text = report("6", "--kind", "annual", "--year", "2024", "--config", str(cfg), "--out", str(out))
    assert code == 0, text
    html = out.read_text(encoding="utf-8")
    assert "一、规划实施总体进展" in html and "示例发展改革委" in html and "2024年度实施情况监测报告" in html


def test_bad_requests_fail_with_a_message_not_a_traceback(register: dict[str, str], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in register.items():
        monkeypatch.setenv(k, v)
    code, text = report("没有这个规划", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and "找不到规划" in text
    code, text = report("6", "--out", str(tmp_path / "x.txt"))
    assert code == 2 and "--format" in text
    bad = tmp_path / "bad.json"
    bad.write_text('{"sections": ["overview", "nope"]}', encoding="utf-8")
    code, text = report("6", "--config", str(bad), "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "nope" in text


def test_simulated_values_appear_only_labelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'sim.sqlite3'}")
    monkeypatch.setenv("PLANWATCH_HOME", str(tmp_path))
    res = CliRunner().invoke(main, ["demo", "--simulate"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = tmp_path / "sim.html"
    code, text = report("苍溪", "--kind", "annual", "--year", "2024", "--out", str(out))
    assert code == 0, text
    html = out.read_text(encoding="utf-8")
    assert "报告中均标注“模拟数据”" in html  # the overview says so up front
    assert html.count("[模拟数据]") >= 5  # and each simulated figure says so where it is printed
