"""The attacks of issue 10 on the readers: each answers within the limits or is refused clearly.

Behaviour only (what is read, what is refused and how it is said); the time and memory each
attack takes are printed by bench/hostile.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hostile
import pytest

from planwatch.extract.bounded import Limits, extract_bounded, limits_from_env
from planwatch.extract.document import ExtractError
from planwatch.extract.formats import bounds
from planwatch.extract.readers import read_document

ROOT = Path(__file__).resolve().parents[2]


def refusal(path: Path) -> str:
    with pytest.raises(ExtractError) as err:
        read_document(path)
    assert err.value.path == str(path)
    return err.value.reason


def test_a_3kb_page_of_span_bombs_reads_with_spans_clamped_to_the_table(tmp_path: Path) -> None:
    path = hostile.span_bomb_html(tmp_path / "bomb3k.html", 3_000)
    assert path.stat().st_size <= 3_000
    rows = [ln.split("\t") for ln in read_document(path).text.split("\n") if "\t" in ln]
    n_rows = path.read_text(encoding="utf-8").count("<tr>")
    assert len(rows) == n_rows  # a rowspan never runs past the table's last row
    assert all(len(r) <= bounds.MAX_TABLE_CELLS // n_rows for r in rows)
    assert {cell for r in rows for cell in r} <= {"托位", ""}


def test_a_12_7kb_page_of_span_bombs_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = hostile.span_bomb_html(tmp_path / "bomb12k.html", 12_700)
    reason = refusal(path)
    assert "processing limit" in reason and f"{bounds.MAX_TABLE_CELLS:,} cells" in reason
    assert "超过" in reason  # Chinese first


def test_docx_grid_span_65535_reads_clamped_to_the_declared_grid(tmp_path: Path) -> None:
    path = hostile.grid_span_bomb_docx(tmp_path / "span.docx", span=65535, rows=40, cols=6)
    rows = [ln.split("\t") for ln in read_document(path).text.split("\n") if "\t" in ln]
    assert len(rows) == 40
    # the first cell of a row takes the whole clamped width, the rest one column each
    assert all(len(r) <= 2 * 6 * 6 for r in rows)
    assert rows[0][0] == "托位0-0" and rows[0][-1] == "托位0-5"


def test_a_cell_merged_down_2000_rows_reads_in_one_pass(tmp_path: Path) -> None:
    path = hostile.vmerge_tower_docx(tmp_path / "tower.docx", rows=2000)
    rows = [ln.split("\t") for ln in read_document(path).text.split("\n") if "\t" in ln]
    assert len(rows) == 2000
    assert {r[0] for r in rows} == {"托位0-0"}  # the merged cell repeats down its column
    assert rows[-1][1] == "托位1999-1"


def test_a_docx_zip_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    path = hostile.zip_bomb_docx(tmp_path / "bomb.docx", megabytes=300)
    reason = refusal(path)
    assert "inflates to 300 MB" in reason


def test_a_docx_member_with_an_absurd_ratio_is_refused(tmp_path: Path) -> None:
    path = hostile.zip_bomb_docx(tmp_path / "ratio.docx", megabytes=40)
    reason = refusal(path)
    assert "word/document.xml" in reason and "zip bomb" in reason


def test_a_docx_with_too_many_members_is_refused(tmp_path: Path) -> None:
    path = hostile.many_members_docx(tmp_path / "members.docx", members=bounds.ZIP_MAX_MEMBERS + 10)
    assert f"over {bounds.ZIP_MAX_MEMBERS:,}" in refusal(path)


def test_a_line_repeating_a_target_phrase_8000_times_is_extracted_within_the_default_limits(tmp_path: Path) -> None:
    path = hostile.long_line_txt(tmp_path / "long.txt", 8000)
    result, _ = extract_bounded(path, limits_from_env())
    prose = [i for i in result["indicators"] if i["source"] == "prose"]
    assert len(prose) == 8000
    assert {i["target"]["raw"] for i in prose} == {"4.5个"}
    assert {i["target"]["year"] for i in prose} == {2025}


def test_a_document_past_the_time_limit_is_stopped_with_a_message_naming_file_and_limit(tmp_path: Path) -> None:
    path = hostile.long_line_txt(tmp_path / "slow.txt", 200_000)
    with pytest.raises(ExtractError) as err:
        extract_bounded(path, Limits(timeout=0.5, max_memory_mb=0))
    assert str(path) in str(err.value)
    assert "time limit of 0.5 s" in err.value.reason and "时间上限" in err.value.reason


def test_a_document_past_the_memory_limit_is_stopped_with_a_message_naming_the_limit(tmp_path: Path) -> None:
    path = hostile.long_line_txt(tmp_path / "big.txt", 20_000)
    with pytest.raises(ExtractError) as err:
        extract_bounded(path, Limits(timeout=60, max_memory_mb=16))
    assert str(path) in str(err.value)
    assert "memory limit of 16 MB" in err.value.reason


def test_a_bad_limit_in_the_environment_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWATCH_EXTRACT_TIMEOUT", "ten")
    with pytest.raises(ValueError, match="PLANWATCH_EXTRACT_TIMEOUT"):
        limits_from_env()
    monkeypatch.setenv("PLANWATCH_EXTRACT_TIMEOUT", "12.5")
    monkeypatch.setenv("PLANWATCH_EXTRACT_MAX_MEMORY_MB", "512")
    assert limits_from_env() == Limits(timeout=12.5, max_memory_mb=512)
    assert limits_from_env(3, 0) == Limits(timeout=3, max_memory_mb=0)


def test_extract_cli_timeout_reports_the_slow_file_and_keeps_the_others(tmp_path: Path) -> None:
    slow = hostile.long_line_txt(tmp_path / "slow.txt", 200_000)
    seed = ROOT / "tests" / "fixtures" / "corpus" / "c16_zone_social_services_15th.txt"
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "planwatch.cli", "extract", str(slow), str(seed), "--timeout", "1",
                          "--max-memory", "1024", "--out", str(out), "--no-progress"],
                         capture_output=True, text=True, cwd=ROOT, env={**_env(), "PYTHONPATH": str(ROOT / "src")})
    assert res.returncode == 1
    assert f"{slow}: 提取超过时间上限 1 秒" in res.stderr and "time limit of 1 s" in res.stderr
    assert (out / f"{seed.stem}.json").is_file() and not (out / "slow.json").exists()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("PLANWATCH_EXTRACT")}
