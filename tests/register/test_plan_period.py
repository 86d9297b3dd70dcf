"""A plan whose document states no period is refused until the period is given (no silent 2021–2025)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planwatch.cli import main
from planwatch.register.errors import InputError
from planwatch.register.plans import parse_period

ROOT = Path(__file__).resolve().parents[2]
V1 = ROOT / "tests" / "register" / "fixtures" / "cangxi_v1.json"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PLANWATCH_HOME", str(tmp_path))
    monkeypatch.delenv("PLANWATCH_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    assert runner.invoke(main, ["regions", "import", str(ROOT / "data" / "reference" / "regions.csv")]).exit_code == 0
    return runner


def test_parse_period_forms_and_errors() -> None:
    assert parse_period("2026-2030") == (2026, 2030)
    assert parse_period("2026—2030年") == (2026, 2030)
    assert parse_period("２０２６至２０３０") == (2026, 2030)
    for bad in ("2030-2026", "2026", "二〇二六-二〇三〇", "2026-2060"):
        with pytest.raises(InputError, match="2026-2030"):
            parse_period(bad)


def test_import_without_period_asks_for_it_then_takes_the_option(cli: CliRunner, tmp_path: Path) -> None:
    doc = json.loads(V1.read_text(encoding="utf-8"))
    unknown = copy.deepcopy(doc)
    unknown["plan"]["period"] = None
    for item in unknown["indicators"]:
        if item.get("source") == "prose":
            item["target"]["year"] = None
    path = tmp_path / "no_period.json"
    path.write_text(json.dumps(unknown, ensure_ascii=False), encoding="utf-8")

    r = cli.invoke(main, ["plan", "import", str(path)])
    assert r.exit_code == 1 and "--period" in r.output and "规划期" in r.output

    r = cli.invoke(main, ["plan", "import", str(path), "--period", "2026-2030"])
    assert r.exit_code == 0, r.output
    listed = json.loads(cli.invoke(main, ["plans", "--json"]).output)
    assert [p["period"] for p in listed] == [[2026, 2030]]

    r = cli.invoke(main, ["plan", "import", str(path), "--period", "2030"])
    assert r.exit_code == 1 and "2026-2030" in r.output


def test_region_code_settles_a_shared_name(cli: CliRunner, tmp_path: Path) -> None:
    regions = tmp_path / "gulou.csv"
    regions.write_text("code,name,level,parent_code\n320100,南京市,city,\n320106,鼓楼区,district,320100\n"
                       "350100,福州市,city,\n350102,鼓楼区,district,350100\n", encoding="utf-8")
    assert cli.invoke(main, ["regions", "import", str(regions)]).exit_code == 0
    doc = json.loads(V1.read_text(encoding="utf-8"))
    doc["plan"].update(title="福州市鼓楼区“十五五”公共服务规划", region="鼓楼区", region_code="350102",
                       period=[2026, 2030])
    path = tmp_path / "gulou.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = cli.invoke(main, ["plan", "import", str(path)])
    assert r.exit_code == 0 and "[350102]" in r.output, r.output


def test_national_plan_goes_to_the_whole_country(cli: CliRunner, tmp_path: Path) -> None:
    doc = json.loads(V1.read_text(encoding="utf-8"))
    doc["plan"].update(title="“十五五”公共服务规划", region="全国", region_level="national", region_code="100000",
                       issuer="国家发展改革委", period=[2026, 2030])
    path = tmp_path / "national.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = cli.invoke(main, ["plan", "import", str(path)])
    assert r.exit_code == 0 and "[100000]" in r.output, r.output
