"""`import_regions_csv`: what a region file adds, updates and leaves, its populations, and the problems
that refuse the whole file (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from planwatch.register import versions
from planwatch.register.db import transaction
from planwatch.register.errors import InputError
from planwatch.register.regions import NATION_CODE, ensure_nation, import_regions_csv, set_population
from planwatch.register.schema import Region, RegionPopulation

HEADER = "code,name,level,parent_code,population_2020,population_2021,source_url\n"
# A child listed before its parent, and a township (9 digits) under a county.
ROWS = (
    "510824001,陵江镇,township,510824,,,\n"
    "510824,苍溪县,county,510800,\"750,000\",745000,http://stats.example/a\n"
    "510800,广元市,prefecture,510000,2300000,,\n"
    "510000,四川省,province,,83670000,83720000,\n"
)


def _write(tmp_path: Path, text: str, name: str = "regions.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _regions(engine: Engine) -> dict[str, tuple[str, str, str | None, str | None]]:
    with transaction(engine) as s:
        return {r.code: (r.name, r.level, r.parent_code, r.source) for r in s.scalars(select(Region))}


def _populations(engine: Engine) -> dict[tuple[str, int], tuple[float, str | None]]:
    with transaction(engine) as s:
        return {(p.region_code, p.year): (p.population, p.source) for p in s.scalars(select(RegionPopulation))}


def test_a_new_file_adds_every_region_and_population_parents_first(engine: Engine, tmp_path: Path) -> None:
    with transaction(engine) as s:
        r = import_regions_csv(s, _write(tmp_path, HEADER + ROWS))
    assert (r.added, r.updated, r.unchanged, r.populations) == (4, 0, 0, 5)
    assert _regions(engine) == {
        "510000": ("四川省", "province", None, None),
        "510800": ("广元市", "prefecture", "510000", None),
        "510824": ("苍溪县", "county", "510800", "http://stats.example/a"),
        "510824001": ("陵江镇", "township", "510824", None),
    }
    assert _populations(engine) == {
        ("510824", 2020): (750000.0, "http://stats.example/a"), ("510824", 2021): (745000.0, "http://stats.example/a"),
        ("510800", 2020): (2300000.0, None),
        ("510000", 2020): (83670000.0, None), ("510000", 2021): (83720000.0, None),
    }


def test_reimporting_counts_what_changed_and_keeps_the_rest(engine: Engine, tmp_path: Path) -> None:
    with transaction(engine) as s:
        import_regions_csv(s, _write(tmp_path, HEADER + ROWS))
    before = _populations(engine)
    with transaction(engine) as s:
        again = import_regions_csv(s, _write(tmp_path, HEADER + ROWS))
    assert (again.added, again.updated, again.unchanged, again.populations) == (0, 0, 4, 0)
    assert _populations(engine) == before
    with transaction(engine) as s:
        state = versions.current(s).shared_seq
    changed = (ROWS.replace("苍溪县,county", "苍溪县(新),county").replace("2300000", "2310000")
               + "510802,利州区,district,510800,500000,,\n")
    with transaction(engine) as s:
        r = import_regions_csv(s, _write(tmp_path, HEADER + changed))
    assert (r.added, r.updated, r.unchanged, r.populations) == (1, 1, 3, 2)
    assert _regions(engine)["510824"][0] == "苍溪县(新)"
    assert _populations(engine)[("510800", 2020)] == (2310000.0, None)
    assert _populations(engine)[("510802", 2020)] == (500000.0, None)
    with transaction(engine) as s:  # regions and populations are what every evaluation reads
        assert versions.current(s).shared_seq > state


def test_a_file_of_regions_already_there_may_name_them_as_parents(engine: Engine, tmp_path: Path) -> None:
    with transaction(engine) as s:
        import_regions_csv(s, _write(tmp_path, HEADER + ROWS))
    with transaction(engine) as s:
        r = import_regions_csv(s, _write(tmp_path, HEADER + "510824002,东溪镇,township,510824,,,\n", "more.csv"))
    assert (r.added, r.unchanged) == (1, 0)
    assert _regions(engine)["510824002"][2] == "510824"


def test_a_province_attached_to_the_nation_keeps_that_parent(engine: Engine, tmp_path: Path) -> None:
    with transaction(engine) as s:
        import_regions_csv(s, _write(tmp_path, HEADER + ROWS))
        ensure_nation(s)
    with transaction(engine) as s:
        r = import_regions_csv(s, _write(tmp_path, HEADER + ROWS))
    assert r.unchanged == 4
    assert _regions(engine)["510000"][2] == NATION_CODE


@pytest.mark.parametrize(("row", "problem"), [
    ("51082X,坏码,county,510800,,,\n", "第6行 row 6, 列 code"),
    ("510824,重复,county,510800,,,\n", "第6行 row 6, 列 code: 与第3行重复"),
    ("510825,,county,510800,,,\n", "第6行 row 6, 列 name"),
    ("510825,阆中市,county,510800,many,,\n", "第6行 row 6, 列 population_2020"),
    ("510825,阆中市,county,999999,,,\n", "第6行 row 6, 列 parent_code: 上级区划不存在 / unknown parent: 999999"),
])
def test_a_bad_row_names_file_row_and_column_and_nothing_is_written(engine: Engine, tmp_path: Path, row: str,
                                                                     problem: str) -> None:
    path = _write(tmp_path, HEADER + ROWS + row)
    with pytest.raises(InputError) as err, transaction(engine) as s:
        import_regions_csv(s, path)
    assert str(path) in str(err.value) and problem in str(err.value)
    with transaction(engine) as s:
        assert s.scalar(select(func.count()).select_from(Region)) == 0
        assert s.scalar(select(func.count()).select_from(RegionPopulation)) == 0


def test_missing_columns_are_named(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing columns: level"), transaction(engine) as s:
        import_regions_csv(s, _write(tmp_path, "code,name\n510000,四川省\n"))


def test_set_population_adds_changes_and_leaves_one_figure(engine: Engine, tmp_path: Path) -> None:
    with transaction(engine) as s:
        import_regions_csv(s, _write(tmp_path, HEADER + ROWS))
    with transaction(engine) as s:
        assert set_population(s, "510824001", 2020, 42000.0, "survey") is True
        assert set_population(s, "510824001", 2020, 42000.0, "survey") is False
        assert set_population(s, "510824001", 2020, 42100.0, "survey") is True
        assert set_population(s, "510824001", 2020, 42100.0, None) is True
    assert _populations(engine)[("510824001", 2020)] == (42100.0, None)


def test_a_region_moved_under_a_parent_the_same_file_adds(engine: Engine, tmp_path: Path) -> None:
    """区划调整: a re-import that puts an existing county under a city the same file adds."""
    with transaction(engine) as s:
        import_regions_csv(s, _write(tmp_path, HEADER + ROWS))
    moved = ROWS.replace("510824,苍溪县,county,510800", "510824,苍溪县,county,510700") + "510700,新市,prefecture,510000,,,\n"
    with transaction(engine) as s:
        r = import_regions_csv(s, _write(tmp_path, HEADER + moved, "moved.csv"))
    assert (r.added, r.updated, r.unchanged) == (1, 1, 3)
    assert _regions(engine)["510824"][2] == "510700"
    assert _regions(engine)["510700"] == ("新市", "prefecture", "510000", None)
