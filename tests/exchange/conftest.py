"""Exchange fixtures: a register with the 苍溪 sample plan, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from planwatch.register import migrate
from planwatch.register.db import make_engine, transaction
from planwatch.register.plans import import_plan
from planwatch.register.regions import import_regions_csv
from planwatch.register.schema import Indicator

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "register" / "fixtures" / "cangxi_v1.json"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'register.sqlite3'}")
    else:
        eng = make_engine(request.getfixturevalue("pg_server").create_database())
    migrate.upgrade(eng)
    with transaction(eng) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        import_plan(s, json.loads(PLAN.read_text(encoding="utf-8")))
    yield eng
    eng.dispose()


@pytest.fixture
def ids(engine: Engine) -> dict[str, str]:
    """Indicator name → stable id ("p1-i3")."""
    with transaction(engine) as s:
        return {i.name: i.ref for i in s.scalars(select(Indicator))}
