"""The bulk import of a large CSV: streamed in chunks, the same checks as one form, all or nothing."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from planwatch.exchange.importer import import_csv_bulk
from planwatch.exchange.problems import ImportRejected
from planwatch.register.db import transaction
from planwatch.register.history import LOADED, history_of
from planwatch.register.schema import History, Observation

REGIONS = ["510824", "510824100", "510824102"]  # 苍溪县 and two of its townships (reference regions)


def write_csv(path: Path, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header or ["指标编号\nindicator_id", "地区代码\nregion_code", "年份\nyear", "本年值\nvalue",
                              "数据来源\nsource"])
        w.writerows(rows)
    return path


def good_rows(ids: dict[str, str]) -> list[list[Any]]:
    rates = [ids["学前教育毛入园率"], ids["九年义务教育巩固率"], ids["高中阶段教育毛入学率"]]
    return [[ind, region, year, 80 + year - 2021, "统计公报"]
            for ind in rates for region in REGIONS for year in range(2021, 2026)]


def counts(engine: Engine) -> tuple[int, int]:
    """The values, and those whose history (as its readers give it) starts with their creation."""
    with transaction(engine) as s:
        values = s.scalars(select(Observation.id)).all()
        return len(values), sum([h.action for h in history_of(s, "observation", v)][:1] == ["create"] for v in values)


def load_rows(engine: Engine) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(History).where(History.entity == LOADED)) or 0


def test_a_csv_in_many_chunks_is_written_whole_each_value_with_its_creation(engine: Engine, ids: dict[str, str],
                                                                            tmp_path: Path) -> None:
    rows = good_rows(ids)
    f = write_csv(tmp_path / "values.csv", rows)
    seen: list[int] = []
    with transaction(engine) as s:
        report = import_csv_bulk(s, f, status="approved", reporter="bulk", chunk_rows=7, on_rows=seen.append)
    assert (report.rows, report.inserted, report.problems) == (len(rows), len(rows), [])
    assert sum(seen) == len(rows) and max(seen) == 7  # read in chunks, progress after each
    assert counts(engine) == (len(rows), len(rows))
    assert load_rows(engine) == -(-len(rows) // 7)  # the creations logged a row a chunk
    with transaction(engine) as s:
        stored = s.scalars(select(Observation).order_by(Observation.id)).all()
        assert {o.status for o in stored} == {"approved"}
        assert len({o.id for o in stored}) == len(rows)
    with transaction(engine) as s:  # the same file again: nothing changes
        again = import_csv_bulk(s, f, status="approved", reporter="bulk", chunk_rows=7)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(rows))
    assert counts(engine) == (len(rows), len(rows))


def test_one_bad_row_in_a_late_chunk_refuses_the_file_and_nothing_is_written(engine: Engine, ids: dict[str, str],
                                                                             tmp_path: Path) -> None:
    rows = good_rows(ids)
    rows.append([ids["学前教育毛入园率"], "510824", 2031, 90, "x"])  # outside the plan, the last chunk
    rows.append([ids["九年义务教育巩固率"], "999999", 2022, 90, "x"])  # unknown region
    f = write_csv(tmp_path / "values.csv", rows)
    with pytest.raises(ImportRejected) as err, transaction(engine) as s:
        import_csv_bulk(s, f, chunk_rows=5)
    text = str(err.value)
    assert f"第{len(rows)}行" in text and f"row {len(rows) + 1}" in text  # file rows: the header is row 1
    assert "2031" in text and "999999" in text
    assert counts(engine) == (0, 0) and load_rows(engine) == 0


def test_accept_valid_writes_the_good_rows_of_every_chunk(engine: Engine, ids: dict[str, str],
                                                          tmp_path: Path) -> None:
    rows = good_rows(ids)
    rows.insert(3, [ids["孤儿和事实无人抚养儿童保障覆盖率"], "510824", 2023, 120, "x"])  # a rate over 100
    f = write_csv(tmp_path / "values.csv", rows)
    with transaction(engine) as s:
        report = import_csv_bulk(s, f, accept_valid=True, chunk_rows=4)
    assert report.rejected_rows == 1 and report.inserted == len(rows) - 1
    assert "100" in str(report.problems[0])


def test_a_file_without_the_required_columns_is_refused_naming_them(engine: Engine, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "values.csv", [["x", "y"]], header=["名称", "数值"])
    with pytest.raises(ImportRejected, match="indicator_id, region_code, year"), transaction(engine) as s:
        import_csv_bulk(s, f)
    xlsx = tmp_path / "values.xlsx"
    xlsx.write_bytes(b"PK")
    with pytest.raises(ImportRejected, match=r"\.csv"), transaction(engine) as s:
        import_csv_bulk(s, xlsx)


def test_data_import_bulk_on_the_command_line(engine: Engine, ids: dict[str, str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from planwatch.cli import main

    monkeypatch.setenv("PLANWATCH_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    f = write_csv(tmp_path / "values.csv", good_rows(ids))
    out = CliRunner().invoke(main, ["data", "import", "--bulk", "--status", "approved", str(f)])
    assert out.exit_code == 0, out.output
    assert f"新增 inserted {len(good_rows(ids))}" in out.output


def test_a_bulk_load_logs_one_audit_entry_and_each_value_its_creation(engine: Engine, ids: dict[str, str],
                                                                     tmp_path: Path) -> None:
    from planwatch.register import auditlog
    from planwatch.web.audit_text import action_label, changes, readable

    rows = good_rows(ids)
    f = write_csv(tmp_path / "县级数据.csv", rows)
    with transaction(engine) as s:
        import_csv_bulk(s, f, status="approved", reporter="bulk", chunk_rows=7)
    with transaction(engine) as s:
        entries, total = auditlog.search(s, auditlog.Filter(target_kind="observation"))
    assert total == 1  # one entry for the load, not one per value
    entry = entries[0]
    assert (entry["actor"], entry["action"], entry["target_id"]) == ("bulk", "observation.import", None)
    assert entry["after"] == {"file": "县级数据.csv", "rows": len(rows), "inserted": len(rows), "updated": 0,
                              "unchanged": 0, "status": "approved"}
    assert counts(engine) == (len(rows), len(rows))  # the value trail stays per value
    # The audit page reads it in words, never a field name
    assert action_label(entry["action"], "zh") == "指标数据 · 导入"
    lines = changes(entry["before"], entry["after"], "zh", "observation")
    assert "文件:县级数据.csv" in lines and f"数据条数:{len(rows)}" in lines
    assert not any(word in " ".join(lines) for word in ("inserted", "rows", "file"))
    shown = readable([entry], {}, "zh")[0]
    assert (shown["kind_label"], shown["target"], shown["action_label"]) == ("指标数据", "县级数据.csv", "指标数据 · 导入")

    with transaction(engine) as s:  # the same file again writes nothing, so logs nothing
        import_csv_bulk(s, f, status="approved", reporter="bulk", chunk_rows=7)
    with transaction(engine) as s:
        assert auditlog.search(s, auditlog.Filter(target_kind="observation"))[1] == 1


def test_a_refused_load_leaves_no_value_history_or_audit_entry(engine: Engine, ids: dict[str, str],
                                                               tmp_path: Path) -> None:
    from planwatch.register import auditlog

    rows = good_rows(ids)
    rows.append([ids["九年义务教育巩固率"], "510824", 2022, "八十", "x"])  # text in the value, the last chunk
    f = write_csv(tmp_path / "values.csv", rows)
    with pytest.raises(ImportRejected) as err, transaction(engine) as s:
        import_csv_bulk(s, f, status="approved", reporter="bulk", chunk_rows=7)
    text = str(err.value)
    assert "values.csv" in text and f"row {len(rows) + 1}" in text and "八十" in text
    assert counts(engine) == (0, 0) and load_rows(engine) == 0
    with transaction(engine) as s:
        assert auditlog.search(s, auditlog.Filter(target_kind="observation"))[1] == 0


def test_a_loaded_value_keeps_its_creation_through_later_changes(engine: Engine, ids: dict[str, str],
                                                                 tmp_path: Path) -> None:
    """A value a bulk load created (its chunk logged as one row) shows, in its history and on its
    indicator's page, the "create" row a form's value gets: the load's who, when and why and the value as
    it was created, even after edits and a status change; each reader's history is in log order."""
    from planwatch.register import queries
    from planwatch.register.observations import set_status, update_observation

    rows = good_rows(ids)
    f = write_csv(tmp_path / "values.csv", rows)
    with transaction(engine) as s:
        import_csv_bulk(s, f, status="submitted", reporter="bulk", chunk_rows=7)
    with transaction(engine) as s:
        stored = s.scalars(select(Observation).order_by(Observation.id)).all()
        first, edited = stored[0], stored[9]  # in the first chunk and a later one
        created = {"value": edited.value, "judgement": None, "status": "submitted", "source_note": "统计公报"}
        indicator, at = edited.indicator_id, edited.reported_at
        edited_id, first_id = edited.id, first.id
    with transaction(engine) as s:
        update_observation(s, edited_id, 1, {"value": 99.5, "source_note": "更正"}, by="审核员", reason="更正")
    with transaction(engine) as s:
        set_status(s, edited_id, 2, "approved", by="审核员")
    with transaction(engine) as s:
        log = history_of(s, "observation", edited_id)
        assert [h.action for h in log] == ["create", "update", "update"]
        assert (log[0].changed_by, log[0].new, log[0].old) == ("bulk", created, None)
        assert log[0].changed_at == at and log[0].id < log[1].id < log[2].id
        assert log[1].old == {"value": created["value"], "source_note": "统计公报", "version": 1}
        assert [h.new for h in history_of(s, "observation", first_id)] == [
            {"value": float(rows[0][3]), "judgement": None, "status": "submitted", "source_note": "统计公报"}]
        values = s.scalars(select(Observation).where(Observation.indicator_id == indicator)).all()
        shown = queries.indicator_history(s, indicator, values)
        assert [(h.id, h.entity_id) for h in shown] == sorted(((h.id, h.entity_id) for h in shown), reverse=True)
        mine = [(h.action, h.new) for h in shown if h.entity_id == edited_id]
        assert mine[-1] == ("create", created) and len(mine) == 3
        assert sum(h.action == "create" for h in shown if h.entity == "observation") == len(values)


