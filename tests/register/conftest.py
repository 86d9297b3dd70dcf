"""Register fixtures: every test that takes `engine` runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from planwatch.register import migrate
from planwatch.register.db import make_engine, transaction
from planwatch.register.plans import import_plan
from planwatch.register.regions import import_regions_csv
from planwatch.register.testing import TempPostgres, why_unavailable

ROOT = Path(__file__).resolve().parents[2]
CANGXI = Path(__file__).parent / "fixtures" / "cangxi_v1.json"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[tuple[TempPostgres, str]]:
    """A PostgreSQL server for the session and a migrated template database to clone per test."""
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    with TempPostgres() as pg:
        url = pg.create_database()
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield pg, url.rsplit("/", 1)[1]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty register."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'register.sqlite3'}")
        migrate.upgrade(eng)
    else:
        pg, template = request.getfixturevalue("pg_template")
        eng = make_engine(pg.create_database(template=template))
    yield eng
    eng.dispose()


@pytest.fixture
def plans(engine: Engine) -> dict[str, int]:
    """The Cangxi county plan ("a") and an unrelated plan of another county ("b"), with the regions."""
    v1 = json.loads(CANGXI.read_text(encoding="utf-8"))
    other = copy.deepcopy(v1)
    other["plan"] = {**other["plan"], "title": "文水县“十四五”公共服务规划", "region": "文水县"}
    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        a = import_plan(s, v1).plan_id
        b = import_plan(s, other).plan_id
    return {"a": a, "b": b}
