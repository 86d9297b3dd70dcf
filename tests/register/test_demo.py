"""`planwatch demo` and the register commands, end to end."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from planwatch.cli import main
from planwatch.register.db import transaction
from planwatch.register.demo import SIMULATED_NOTE, run_demo
from planwatch.register.queries import evaluation_input
from planwatch.register.schema import Base

ROOT = Path(__file__).resolve().parents[2]
SKIP = {"created_at", "updated_at", "imported_at", "reported_at", "changed_at"}


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with transaction(engine) as s:
        for name, table in Base.metadata.tables.items():
            cols = [c for c in table.c if c.name not in SKIP]
            out[name] = sorted(map(tuple, s.execute(select(*cols)).all()), key=repr)
    return out


def test_demo_twice_leaves_the_same_register_and_evaluates_real_national_series(engine: Engine) -> None:
    quiet: list[str] = []
    first = run_demo(engine, ROOT / "data", log=quiet.append)
    assert first.errors == []
    assert first.plans == 6 and first.regions == 451 and first.simulated == 0
    state = dump(engine)
    run_demo(engine, ROOT / "data", log=quiet.append)
    assert dump(engine) == state

    with transaction(engine) as s:
        ev = evaluation_input(s, "“十四五”公共服务规划")
    assert ev.plan.region_code == "100000"
    names = {i.id: i.name for i in ev.indicators}
    series = {(names[o.indicator_id], o.year): o for o in ev.observations}
    life = series[("人均预期寿命", 2024)]
    assert life.value == 79.0 and not life.simulated and "79.0岁" in (life.source or "")
    assert series[("每千人口拥有执业(助理)医师数", 2023)].value == 3.4
    assert next(i for i in ev.indicators if i.name == "人均预期寿命").target.value == 78.3


def test_simulated_values_exist_only_on_request_and_are_flagged(engine: Engine) -> None:
    summary = run_demo(engine, ROOT / "data", simulate=True, log=lambda _: None)
    assert summary.simulated > 0
    with transaction(engine) as s:
        ev = evaluation_input(s, "苍溪")
    simulated = [o for o in ev.observations if o.simulated]
    assert simulated and all(o.source == SIMULATED_NOTE for o in simulated)
    # Real figures are never replaced by simulated ones.
    assert {(o.indicator_id, o.year) for o in simulated}.isdisjoint(
        {(o.indicator_id, o.year) for o in ev.observations if not o.simulated})


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PLANWATCH_HOME", str(tmp_path))
    monkeypatch.delenv("PLANWATCH_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_cli_init_import_revise_and_list(cli: CliRunner, tmp_path: Path) -> None:
    r = cli.invoke(main, ["init"])
    assert r.exit_code == 0 and (tmp_path / "var" / "planwatch.sqlite3").exists()
    assert cli.invoke(main, ["regions", "import", str(ROOT / "data" / "reference" / "regions.csv")]).exit_code == 0
    v1 = ROOT / "tests" / "register" / "fixtures" / "cangxi_v1.json"
    r = cli.invoke(main, ["plan", "import", str(v1)])
    assert r.exit_code == 0 and "12 项指标" in r.output

    doc = json.loads(v1.read_text(encoding="utf-8"))
    v2 = copy.deepcopy(doc)
    v2["indicators"] = v2["indicators"][1:]
    v2["indicators"][0]["target"]["raw"] = "100%"
    (tmp_path / "v2.json").write_text(json.dumps(v2, ensure_ascii=False), encoding="utf-8")
    r = cli.invoke(main, ["plan", "import", str(tmp_path / "v2.json"), "--reason", "征求意见后修订"])
    assert r.exit_code == 0, r.output
    assert "- 删除 removed:  每千人口3岁以下婴幼儿托位数" in r.output
    assert "~ 修改 changed:  孤儿和事实无人抚养儿童保障覆盖率: target_raw: '应保尽保' → '100%'" in r.output

    plans = json.loads(cli.invoke(main, ["plans", "--json"]).output)
    assert [(p["id"], p["region"], p["period"], p["indicator_count"]) for p in plans] == [
        (1, "苍溪县", [2021, 2025], 11)]

    r = cli.invoke(main, ["dept", "assign", "县教育局", "--plan", "1", "--indicator", "学前教育毛入园率"])
    assert r.exit_code == 0 and "牵头 lead" in r.output
    r = cli.invoke(main, ["user", "add", "jy", "--role", "reporter", "--dept", "县教育局", "--region", "510824",
                          "--password", "s3cret-pass"])
    assert r.exit_code == 0, r.output
    r = cli.invoke(main, ["data", "template", "--plan", "1", "--year", "2022", "--dept", "县教育局"])
    assert r.exit_code == 0 and r.output.strip().endswith("plan1_2022_县教育局.xlsx")
    r = cli.invoke(main, ["plan", "import", str(tmp_path / "nope.json")])
    assert r.exit_code != 0


def test_cli_refused_import_says_why_in_both_languages(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("指标编号,地区代码,年份,本年值\np1-i1,510824,2022,abc\n", encoding="utf-8")
    r = cli.invoke(main, ["data", "import", str(bad)])
    assert r.exit_code == 1
    assert "未知指标编号 p1-i1 / unknown indicator p1-i1" in r.output
    assert "第2行 row 2" in r.output