def foreign_keys(engine: Engine) -> set[str]:
    from sqlalchemy import inspect

    return {fk["name"] for fk in inspect(engine).get_foreign_keys("observations")}


def table_indexes(engine: Engine) -> list[tuple[str, str, tuple[str, ...], bool]]:
    from sqlalchemy import inspect

    found = inspect(engine)
    return sorted([(t, i["name"], tuple(i["column_names"]), bool(i["unique"]))
                   for t in ("observations", "history") for i in found.get_indexes(t)]
                  + [(t, str(k["name"]), tuple(k["constrained_columns"]), True) for t in ("observations", "history")
                     for k in [found.get_pk_constraint(t)]]  # keys, which are not listed as indexes
                  + [(t, str(k["name"]), tuple(k["column_names"]), True) for t in ("observations", "history")
                     for k in found.get_unique_constraints(t)])


def test_an_exclusive_load_writes_the_same_and_keeps_every_foreign_key(engine: Engine, ids: dict[str, str],
                                                                       tmp_path: Path) -> None:
    keys, indexes = foreign_keys(engine), table_indexes(engine)
    rows = good_rows(ids)
    f = write_csv(tmp_path / "values.csv", rows)
    with transaction(engine) as s:  # a first load: PostgreSQL builds the secondary indexes after it
        report = import_csv_bulk(s, f, status="approved", reporter="bulk", chunk_rows=7, exclusive=True)
    assert report.inserted == len(rows) and counts(engine) == (len(rows), len(rows))
    assert foreign_keys(engine) == keys and len(keys) >= 3
    assert table_indexes(engine) == indexes and len(indexes) >= 3


