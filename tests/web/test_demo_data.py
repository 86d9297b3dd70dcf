"""The demo register is honest: national series from data/reference with their sources, local plans'
shared metrics beside the national target and series, and every invented value labelled 模拟数据."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from planwatch.cli import main
from planwatch.register import migrate
from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction
from planwatch.register.demo import SIMULATED_NOTE, run_demo
from planwatch.register.users import add_user
from planwatch.web import create_app

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-check-orchard-7"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One demo register with simulated values (the worst case for honesty), shared by the tests here."""
    home = tmp_path_factory.mktemp("demo")
    (home / "var").mkdir()
    url = f"sqlite:///{home / 'var' / 'planwatch.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    run_demo(engine, ROOT / "data", simulate=True, log=lambda _m: None)
    with transaction(engine) as s:
        add_user(s, "checker", PASSWORD, "planner")
    engine.dispose()
    return home, url


def _published() -> list[dict[str, str]]:
    with (ROOT / "data" / "reference" / "observations.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _ids(url: str, plan_region: str, name: str) -> int:
    engine = make_engine(url)
    with transaction(engine) as s:
        ind_id = s.scalars(select(db.Indicator.id).join(db.Plan).where(
            db.Plan.region_code == plan_region, db.Indicator.name == name, db.Indicator.active)).first()
    engine.dispose()
    assert ind_id is not None, (plan_region, name)
    return ind_id


def test_every_value_is_published_with_its_source_or_flagged_simulated(demo) -> None:  # type: ignore[no-untyped-def]
    _, url = demo
    published = {(r["year"], r["source_url"]) for r in _published()}
    engine = make_engine(url)
    with transaction(engine) as s:
        observations = list(s.scalars(select(db.Observation)))
    engine.dispose()
    real = [o for o in observations if not o.simulated]
    simulated = [o for o in observations if o.simulated]
    assert real and simulated
    for o in real:  # a real value names the published figure it came from: its quote and address
        urls = re.findall(r"https?://[^\s()]+", o.source_note or "")
        assert urls and (str(o.year), urls[0]) in published, o.source_note
    assert all(o.source_note == SIMULATED_NOTE for o in simulated)
    # A published series is never padded with invented years.
    assert {o.indicator_id for o in real}.isdisjoint({o.indicator_id for o in simulated})


def test_pages_show_sources_national_reference_and_label_simulated_values(demo) -> None:  # type: ignore[no-untyped-def]
    home, url = demo
    national_life = _ids(url, "100000", "人均预期寿命")
    local_life = _ids(url, "510824", "人均预期寿命")  # 苍溪县 shares the metric with the national plan
    app = create_app(url, secret_key="test-secret", files_dir=home / "files")
    with TestClient(app, base_url="http://testserver") as client:
        login_ok = client.post("/api/session", json={"username": "checker", "password": PASSWORD})
        assert login_ok.status_code == 200
        page = client.get(f"/indicators/{national_life}").text
        # The national series with its sources, as links, and nothing simulated.
        assert "79" in page and 'href="http://www.360elib.com:2027/detail.aspx' in page
        assert "居民人均预期寿命达到79.0岁" in page
        assert "模拟数据" not in page.split('data-testid="values"')[1].split("</table>")[0]
        assert 'data-legend="simulated"' not in page
        # A local plan's indicator on the same metric: its values are simulated and say so; the national
        # target and published series stand beside them, with their sources.
        local = client.get(f"/indicators/{local_life}").text
        values = local.split('data-testid="values"')[1].split("</table>")[0]
        assert "模拟数据" in values
        assert 'data-legend="simulated">模拟数据<' in local  # the chart says which points are simulated
        national = local.split('data-testid="national"')[1].split("</div>\n</div>")[0]
        assert "全国参照" in local and "78.3" in national and "2025" in national
        assert "77.93" in national and 'href="http://m.odtusol.cn/' in national and "模拟数据" not in national
        public = client.get(f"/public/indicators/{local_life}").text
        assert "全国参照" in public and "模拟数据" in public
        # The plan page labels the simulated latest values too.
        plan_id = client.get(f"/api/indicators/{local_life}").json()["plan"]["id"]
        assert "模拟数据" in client.get(f"/plans/{plan_id}").text
        api = client.get(f"/api/indicators/{local_life}").json()
        assert api["national"]["target_raw"] == "78.3" and all(not v["simulated"] for v in api["national"]["values"])


def test_reports_label_simulated_values(demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    home, _ = demo
    monkeypatch.setenv("PLANWATCH_HOME", str(home))
    monkeypatch.delenv("PLANWATCH_DATABASE_URL", raising=False)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "苍溪", "--kind", "final", "--year", "2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "模拟数据" in out.read_text(encoding="utf-8")
