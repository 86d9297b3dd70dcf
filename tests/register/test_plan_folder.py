"""`planwatch plan import DIR`: a folder of plans, extracted in parallel, written by one writer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from planwatch.cli import main
from planwatch.register import migrate
from planwatch.register.db import make_engine, transaction
from planwatch.register.regions import import_regions_csv
from planwatch.register.schema import Indicator, Plan

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "register" / "fixtures" / "cangxi_v1.json"
SEED = ROOT / "data" / "seeds" / "000_258072fe256add91.txt"


def test_a_folder_is_imported_in_name_order_and_a_bad_file_is_named_without_undoing_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
    folder = tmp_path / "plans"
    folder.mkdir()
    data = json.loads(PLAN.read_text(encoding="utf-8"))
    (folder / "01-cangxi.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shutil.copy(SEED, folder / "02-seed.txt")  # a document: extracted in a bounded worker process
    (folder / "03-broken.json").write_text("{not json", encoding="utf-8")
    (folder / "notes.xyz").write_text("ignored", encoding="utf-8")
    monkeypatch.setenv("PLANWATCH_DATABASE_URL", url)

    out = CliRunner().invoke(main, ["plan", "import", str(folder)])

    assert out.exit_code == 1, out.output
    assert "3 份文件 files" in out.output and "新规划 new 2" in out.output and "失败 failed 1" in out.output
    assert "03-broken.json" in out.output and "not valid JSON" in out.output
    with transaction(engine) as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == 2
        assert s.scalar(select(func.count()).select_from(Indicator)) > len(data["indicators"])
    again = CliRunner().invoke(main, ["plan", "import", str(folder)])  # idempotent: the same plans, unchanged
    assert "新规划 new 0" in again.output and "修订 revised 0" in again.output
    engine.dispose()


def test_a_folder_refuses_options_that_name_one_plan_and_an_empty_folder(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    (tmp_path / "empty").mkdir()
    out = CliRunner().invoke(main, ["plan", "import", str(tmp_path / "empty")])
    assert out.exit_code == 1 and "no plan files" in out.output
    out = CliRunner().invoke(main, ["plan", "import", str(tmp_path / "empty"), "--plan", "3"])
    assert out.exit_code == 1 and "not with a folder" in out.output