def test_a_first_exclusive_load_writes_its_rows_frozen_and_a_later_one_keeps_what_is_stored(
        engine: Engine, ids: dict[str, str], tmp_path: Path) -> None:
    """PostgreSQL: a first load (values table empty) truncates the empty table in its transaction and COPYs
    FREEZE, so every page it wrote is all-visible at once (ANALYZE reads that from the visibility map) and
    no first read or vacuum rewrites it. A later exclusive load (values stored) must not truncate."""
    rows = good_rows(ids)
    first = write_csv(tmp_path / "first.csv", [r for r in rows if r[2] < 2024])
    later = write_csv(tmp_path / "later.csv", [r for r in rows if r[2] >= 2024])
    with transaction(engine) as s:
        import_csv_bulk(s, first, status="approved", reporter="bulk", chunk_rows=7, exclusive=True)
    if engine.dialect.name == "postgresql":
        with engine.connect() as c:
            c.exec_driver_sql("ANALYZE observations")
            pages, visible = c.exec_driver_sql(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'observations'").one()
        assert pages > 0 and visible == pages
    with transaction(engine) as s:
        report = import_csv_bulk(s, later, status="approved", reporter="bulk", chunk_rows=7, exclusive=True)
    assert report.inserted == len(rows) - len([r for r in rows if r[2] < 2024])
    assert counts(engine) == (len(rows), len(rows))


def test_an_exclusive_load_still_refuses_a_value_of_no_metric_and_rolls_back_whole(engine: Engine,
                                                                                    ids: dict[str, str]) -> None:
    from sqlalchemy.exc import IntegrityError

    from planwatch.register.bulk import write_observation_chunks
    from planwatch.register.errors import ConflictError
    from planwatch.register.observations import ObservationInput

    keys = foreign_keys(engine)
    ind = int(ids["学前教育毛入园率"].split("-i")[1])
    good = [ObservationInput(ind, "510824", 2022, value=80.0)]
    orphan = [ObservationInput(ind, "510824", 2023, value=81.0, metric_id=987654)]  # no such metric
    # PostgreSQL: the foreign key added back at the end refuses it; SQLite checks each row as it goes
    indexes = table_indexes(engine)
    with pytest.raises((IntegrityError, ConflictError)), transaction(engine) as s:
        write_observation_chunks(s, [good, orphan], by="bulk", exclusive=True)
    assert counts(engine) == (0, 0)
    assert foreign_keys(engine) == keys and table_indexes(engine) == indexes


def stored_values(engine: Engine) -> list[tuple[Any, ...]]:
    """Every value with its history's creation (as its readers give it), by natural key: what a load
    wrote, read back through the ORM."""
    with transaction(engine) as s:
        history = {o.id: history_of(s, "observation", o.id) for o in s.scalars(select(Observation))}
        assert all(len(h) == 1 for h in history.values())
        made = {k: h[0] for k, h in history.items()}
        return sorted(
            (o.metric_id, o.region_code, o.year, o.indicator_id, o.value, o.judgement, o.status, o.source_note,
             o.evidence_file, o.evidence_name, o.reporter_id, o.reporter_name, o.series_break, o.simulated,
             o.version, made[o.id].action, made[o.id].changed_by, made[o.id].reason, made[o.id].old,
             made[o.id].new, made[o.id].changed_at == o.reported_at)
            for o in s.scalars(select(Observation)))


def test_a_bulk_load_stores_what_single_writes_store(engine: Engine, ids: dict[str, str]) -> None:
    """The bulk path (PostgreSQL: COPY text; a history row a chunk) against the per-value path
    (`write_observations` with an audit row a value: tuples through the driver), cell by cell, with text
    that COPY must escape."""
    from planwatch.register.bulk import write_observation_chunks
    from planwatch.register.observations import ObservationInput, write_observations

    inds = [int(ids[n].split("-i")[1]) for n in ("学前教育毛入园率", "九年义务教育巩固率")]
    notes = ["统计公报", "tab\there", "back\\slash \\N", "line\nbreak\r", None, "引号\"'", ""]

    def rows(years: tuple[int, int]) -> list[ObservationInput]:
        return [ObservationInput(ind, region, year, value=None if k == 3 else 80.5 + k / 3,
                                 judgement="达到" if k == 3 else None, status=("approved", "submitted")[k % 2],
                                 source_note=notes[k % len(notes)], evidence_file="http://x/y\tz" if k == 2 else None,
                                 reporter_name="录入员" if k % 2 else None, series_break=k == 4, simulated=k == 5)
                for k, (ind, region, year) in enumerate(
                    (i, r, y) for i in inds for r in REGIONS for y in years)]

    bulk = rows((2022, 2023))
    with transaction(engine) as s:  # the bulk path, in two chunks
        write_observation_chunks(s, [bulk[:5], bulk[5:]], by="bulk", reason="load")
    with transaction(engine) as s:  # the same values two years on, one by one (the history is append-only)
        write_observations(s, rows((2024, 2025)), by="bulk", reason="load")
    stored = stored_values(engine)
    by_bulk = [v for v in stored if v[2] < 2024]
    single = [(*v[:2], v[2] - 2, *v[3:]) for v in stored if v[2] >= 2024]
    assert by_bulk == single
    assert len(by_bulk) == 12 and {v[7] for v in by_bulk} == set(notes) and all(v[-1] for v in by_bulk)


def test_only_a_first_exclusive_load_on_postgresql_rebuilds_the_secondary_indexes_and_unique_key(
        engine: Engine, ids: dict[str, str]) -> None:
    from planwatch.register.bulk import _defer_indexes
    from planwatch.register.observations import ObservationInput, write_observations

    with transaction(engine) as s:
        rebuilt = _defer_indexes(s)
        s.rollback()
    if engine.dialect.name == "postgresql":  # indicator, region-year; the unique key (history keeps its own)
        assert len(rebuilt) >= 3 and all("CREATE INDEX" in r and "UNIQUE" not in r for r in rebuilt[:-1])
        assert rebuilt[-1].endswith("UNIQUE (metric_id, region_code, year)")
        assert not [r for r in rebuilt if "history" in r]
    else:
        assert rebuilt == []
    with transaction(engine) as s:
        write_observations(s, [ObservationInput(int(ids["学前教育毛入园率"].split("-i")[1]), "510824", 2022, value=80.0)])
    with transaction(engine) as s:  # values stored already: rebuilding would cost the whole table
        assert _defer_indexes(s) == []


def test_the_streamed_reader_keeps_the_rows_a_form_read_keeps(tmp_path: Path) -> None:
    """Batches read whole (plain rows) and row by row (a blank row, a formula, a quoted formula, a row
    wider than the sheet's limit, an apostrophe) give the rows `read_table` gives, at any chunk size."""
    from planwatch.exchange.reader import FORMULA, iter_csv_tables, read_table

    rows: list[list[Any]] = [["1", "510824", str(2021 + k % 5), f"{80 + k / 7:.3f}", "统计公报"] for k in range(40)]
    rows[5] = ["", "", "", "", ""]
    rows[11] = ["2", "510824", "2022", "=A1+1", "x"]
    rows[12] = ["2", "510824", "2023", "'=A1", "x"]
    rows[17] = ["3", "510824", "2024", "81", "it's", *["w"] * 45]
    rows[30] = ["3", "510824", "2025", "'-5", "note"]
    f = write_csv(tmp_path / "values.csv", rows)
    form, problems = read_table(f)
    assert form is not None and not problems

    def cells(v: list[Any]) -> list[Any]:
        return ["<formula>" if c is FORMULA else c for c in v]

    expected = [(n, cells(c)) for n, c in form.rows]
    assert len(expected) == 39
    for size in (1, 3, 7, 1000):
        streamed = [(n, cells(c)) for t, p in iter_csv_tables(f, size) for n, c in (t.rows if t else [])]
        assert streamed == expected, size


def test_reading_ahead_in_a_thread_reports_and_writes_the_same(engine: Engine, ids: dict[str, str],
                                                                tmp_path: Path) -> None:
    """The next chunk read and checked in a second thread while one is written (`pipelined`, PostgreSQL's
    default without --exclusive): the same problems, by file, row and column, and the same values."""
    rows = good_rows(ids)
    rows[3][3], rows[20][1], rows[30][2] = "八十", "999999", "1999"
    f = write_csv(tmp_path / "values.csv", rows)
    found = []
    for pipelined in (False, True):
        with pytest.raises(ImportRejected) as err, transaction(engine) as s:
            import_csv_bulk(s, f, status="approved", chunk_rows=7, pipelined=pipelined)
        found.append([(p.file, p.row, p.column, str(p)) for p in err.value.problems])
        assert counts(engine) == (0, 0)
    assert found[0] == found[1] and [p[1] for p in found[0]] == [5, 22, 32]
    good = write_csv(tmp_path / "good.csv", good_rows(ids))
    with transaction(engine) as s:
        report = import_csv_bulk(s, good, status="approved", chunk_rows=7, pipelined=True)
    assert report.inserted == len(rows) and counts(engine) == (len(rows), len(rows))


def test_an_exclusive_load_checks_from_the_register_read_first_as_from_the_database(
        engine: Engine, ids: dict[str, str], tmp_path: Path) -> None:
    """With `exclusive` the reading thread answers every look-up from the plans, indicators and regions
    read before the load (`_Lookup.load_all`): by id, by "p1-i2" reference, by name, region by code or
    name, unknown ones; the same problems and the same stored values as the checks that query."""
    header = ["指标编号\nindicator_id", "指标名称\nindicator", "地区代码\nregion_code", "地区名称\nregion",
              "年份\nyear", "本年值\nvalue", "数据来源\nsource"]
    ref = ids["学前教育毛入园率"]
    num = ref.split("-i")[1]
    rows: list[list[Any]] = [[ref if k % 3 else num, "", code, "", 2021 + k // 3, 80 + k, "统计公报"]
                             for k, code in enumerate(REGIONS * 3)]
    rows[0][0], rows[0][1] = "", "学前教育毛入园率"  # the indicator by name
    rows[1][2], rows[1][3], rows[1][4] = "", "苍溪县", 2025  # the region by name
    bad = [["p999-i" + num, "", "510824", "", 2022, 80, "x"], ["987654", "", "510824", "", 2022, 80, "x"],
           ["", "没有这个指标", "510824", "", 2022, 80, "x"], [num, "", "510824999", "", 2022, 80, "x"],
           [num, "", "", "没有这个地区", 2022, 80, "x"], [num, "", "12345", "", 2022, 80, "x"]]
    f = write_csv(tmp_path / "bad.csv", rows + bad, header)
    found = []
    for exclusive, pipelined in ((False, False), (True, True)):
        with pytest.raises(ImportRejected) as err, transaction(engine) as s:
            import_csv_bulk(s, f, status="approved", chunk_rows=4, exclusive=exclusive, pipelined=pipelined)
        found.append([(p.file, p.row, p.column, str(p)) for p in err.value.problems])
    assert found[0] == found[1] and len(found[0]) == len(bad)
    good = write_csv(tmp_path / "good.csv", rows, header)
    stored = []
    for exclusive, pipelined in ((False, False), (True, True)):
        with transaction(engine) as s:  # read back in the load's transaction, then rolled back: both first loads
            report = import_csv_bulk(s, good, status="approved", chunk_rows=4, exclusive=exclusive,
                                     pipelined=pipelined)
            assert report.inserted == len(rows)
            stored.append(sorted((o.metric_id, o.region_code, o.year, o.indicator_id, o.value, o.status,
                                  o.source_note, o.version, history_of(s, "observation", o.id)[0].new)
                                 for o in s.scalars(select(Observation))))
            s.rollback()
    assert stored[0] == stored[1] and len(stored[0]) == len(rows)


def test_a_first_exclusive_load_finds_its_own_values_as_a_load_with_the_unique_key_does(
        engine: Engine, ids: dict[str, str], tmp_path: Path) -> None:
    """Without the unique (metric, region, year) key (dropped for a first exclusive load on PostgreSQL) a
    value the file repeats in a later chunk is found through the load's own keys (`WrittenKeys`): the
    same one unchanged, a different one a conflict; the same report, problems and stored rows as a load
    that reads the key. Two plans' targets on one metric share a value, whichever reported it."""
    rows = good_rows(ids)
    again = [list(r) for r in rows[:4]]  # the same values in the last chunk: unchanged
    changed = [list(rows[5])]
    changed[0][3] = 99  # a different figure for a key already written: a conflict
    f = write_csv(tmp_path / "values.csv", rows + again + changed)
    results = []
    for exclusive in (False, True):
        with transaction(engine) as s:
            report = import_csv_bulk(s, f, status="approved", chunk_rows=7, exclusive=exclusive, accept_valid=True)
            stored = sorted((o.metric_id, o.region_code, o.year, o.value, o.version,
                             [(h.action, h.new) for h in history_of(s, "observation", o.id)])
                            for o in s.scalars(select(Observation)))
            results.append(((report.inserted, report.updated, report.unchanged, report.rejected_rows),
                            [(p.row, p.column, str(p)) for p in report.problems], stored))
            s.rollback()
    assert results[0] == results[1]
    assert results[0][0] == (len(rows), 0, len(again), 1) and len(results[0][2]) == len(rows)


def test_written_keys_find_every_written_key_across_merged_levels() -> None:
    from planwatch.register.observations import WrittenKeys

    written = WrittenKeys()
    keys = [(m, f"{510824000 + r}", 2021 + y) for m in range(7) for r in range(50) for y in range(3)]
    for i in range(0, len(keys), 37):  # uneven chunks: levels merge as they double
        written.add(keys[i:i + 37], range(i + 1, i + 1 + len(keys[i:i + 37])))
    assert len(written.levels) <= 12
    for i, k in enumerate(keys):
        assert i + 1 in written.ids_for([k])
    assert written.ids_for([(99, "510824", 2021)]) == [] and WrittenKeys().ids_for(keys) == []


def test_the_interval_a_bulk_check_tests_is_what_check_value_accepts(engine: Engine) -> None:
    """`check_rows` accepts a value in `reporting.plausible_range` without calling `check_value`: for every
    indicator of the sample plan and values around each bound, the two agree."""
    from planwatch.register import reporting as rp
    from planwatch.register.errors import FieldError
    from planwatch.register.rules import MAX_ABS_VALUE
    from planwatch.register.schema import Indicator

    with transaction(engine) as s:
        inds = list(s.scalars(select(Indicator)))
        assert len(inds) > 10
        for ind in inds:
            lo, hi = rp.plausible_range(ind)
            for x in (-MAX_ABS_VALUE * 2, -MAX_ABS_VALUE, -1.0, -1e-9, 0.0, 50.0, 100.0, 100.0001, 1e6,
                      MAX_ABS_VALUE, MAX_ABS_VALUE * 2, float("inf"), float("nan")):
                try:
                    accepted = rp.check_value(ind, x) == x
                except FieldError:
                    accepted = False
                assert accepted == (lo <= x <= hi), (ind.name, ind.unit, x)


def test_the_column_wise_check_keeps_what_the_row_loop_keeps(engine: Engine, ids: dict[str, str]) -> None:
    """`_check_cells` checks a chunk a column at a time and falls back to the row loop when any cell fails.
    On chunks that pass, with every column a form may have (indicator by id, "p1-i2" reference and name,
    region by code and name, units, values `float` refuses, judgements, empty rows, sources, evidence,
    versions) or only the required ones, the two keep the same rows, in the same order, and count the
    same empty rows; a chunk with one bad cell gives the loop's problems."""
    from planwatch.exchange import importer
    from planwatch.exchange.reader import Table
    from planwatch.register.observations import FIELDS

    rate, jobs = ids["学前教育毛入园率"], ids["城镇新增就业"]
    full = ("indicator_id", "indicator", "region_code", "region", "year", "unit", "value", "judgement", "source",
            "evidence", "version")
    rows_full: list[list[Any]] = [
        [rate, "", "510824", "", "2021", "%", "80.5", "", "统计公报", "", ""],
        [rate.split("-i")[1], "", "510824100", "", "2022", "", "81", "", " 统计公报 ", "", "2"],
        ["", "学前教育毛入园率", "", "苍溪县", "2023", "", "82.25", "", "", "http://x/a.pdf", ""],
        [jobs, "", "510824", "", "2022", "", "", "", "", "", ""],  # nothing reported: an empty row
        [jobs, "", "510824102", "", "2023", "", "", "达到", "note", "", "1"],  # a judgement, no value
        [rate, "", "510824102", "", "2024", "", "83", "", "统计公报", "", ""],
    ]
    rows_percent = [r[:] for r in rows_full]
    rows_percent[0][6] = "80.5%"  # `float` refuses it: every value of the chunk goes through the value rule
    minimal = ("indicator_id", "region_code", "year", "value")
    rows_min = [[rate, code, str(year), str(70 + k)] for k, (code, year) in enumerate(
        (c, y) for c in REGIONS for y in (2021, 2022, 2023))]
    cases = [(full, rows_full), (full, rows_percent), (minimal, rows_min)]

    def check(cols: tuple[str, ...], rows: list[list[Any]], columnwise: bool) -> tuple[Any, ...]:
        table = Table("t.csv", None, {k: i for i, k in enumerate(cols)}, list(enumerate(rows, start=2)))
        with transaction(engine) as s:
            look = importer._Lookup(s)
            checked = importer._check_cells(s, table, "approved", "录入员", None, None, look, columnwise=columnwise)
            kept = [tuple(getattr(o, f) for f in FIELDS) for o in checked.rows]
            return (checked.numbers, kept, checked.empty, [str(p) for p in checked.problems],
                    sorted(checked.indicators), sorted(checked.regions))

    for cols, rows in cases:
        by_columns, by_rows = check(cols, rows, True), check(cols, rows, False)
        assert by_columns == by_rows
        assert by_columns[1] and not by_columns[3]
    assert check(*cases[0], True)[2] == 1  # the empty row counted, not kept
    bad = [r[:] for r in rows_full]
    bad[4][4] = "2031"  # outside the plan's years: the whole chunk goes through the loop
    by_columns = check(full, bad, True)
    assert by_columns == check(full, bad, False) and len(by_columns[3]) == 1 and "2031" in by_columns[3][0]


def test_a_chunk_held_as_columns_stores_what_a_list_of_rows_stores(engine: Engine, ids: dict[str, str]) -> None:
    """`ObservationColumns` (the column-wise check's chunk) written by the bulk path stores the same values
    and history as the same rows given one by one, with shared columns, text COPY must escape and
    empty cells; once a row is read, the chunk is its rows (a change to a row is what gets written)."""
    from planwatch.register.bulk import write_observation_chunks
    from planwatch.register.observations import FIELDS, ObservationColumns, ObservationInput

    inds = [int(ids[n].split("-i")[1]) for n in ("学前教育毛入园率", "九年义务教育巩固率")]
    notes = ["统计公报", "tab\there", "back\\slash \\N", None, "引号\"'"]

    def rows(years: tuple[int, ...]) -> list[ObservationInput]:
        return [ObservationInput(ind, region, year, value=None if k == 3 else 80.5 + k / 3,
                                 judgement="达到" if k == 3 else None, status="approved",
                                 source_note=notes[k % len(notes)], evidence_file="http://x/y\tz" if k == 2 else None,
                                 reporter_name="录入员")
                for k, (ind, region, year) in enumerate((i, r, y) for i in inds for r in REGIONS for y in years)]

    def columns(given: list[ObservationInput]) -> ObservationColumns:
        cells: dict[str, Any] = {f: [getattr(o, f) for o in given] for f in FIELDS}
        for f in ("status", "reporter_name", "evidence_name", "simulated", "series_break"):
            assert len(set(cells[f])) == 1
            cells[f] = ObservationColumns.same(cells[f][0])
        return ObservationColumns(len(given), cells)

    with pytest.raises(ValueError, match="missing or unknown"):
        ObservationColumns(1, {"value": [1.0]})
    as_columns, as_rows = rows((2022, 2023)), rows((2024, 2025))
    changed = columns(rows((2021,)))
    changed[0].source_note = "改过"  # read and changed: the chunk is its rows from now on
    assert changed.columns is None and changed.column("source_note")[0] == "改过"
    with transaction(engine) as s:
        write_observation_chunks(s, [columns(as_columns[:5]), columns(as_columns[5:])], by="bulk", reason="load")
        write_observation_chunks(s, [as_rows[:5], as_rows[5:]], by="bulk", reason="load")
        write_observation_chunks(s, [changed], by="bulk", reason="load")
    stored = stored_values(engine)
    by_columns = [v for v in stored if v[2] in (2022, 2023)]
    by_rows = [(*v[:2], v[2] - 2, *v[3:]) for v in stored if v[2] in (2024, 2025)]
    assert by_columns == by_rows and len(by_columns) == 12
    assert {v[7] for v in by_columns} == set(notes)
    assert "改过" in {v[7] for v in stored if v[2] == 2021}
