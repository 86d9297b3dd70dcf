"""Importing reporting files: every problem located, hostile files refused, nothing half-written."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, func, select

from planwatch.exchange.columns import COLUMNS, DATA_SHEET
from planwatch.exchange.export import export_rows, write_export
from planwatch.exchange.importer import import_file
from planwatch.exchange.problems import ImportRejected
from planwatch.exchange.template import write_templates
from planwatch.register.db import transaction
from planwatch.register.editing import assign
from planwatch.register.finality import ALL_STATUSES
from planwatch.register.observations import update_observation
from planwatch.register.queries import indicator_by_ref
from planwatch.register.schema import History, Observation

HEADERS = [c.header for c in COLUMNS]


def snapshot(engine: Engine) -> tuple[Any, ...]:
    """Everything an import could touch."""
    with transaction(engine) as s:
        obs = s.execute(select(Observation.indicator_id, Observation.region_code, Observation.year,
                               Observation.value, Observation.version).order_by(Observation.id)).all()
        return tuple(obs), s.scalar(select(func.count()).select_from(History))


def sheet(path: Path, rows: list[dict[str, Any]], title: str = DATA_SHEET) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(HEADERS)
    keys = [c.key for c in COLUMNS]
    for r in rows:
        ws.append([r.get(k) for k in keys])
    wb.save(path)
    return path


def many_rows(tmp_path: Path, indicator: str, n: int) -> Path:
    """A real .xlsx with n data rows, its sheet XML written directly (openpyxl would take ~20 s)."""
    small = sheet(tmp_path / "small.xlsx", [row(indicator, 90.0)])
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                head, rest = text.split("<row r=\"2\"", 1)
                tail = rest[rest.index("</sheetData>"):]
                head = head.replace('<dimension ref="A1:O2"/>', f'<dimension ref="A1:O{n + 1}"/>')
                rows = "".join(
                    f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{indicator}</t></is></c>'
                    f'<c r="D{r}" t="inlineStr"><is><t>510824</t></is></c><c r="F{r}"><v>2022</v></c>'
                    f'<c r="K{r}"><v>90</v></c></row>'
                    for r in range(2, n + 2)
                )
                data = (head + rows + tail).encode()
            dst.writestr(info, data)
    return big


def do_import(engine: Engine, path: Path, **kw: Any):  # type: ignore[no-untyped-def]
    with transaction(engine) as s:
        return import_file(s, path, reporter="tester", **kw)


def row(ind: str, value: Any = None, **kw: Any) -> dict[str, Any]:
    return {"indicator_id": ind, "region_code": "510824", "year": 2022, "value": value, **kw}


def test_valid_file_is_imported_and_resubmitting_it_changes_nothing(engine: Engine, ids: dict[str, str],
                                                                    tmp_path: Path) -> None:
    f = sheet(tmp_path / "ok.xlsx", [row(ids["学前教育毛入园率"], 93.5, unit="%", source="教育年报"),
                                     row(ids["孤儿和事实无人抚养儿童保障覆盖率"], judgement="已实现"),
                                     row(ids["城镇新增就业"], None)])
    r = do_import(engine, f)
    assert (r.inserted, r.empty, r.problems) == (2, 1, [])
    r = do_import(engine, f)
    assert (r.inserted, r.updated, r.unchanged) == (0, 0, 2)


def test_every_bad_row_is_reported_with_sheet_row_and_column_and_nothing_is_written(
        engine: Engine, ids: dict[str, str], tmp_path: Path) -> None:
    rate, jobs = ids["学前教育毛入园率"], ids["专业托育机构数"]
    f = sheet(tmp_path / "bad.xlsx", [
        row(rate, 93.5),                                   # 2: fine
        row("p999-i999", 1.0),                             # 3: unknown indicator
        {**row(rate, 90.0), "region_code": "999999"},      # 4: unknown region
        row(rate, 90.0, unit="个", year=2023),             # 5: wrong unit
        row(rate, "九十", year=2024),                       # 6: text in a number cell
        row(ids["九年义务教育巩固率"], 120.0),               # 7: a rate over 100
        row(jobs, -3.0),                                   # 8: a negative count
        row(rate, 91.0, year=2031),                        # 9: outside the plan
        row(rate, 94.0),                                   # 10: duplicate of row 2
        row(jobs, 1e308, year=2023),                       # 11: absurd magnitude
        row(jobs, "=1+1", year=2024),                      # 12: a formula
    ])
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as err:
        do_import(engine, f)
    assert snapshot(engine) == before
    found = {(p.row, p.column.split("(")[0] if p.column else None): p for p in err.value.problems}
    assert set(found) == {(3, "A"), (4, "D"), (5, "C"), (6, "K"), (7, "K"), (8, "K"), (9, "F"), (10, "A"),
                          (11, "K"), (12, "K")}
    assert all(p.sheet == DATA_SHEET and p.file == str(f) for p in err.value.problems)
    assert "a percentage cannot exceed 100" in found[(7, "K")].en and "百分比" in found[(7, "K")].zh
    assert "duplicate of row 2" in found[(10, "A")].en
    assert "formula" in found[(12, "K")].en
    text = str(err.value)
    assert "第6行 row 6" in text and "列 column K(本年值)" in text and "nothing written" in text

    # Asked explicitly, the valid row alone goes in.
    r = do_import(engine, f, accept_valid=True)
    assert r.inserted == 1 and r.rejected_rows == 10


def test_renamed_sheet_is_refused(engine: Engine, ids: dict[str, str], tmp_path: Path) -> None:
    f = sheet(tmp_path / "renamed.xlsx", [row(ids["学前教育毛入园率"], 93.5)], title="Sheet1")
    before = snapshot(engine)
    with pytest.raises(ImportRejected, match="sheet '数据填报' not found \\(sheets: Sheet1\\)"):
        do_import(engine, f)
    assert snapshot(engine) == before


def test_zip_bomb_is_refused_before_openpyxl_opens_it(engine: Engine, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"<row/>" * (1 << 17)
            for _ in range(150):  # ~118 MB of XML, a few hundred KB on disk
                member.write(chunk)
    assert bomb.stat().st_size < 1_000_000
    before = snapshot(engine)
    with pytest.raises(ImportRejected, match="zip bomb"):
        do_import(engine, bomb)
    assert snapshot(engine) == before


def test_not_a_spreadsheet_and_too_many_rows_are_refused(engine: Engine, ids: dict[str, str],
                                                          tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(ImportRejected, match=r"not a valid \.xlsx"):
        do_import(engine, fake)

    big = many_rows(tmp_path, ids["学前教育毛入园率"], 100_000)
    before = snapshot(engine)
    with pytest.raises(ImportRejected, match="too many rows"):
        do_import(engine, big)
    assert snapshot(engine) == before


def test_template_round_trip_and_version_conflict(engine: Engine, ids: dict[str, str], tmp_path: Path) -> None:
    with transaction(engine) as s:
        assign(s, indicator_by_ref(s, ids["学前教育毛入园率"]), "县教育局", "510824")
        assign(s, indicator_by_ref(s, ids["高中阶段教育毛入学率"]), "县教育局", "510824")
        paths = write_templates(s, ids["学前教育毛入园率"].split("-")[0][1:], tmp_path, year=2022)
    forms = {p.name.split("_")[-1]: p for p in paths}
    assert set(forms) == {"县教育局.xlsx", "未分配部门.xlsx"}
    edu = forms["县教育局.xlsx"]
    wb = load_workbook(edu)
    assert wb.sheetnames[0] == "填报说明" and "黄色单元格" in "".join(str(c.value) for c in wb["填报说明"]["A"])
    ws = wb[DATA_SHEET]
    assert ws.max_row == 3 and ws.data_validations.dataValidation  # two indicators, validated cells
    ws["K2"] = 93.5
    ws["M2"] = "2022年教育事业统计"
    wb.save(edu)
    assert do_import(engine, edu).inserted == 1

    # Someone corrects the value in the register; the old form's version is now stale.
    with transaction(engine) as s:
        obs = s.scalars(select(Observation)).one()
        update_observation(s, obs.id, obs.version, {"value": 94.0}, by="planner")
    with transaction(engine) as s:
        write_templates(s, ids["学前教育毛入园率"].split("-")[0][1:], tmp_path / "fresh", year=2022, department="县教育局")
    ws["K2"] = 95.0
    ws["O2"] = 1
    wb.save(edu)
    before = snapshot(engine)
    with pytest.raises(ImportRejected, match="changed by someone else"):
        do_import(engine, edu)
    assert snapshot(engine) == before


def test_export_csv_imports_back_unchanged_and_neutralises_formula_text(engine: Engine, ids: dict[str, str],
                                                                         tmp_path: Path) -> None:
    f = sheet(tmp_path / "in.xlsx", [row(ids["学前教育毛入园率"], 93.5, source="-来自年报")])
    do_import(engine, f)
    out = tmp_path / "out.csv"
    with transaction(engine) as s:
        write_export(export_rows(s, statuses=ALL_STATUSES), out)  # a staff round trip of submitted values
    cells = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert cells[1][12] == "'-来自年报"  # a spreadsheet will not run it
    r = do_import(engine, out)
    assert (r.inserted, r.updated, r.unchanged) == (0, 0, 1)


def test_xml_entity_bomb_inside_the_sheet_is_refused(engine: Engine, ids: dict[str, str], tmp_path: Path) -> None:
    small = sheet(tmp_path / "small.xlsx", [row(ids["学前教育毛入园率"], 90.0)])
    bomb = tmp_path / "laughs.xlsx"
    entities = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(bomb, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                decl_end = text.index("?>") + 2 if "?>" in text else 0
                text = text[:decl_end] + entities + text[decl_end:].replace("<v>90</v>", "<v>&i;</v>", 1)
                data = text.encode()
            dst.writestr(info, data)
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as err:
        do_import(engine, bomb)
    assert "cannot" in str(err.value)
    assert snapshot(engine) == before


def test_negated_judgements_from_a_sheet_are_stored_as_not_achieved(engine: Engine, ids: dict[str, str],
                                                                    tmp_path: Path) -> None:
    from sqlalchemy import select

    from planwatch.register.schema import Observation

    ind = ids["孤儿和事实无人抚养儿童保障覆盖率"]
    f = sheet(tmp_path / "neg.xlsx", [row(ind, judgement="未完成")])
    r = do_import(engine, f)
    assert r.problems == [] and r.inserted == 1
    with transaction(engine) as s:
        (stored,) = s.scalars(select(Observation.judgement)).all()
    assert stored == "未实现"
    bad = sheet(tmp_path / "bad.xlsx", [row(ind, judgement="还行", year=2023)])
    r = do_import(engine, bad, accept_valid=True)
    assert r.problems and "还行" in r.problems[0].zh
