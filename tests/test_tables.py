"""Indicator tables: flattened one cell per line (web copies) and tab-separated (our document readers)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from planwatch.extract.outline import build_outline
from planwatch.extract.tables import extract_tables

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {p.name[:3]: p for p in sorted((ROOT / "data" / "seeds").glob("*.txt"))}


def run(lines: list[str]) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    return extract_tables(lines, build_outline(lines))


def seed_lines(key: str) -> list[str]:
    return SEEDS[key].read_text(encoding="utf-8").split("\n")


def by_line(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {r["line"]: r for r in rows}


def brief(r: dict[str, Any]) -> tuple:
    return (r["domain"], r["name"], r["unit"], (r["baseline"] or {}).get("raw"), r["target"]["raw"], r["attribute"])


# ------------------------------------------------------------------ the seed tables


def test_seed_002_table1_every_row() -> None:
    lines = seed_lines("002")
    rows, spans = run(lines)
    assert len(rows) == 37
    assert spans == [(143, 467)]  # caption … the "注:" line
    rows_at = by_line(rows)
    assert brief(rows_at[163]) == ("幼有所育", "每千人口3岁以下婴幼儿托位数", "个", "0.27", "2.5", "预期性")
    # a dropped baseline cell: the single value is the target
    assert brief(rows_at[171]) == ("幼有所育", "孤儿和事实无人抚养儿童保障覆盖率", "%", None, "应保尽保", "约束性")
    assert rows_at[171]["target"]["op"] == "qualitative"
    assert brief(rows_at[243])[4] == "4*" and rows_at[243]["target"]["kind"] == "annual"
    assert rows_at[257]["baseline"]["raw"] == "【0.88】" and rows_at[257]["target"]["kind"] == "cumulative"
    assert rows_at[265]["name"] == "其中:农民工参加职业培训人次"
    # a parenthetical that is not a unit stays in the name
    assert brief(rows_at[339]) == ("病有所医", "居民医保政策范围内住院报销比例(含大病保险)", None, "70", "保持稳定", "预期性")
    assert rows_at[307]["name"] == "每千人口拥有执业(助理)医师数" and rows_at[307]["unit"] == "人"
    assert brief(rows_at[323])[3:5] == ("98以上", "稳定在98以上")
    assert rows_at[323]["target"]["value"] == 98 and rows_at[323]["target"]["op"] == ">="
    assert brief(rows_at[459]) == ("法律服务", "依托乡镇司法所建立公共法律服务工作站建成率", "%", "100", "100", "预期性")
    for r in rows:
        assert r["source"] == "table" and r["table"] == "表1"
        assert r["quote"] in lines[r["line"] - 1]
        assert r["target"]["year"] == 2025
        assert r["baseline"] is None or r["baseline"]["year"] == 2020
        assert r["name_raw"] == lines[r["line"] - 1].strip()


def test_seed_004_box1_units_footnotes_and_notes() -> None:
    lines = seed_lines("004")
    rows, spans = run(lines)
    assert len(rows) == 25
    assert spans == [(113, 383)]  # the footnote list after the table belongs to it
    rows_at = by_line(rows)
    assert brief(rows_at[127]) == ("公共教育服务", "初中巩固率", "%", "99", "100", "约束性")
    # a dropped unit cell
    assert brief(rows_at[147]) == ("公共教育服务", "新增硕士学位授予单位", None, "0", "1", "约束性")
    # footnote digits 1…6 are stripped from the name, kept in name_raw
    assert rows_at[173]["name"] == "人均预期寿命" and rows_at[173]["name_raw"] == "人均预期寿命1"
    assert rows_at[181]["name"] == "5岁以下儿童死亡率"
    assert brief(rows_at[189]) == ("公共医疗服务", "孕产妇死亡率", "/10", "19.38", "≤16", "预期性")
    assert rows_at[189]["name_raw"] == "孕产妇死亡率3"
    # each footnoted row keeps its note's text (注:1依据…), the portal shows it as 规划注释
    assert rows_at[173]["note"].startswith("依据国家《健康中国2030》建设主要指标中人均预期寿命")
    assert rows_at[189]["note"].startswith("依据国家《健康中国2030》建设主要指标中孕产妇死亡率")
    assert "note" not in rows_at[127]
    assert brief(rows_at[199]) == ("公共医疗服务", "城乡居民健康素养水平", "%", "20.5%", "≥25", "预期性")
    assert rows_at[355]["name"] == "人均公共图书馆藏书量" and rows_at[355]["domain"] == "公共文体服务"
    assert rows_at[321]["name"] == "R&D经费支出占GDP比重"
    assert brief(rows_at[363]) == ("公共文体服务", "人均体育场地面积", "平方米", "2.31", "≥3.0", "预期性")
    assert all(r["table"] == "专栏1" for r in rows)


@pytest.mark.parametrize("key", ["000", "001", "003"])
def test_seeds_without_indicator_tables(key: str) -> None:
    rows, spans = run(seed_lines(key))
    assert rows == [] and spans == []


def test_service_list_table_is_not_an_indicator_table() -> None:
    lines = seed_lines("002")
    _rows, spans = run(lines)
    assert not any(a <= 484 <= b for a, b in spans)  # 表2 基本公共服务项目清单


def test_tables_of_all_seeds_are_fast() -> None:
    docs = [seed_lines(k) for k in SEEDS]
    t0 = time.perf_counter()
    for lines in docs:
        run(lines)
    assert time.perf_counter() - t0 < 0.5


# ------------------------------------------------------------------ rendering helpers

# (domain, name as written, unit cell, baseline cell, target cell, attribute); None = empty cell
SPEC: list[tuple[str | None, str, str | None, str | None, str | None, str | None]] = [
    ("幼有所育", "每千人口3岁以下婴幼儿托位数(个)", None, "0.27", "2.5", "预期性"),
    ("幼有所育", "孤儿和事实无人抚养儿童保障覆盖率(%)", None, None, "应保尽保", "约束性"),
    ("劳有所得", "城镇登记失业率(%)", None, "3.8", "≤4", "预期性"),
    ("劳有所得", "城镇全部单位就业人员平均工资增长(%)", None, None, "4*", "预期性"),
    ("劳有所得", "开展补贴性职业技能培训人数(万人次)", None, "【0.88】", "【0.5】", "预期性"),
    ("病有所医", "基本医疗保险参保率(%)", None, "98以上", "稳定在98以上", "约束性"),
    ("病有所医", "居民医保政策范围内住院报销比例(含大病保险)", None, "70", "保持稳定", "预期性"),
    ("老有所养", "新建城区、居住(小)区配套建设养老服务设施达标率(%)", None, None, "70", "约束性"),
    ("文体服务保障", "每万人接受公共文化设施服务次数(次)", None, "8696", ">9000", "约束性"),
]

SPEC_UNITS: list[tuple[str | None, str, str | None, str | None, str | None, str | None]] = [
    ("公共教育服务", "初中巩固率", "%", "99", "100", "约束性"),
    ("公共教育服务", "新增硕士学位授予单位", None, "0", "1", "约束性"),
    ("公共医疗服务", "人均预期寿命1", None, "76.5", "78.2", "预期性"),
    ("公共医疗服务", "孕产妇死亡率3", "/10", "19.38", "≤16", "预期性"),
    ("公共医疗服务", "5岁以下儿童死亡率2", None, "4.84", "≤5", "预期性"),
    ("公共就业创业服务", "城镇新增就业", "万人", "9.63", "4", "预期性"),
    ("公共就业创业服务", "城镇调查失业率", "%", None, "5.5", "约束性"),
]

EXPECTED_SPEC = [
    ("幼有所育", "每千人口3岁以下婴幼儿托位数", "个", "0.27", "2.5", "预期性"),
    ("幼有所育", "孤儿和事实无人抚养儿童保障覆盖率", "%", None, "应保尽保", "约束性"),
    ("劳有所得", "城镇登记失业率", "%", "3.8", "≤4", "预期性"),
    ("劳有所得", "城镇全部单位就业人员平均工资增长", "%", None, "4*", "预期性"),
    ("劳有所得", "开展补贴性职业技能培训人数", "万人次", "【0.88】", "【0.5】", "预期性"),
    ("病有所医", "基本医疗保险参保率", "%", "98以上", "稳定在98以上", "约束性"),
    ("病有所医", "居民医保政策范围内住院报销比例(含大病保险)", None, "70", "保持稳定", "预期性"),
    ("老有所养", "新建城区、居住(小)区配套建设养老服务设施达标率", "%", None, "70", "约束性"),
    ("文体服务保障", "每万人接受公共文化设施服务次数", "次", "8696", ">9000", "约束性"),
]

# footnotes 1, 2, 3 are not in table order here on purpose: 1 then 3 then 2 → only the chain 1, 2 … counts,
# but the notes list explains 1-3, so all three are footnotes
EXPECTED_UNITS = [
    ("公共教育服务", "初中巩固率", "%", "99", "100", "约束性"),
    ("公共教育服务", "新增硕士学位授予单位", None, "0", "1", "约束性"),
    ("公共医疗服务", "人均预期寿命", None, "76.5", "78.2", "预期性"),
    ("公共医疗服务", "孕产妇死亡率", "/10", "19.38", "≤16", "预期性"),
    ("公共医疗服务", "5岁以下儿童死亡率", None, "4.84", "≤5", "预期性"),
    ("公共就业创业服务", "城镇新增就业", "万人", "9.63", "4", "预期性"),
    ("公共就业创业服务", "城镇调查失业率", "%", None, "5.5", "约束性"),
]

NOTES = ["注:1依据《健康中国2030》。", "2依据国家标准。", "3依据国家标准(1/10万)。"]
PROSE_AFTER = ["", "第三章 全面加强高质量教育体系建设", "",
               "到2025年,学前三年毛入园率达到95%以上,普惠性幼儿园覆盖率达到80%以上,全面提升教育质量和水平。"]


def flattened(spec: list, header: list[str], *, caption: str | None = "表1 某县“十四五”公共服务主要指标",
              unit_col: bool = False, blank: bool = True, seq: bool = False, attr_first: bool = False,
              with_attr: bool = True, notes: list[str] | None = None) -> list[str]:
    """One cell per line, empty cells dropped, the domain only on a group's first row."""
    cells: list[str] = []
    if caption:
        cells.append(caption)
    cells += header
    prev_domain = None
    for i, (domain, name, unit, base, target, attr) in enumerate(spec, start=1):
        if seq:
            cells.append(str(i))
        if domain != prev_domain:
            cells.append(domain)
            prev_domain = domain
        cells.append(name)
        if attr_first and with_attr and attr:
            cells.append(attr)
        if unit_col and unit:
            cells.append(unit)
        cells += [c for c in (base, target) if c is not None]
        if not attr_first and with_attr and attr:
            cells.append(attr)
    lines: list[str] = ["前言:本规划依据有关文件编制。", ""]
    for c in cells:
        lines.append(c)
        if blank:
            lines.append("")
    lines += notes or []
    return lines + PROSE_AFTER


def tsv(spec: list, header_rows: list[list[str]], *, unit_col: bool = False, repeat_domain: bool = True,
        caption: str | None = "表1 某县“十四五”公共服务主要指标", notes: list[str] | None = None) -> list[str]:
    """One line per row, cells joined by tabs, empty cells kept, merged domain cells repeated or left empty."""
    lines = ["前言:本规划依据有关文件编制。", ""]
    if caption:
        lines.append(caption)
    lines += ["\t".join(r) for r in header_rows]
    prev = None
    for domain, name, unit, base, target, attr in spec:
        d = domain if (repeat_domain or domain != prev) else ""
        prev = domain
        cells = [d, name] + ([unit or ""] if unit_col else []) + [base or "", target or "", attr or ""]
        lines.append("\t".join(cells))
    lines += notes or []
    return lines + PROSE_AFTER


HEADER_SPLIT = ["领域", "指标名称", "2020年", "情况", "2025年", "目标", "指标", "性质"]
HEADER_UNITS = ["指  标", "单位", "2020年", "2025年", "属性"]


# ------------------------------------------------------------------ flattened variants


@pytest.mark.parametrize("blank", [True, False])
def test_flattened_split_header(blank: bool) -> None:
    lines = flattened(SPEC, HEADER_SPLIT, blank=blank)
    rows, spans = run(lines)
    assert [brief(r) for r in rows] == EXPECTED_SPEC
    assert all(r["quote"] == r["name_raw"] == lines[r["line"] - 1] for r in rows)
    assert all(r["baseline"] is None or r["baseline"]["year"] == 2020 for r in rows)
    assert len(spans) == 1 and spans[0][0] == 3
    assert spans[0][1] < len(lines) - 3  # the chapter after the table is prose, not table


def test_flattened_unit_column_footnotes_and_notes() -> None:
    lines = flattened(SPEC_UNITS, HEADER_UNITS, unit_col=True, notes=NOTES, caption="专栏1 十四五主要指标")
    rows, spans = run(lines)
    assert [brief(r) for r in rows] == EXPECTED_UNITS
    assert {r["table"] for r in rows} == {"专栏1"}
    assert spans[0][1] == lines.index(NOTES[-1]) + 1
    assert sorted(r["note"] for r in rows if "note" in r) == ["依据《健康中国2030》。", "依据国家标准(1/10万)。",
                                                            "依据国家标准。"]


def test_footnote_digit_is_kept_when_not_a_footnote() -> None:
    spec = [("医疗", "二级以上综合医院数2", "个", "3", "4", "预期性"), ("医疗", "人均预期寿命", "岁", "77", "78", "预期性")]
    rows, _ = run(flattened(spec, HEADER_UNITS, unit_col=True))
    assert rows[0]["name"] == "二级以上综合医院数2"


def test_flattened_sequence_column() -> None:
    header = ["序号", "领域", "指标名称", "2020年", "2025年", "属性"]
    rows, _ = run(flattened(SPEC, header, seq=True))
    assert [brief(r) for r in rows] == EXPECTED_SPEC


def test_flattened_without_attribute_column() -> None:
    header = ["领域", "指标名称", "2020年", "2025年"]
    expected = [(*e[:5], None) for e in EXPECTED_SPEC]
    rows, _ = run(flattened(SPEC, header, with_attr=False))
    assert [brief(r) for r in rows] == expected


def test_flattened_attribute_before_values() -> None:
    header = ["领域", "指标", "属性", "2020年", "2025年"]
    rows, _ = run(flattened(SPEC, header, attr_first=True))
    assert [brief(r) for r in rows] == EXPECTED_SPEC


def test_flattened_baseline_and_target_headers_without_years() -> None:
    header = ["领域", "指标名称", "基期值", "目标值", "属性"]
    lines = flattened(SPEC, header, caption="表1 “十四五”时期主要指标")
    rows, _ = run(lines)
    assert [brief(r) for r in rows] == EXPECTED_SPEC
    assert rows[0]["baseline"]["year"] == 2020 and rows[0]["target"]["year"] == 2025


def test_flattened_caption_title_on_its_own_line_and_caption_less_table() -> None:
    lines = flattened(SPEC, HEADER_SPLIT, caption=None)
    rows, _ = run(lines)
    assert [brief(r) for r in rows] == EXPECTED_SPEC and rows[0]["table"] is None
    lines = flattened(SPEC, ["某县“十四五”公共服务主要指标", *HEADER_SPLIT], caption="表1")
    rows, _ = run(lines)
    assert [brief(r) for r in rows] == EXPECTED_SPEC and rows[0]["table"] == "表1"


def test_flattened_placeholder_baseline_is_none() -> None:
    spec = [("教育", "学前教育毛入园率(%)", None, "—", "98", "预期性"), ("教育", "巩固率(%)", None, "/", "100", "约束性")]
    rows, _ = run(flattened(spec, HEADER_SPLIT))
    assert [(r["baseline"], r["target"]["raw"]) for r in rows] == [(None, "98"), (None, "100")]


def test_three_value_columns() -> None:
    header = ["领域", "指标名称", "2020年", "2023年", "2025年", "属性"]
    lines = flattened([], header)
    body = ["幼有所育", "", "托位数(个)", "", "0.27", "", "1.5", "", "2.5", "", "预期性", "",
            "覆盖率(%)", "", "98", "", "99", "", "约束性", ""]
    at = lines.index("属性") + 2
    lines = lines[:at] + body + lines[at:]
    rows, _ = run(lines)
    # a row with a dropped cell keeps target and baseline first: the interim year is the empty one
    assert [((r["baseline"] or {}).get("raw"), r["target"]["raw"]) for r in rows] == [("0.27", "2.5"), ("98", "99")]
    assert rows[0]["other_values"] == {"2023年": "1.5"}
    assert "other_values" not in rows[1]


def test_growth_column_dropped_cells_keep_the_target() -> None:
    lines = ["表1 主要指标", "指标名称", "单位", "2020年", "2025年", "年均增长", "属性",
             "城镇新增就业", "万人", "5", "6", "[3]", "预期性",
             "居民人均可支配收入增长", "%", "7*", "预期性"]
    rows, _ = run(lines)
    assert [(r["name"], (r["baseline"] or {}).get("raw"), r["target"]["raw"]) for r in rows] == [
        ("城镇新增就业", "5", "6"), ("居民人均可支配收入增长", None, "7*")]
    assert rows[0]["other_values"] == {"年均增长": "[3]"}


def test_rows_without_attribute_among_rows_with_one_and_a_heading_after_the_table() -> None:
    lines = ["表3 主要指标", "领域", "指标", "2020年", "2025年", "属性",
             "教育", "学前教育毛入园率(%)", "90", "≥国家平均水平", "约束性",
             "义务教育巩固率(%)", "95", "97",
             "高中毛入学率(%)", "逐年提高", "预期性",
             "卫生", "人均预期寿命(岁)", "77", "78", "预期性",
             "二、主要任务", "(一)加强教育", "到2025年,全市新建幼儿园10所,学前三年毛入园率达到95%以上。"]
    rows, spans = run(lines)
    assert [brief(r) for r in rows] == [
        ("教育", "学前教育毛入园率", "%", "90", "≥国家平均水平", "约束性"),
        ("教育", "义务教育巩固率", "%", "95", "97", None),
        ("教育", "高中毛入学率", "%", None, "逐年提高", "预期性"),
        ("卫生", "人均预期寿命", "岁", "77", "78", "预期性"),
    ]
    assert spans == [(1, 22)]


def test_numbered_domain_cells_do_not_end_the_table() -> None:
    lines = ["表1 主要指标", "领域", "指标", "2020年", "2025年", "属性",
             "一、幼有所育", "托位数(个)", "0.27", "2.5", "预期性",
             "二、学有所教", "学前教育毛入园率(%)", "90", "98", "预期性"]
    rows, _ = run(lines)
    assert [(r["domain"], r["name"]) for r in rows] == [("一、幼有所育", "托位数"), ("二、学有所教", "学前教育毛入园率")]


def test_flattened_sequence_column_after_the_domain() -> None:
    lines = ["专栏2 教育发展主要指标", "类别", "序号", "指标", "单位", "2020年", "2025年", "属性",
             "学前教育", "1", "学前三年毛入园率", "%", "90", "≥95", "约束性",
             "2", "普惠性幼儿园覆盖率", "%", "85.2", ">85", "预期性",
             "义务教育", "3", "九年义务教育巩固率", "%", "96.5", "97", "约束性"]
    rows, _ = run(lines)
    assert [brief(r) for r in rows] == [
        ("学前教育", "学前三年毛入园率", "%", "90", "≥95", "约束性"),
        ("学前教育", "普惠性幼儿园覆盖率", "%", "85.2", ">85", "预期性"),
        ("义务教育", "九年义务教育巩固率", "%", "96.5", "97", "约束性"),
    ]


def test_fifteenth_plan_years() -> None:
    lines = ["表1 某市“十五五”主要指标", "指标", "2025年", "2030年", "属性",
             "城镇新增就业(万人)", "5", "6", "预期性"]
    rows, _ = run(lines)
    assert (rows[0]["baseline"]["year"], rows[0]["target"]["year"]) == (2025, 2030)


def test_flattened_name_wrapped_over_two_cells() -> None:
    lines = ["表1 主要指标", "指标", "2020年", "2025年", "属性",
             "每千人口拥有执业", "(助理)医师数(人)", "3", "3.5", "预期性"]
    rows, _ = run(lines)
    assert (rows[0]["name"], rows[0]["unit"], rows[0]["line"], rows[0]["quote"]) == (
        "每千人口拥有执业(助理)医师数", "人", 6, "每千人口拥有执业")
    assert rows[0]["domain"] is None


# ------------------------------------------------------------------ tab-separated tables


@pytest.mark.parametrize("repeat_domain", [True, False])
def test_tsv_table_matches_flattened(repeat_domain: bool) -> None:
    header = [["领域", "指标名称", "2020年情况", "2025年目标", "指标性质"]]
    lines = tsv(SPEC, header, repeat_domain=repeat_domain)
    rows, spans = run(lines)
    assert [brief(r) for r in rows] == EXPECTED_SPEC
    for r in rows:
        assert r["quote"] in lines[r["line"] - 1] and "\t" in lines[r["line"] - 1]
        assert r["table"] == "表1"
    assert spans == [(3, 4 + len(SPEC))]


def test_tsv_two_header_rows_and_unit_column() -> None:
    header = [["领域", "指标", "单位", "2020年", "2025年", "指标"], ["", "", "", "情况", "目标", "属性"]]
    lines = tsv(SPEC_UNITS, header, unit_col=True, notes=NOTES)
    rows, spans = run(lines)
    assert [brief(r) for r in rows] == EXPECTED_UNITS
    assert spans[0][1] == lines.index(NOTES[-1]) + 1


def test_tsv_group_rows_wrapped_names_and_unlabeled_unit_column() -> None:
    lines = [
        "表1 主要指标",
        "指标\t\t2020年\t2025年\t属性",
        "公共教育服务\t\t\t\t",
        "初中巩固率\t%\t99\t100\t约束性",
        "残疾儿童少年义务教育\t%\t96\t98\t预期性",
        "(含送教上门)入学率\t\t\t\t",
        "公共医疗服务\t公共医疗服务\t公共医疗服务\t公共医疗服务\t公共医疗服务",
        "人均预期寿命\t岁\t76.5\t78.2\t预期性",
    ]
    rows, _ = run(lines)
    assert [brief(r) for r in rows] == [
        ("公共教育服务", "初中巩固率", "%", "99", "100", "约束性"),
        ("公共教育服务", "残疾儿童少年义务教育(含送教上门)入学率", "%", "96", "98", "预期性"),
        ("公共医疗服务", "人均预期寿命", "岁", "76.5", "78.2", "预期性"),
    ]
    assert rows[1]["quote"] == "残疾儿童少年义务教育"


def test_tsv_header_cell_merged_over_domain_and_name_columns() -> None:
    lines = ["专栏1 主要指标", "指 \u2002标\t指 \u2002标\t单位\t2020年\t2025年\t属性",
             "公共教育服务\t初中巩固率\t%\t99\t100\t约束性",
             "公共教育服务\t新增硕士学位授予单位\t\t0\t1\t约束性"]
    rows, _ = run(lines)
    assert [brief(r) for r in rows] == [("公共教育服务", "初中巩固率", "%", "99", "100", "约束性"),
                                        ("公共教育服务", "新增硕士学位授予单位", None, "0", "1", "约束性")]


def test_tsv_wrapped_name_with_domain_column() -> None:
    lines = [
        "领域\t指标名称\t2020年\t2025年\t属性",
        "病有所医\t每千人口拥有执业\t2.66\t2.8\t预期性",
        "\t(助理)医师数(人)\t\t\t",
        "\t基本医疗保险\t\t\t",
        "\t参保率(%)\t98以上\t稳定在98以上\t约束性",
    ]
    rows, _ = run(lines)
    assert [brief(r) for r in rows] == [
        ("病有所医", "每千人口拥有执业(助理)医师数", "人", "2.66", "2.8", "预期性"),
        ("病有所医", "基本医疗保险参保率", "%", "98以上", "稳定在98以上", "约束性"),
    ]
    assert rows[1]["line"] == 4 and rows[1]["quote"] == "基本医疗保险"


def test_tsv_round_trip_of_seed_002() -> None:
    """The seed's flattened 表1 rendered as a real table (one tab-separated line per row) reads the same."""
    lines = seed_lines("002")
    rows, _ = run(lines)
    out = ["表1 苍溪县“十四五”公共服务重点领域主要发展指标", "领域\t指标名称\t2020年情况\t2025年目标\t指标性质"]
    prev = None
    for r in rows:
        out.append("\t".join([r["domain"] if r["domain"] != prev else "", r["name_raw"],
                              (r["baseline"] or {}).get("raw") or "", r["target"]["raw"], r["attribute"]]))
        prev = r["domain"]
    out.append("注:【】内为5年累计数,带*为年均增速。")
    rows2, spans2 = run(out)
    assert [brief(r) for r in rows2] == [brief(r) for r in rows]
    assert [r["target"]["kind"] for r in rows2] == [r["target"]["kind"] for r in rows]
    assert spans2 == [(1, len(out))]


def test_tsv_block_that_is_not_an_indicator_table_is_ignored() -> None:
    lines = ["表2 基本公共服务项目清单", "服务领域\t服务内容与目标\t服务项目", "幼有所育\t为城乡居民提供服务\t预防接种"]
    assert run(lines) == ([], [])


def test_header_repeated_after_a_page_break() -> None:
    flat = ["表1 主要指标", "指标", "2020年", "2025年", "属性",
            "城镇新增就业(万人)", "5", "6", "预期性",
            "续表1", "指标", "2020年", "2025年", "属性",
            "人均预期寿命(岁)", "77", "78", "预期性"]
    rows, _ = run(flat)
    assert [(r["name"], r["baseline"]["raw"], r["target"]["raw"]) for r in rows] == [
        ("城镇新增就业", "5", "6"), ("人均预期寿命", "77", "78")]
    tab = ["表1 主要指标", "指标\t2020年\t2025年\t属性", "城镇新增就业(万人)\t5\t6\t预期性",
           "续表1\t续表1\t续表1\t续表1", "指标\t2020年\t2025年\t属性", "人均预期寿命(岁)\t77\t78\t预期性"]
    rows, _ = run(tab)
    assert [(r["name"], r["baseline"]["raw"], r["target"]["raw"]) for r in rows] == [
        ("城镇新增就业", "5", "6"), ("人均预期寿命", "77", "78")]


def test_header_name_cell_with_its_unit() -> None:
    lines = ["表1 主要指标", "指标名称(单位)", "2020年", "2025年", "属性", "城镇新增就业(万人)", "5", "6", "预期性"]
    rows, _ = run(lines)
    assert brief(rows[0]) == (None, "城镇新增就业", "万人", "5", "6", "预期性")


def test_tsv_name_header_merged_over_name_and_unit_columns() -> None:
    lines = ["指标名称\t指标名称\t2020年\t2025年\t属性", "城镇新增就业\t万人\t5\t6\t预期性", "调查失业率\t%\t5.5\t<6\t预期性"]
    rows, _ = run(lines)
    assert [brief(r) for r in rows] == [(None, "城镇新增就业", "万人", "5", "6", "预期性"),
                                        (None, "调查失业率", "%", "5.5", "<6", "预期性")]


def test_unit_note_between_caption_and_header() -> None:
    lines = ["表1 主要指标", "单位:万人、%", "指标", "2020年", "2025年", "属性", "城镇新增就业", "5", "6", "预期性"]
    rows, spans = run(lines)
    assert brief(rows[0]) == (None, "城镇新增就业", None, "5", "6", "预期性") and spans == [(1, 10)]


def test_single_footnote_explained_by_the_notes() -> None:
    lines = ["表1 主要指标", "指标", "2020年", "2025年", "属性",
             "人均预期寿命(岁)", "77", "78", "预期性",
             "孕产妇死亡率2", "19.38", "≤16", "预期性",
             "注:2单位为1/10万。"]
    rows, spans = run(lines)
    assert [r["name"] for r in rows] == ["人均预期寿命", "孕产妇死亡率"] and spans == [(1, 14)]


# ------------------------------------------------------------------ other periods and header wordings

FIFTEENTH_SPEC = [("幼有所育", "每千人口拥有3岁以下婴幼儿托位数", "个", "3.2", "4.5", "预期性"),
                  ("学有所教", "劳动年龄人口平均受教育年限", "年", "11.2", "11.8", "约束性")]


@pytest.mark.parametrize("header", [
    ["领域", "指标", "单位", "2025年", "2030年", "属性"],
    ["领域", "指标", "单位", "“十四五”末", "“十五五”目标", "属性"],
    ["领域", "指标", "单位", "基期值", "目标值", "属性"],
    ["领域", "指标", "单位", "２０２５年", "２０３０年", "属性"],
])
def test_a_fifteenth_plan_table_dates_its_columns(header: list[str]) -> None:
    lines = flattened(FIFTEENTH_SPEC, header, unit_col=True, caption="表1 某省“十五五”公共服务主要指标")
    lines = [ln.replace("十四五", "十五五").replace("到2025年", "到2030年") if ln in PROSE_AFTER else ln for ln in lines]
    lines[0] = "某省“十五五”公共服务规划(2026—2030年)"
    rows, _ = run(lines)
    assert [(r["name"], r["unit"], r["baseline"]["raw"], r["baseline"]["year"], r["target"]["raw"],
             r["target"]["year"], r["attribute"]) for r in rows] == [
        ("每千人口拥有3岁以下婴幼儿托位数", "个", "3.2", 2025, "4.5", 2030, "预期性"),
        ("劳动年龄人口平均受教育年限", "年", "11.2", 2025, "11.8", 2030, "约束性")]


def test_value_cells_read_like_prose() -> None:
    """A cell's words mean what they mean in prose: 不得低于 is >=, 提高N个百分点 is a change, not a level."""
    spec = [("社会保障", "基本养老保险参保率", "%", "90", "不得低于95", "约束性"),
            ("社会保障", "护理型床位占比", "%", "50", "提高3个百分点", "预期性"),
            ("环境", "细颗粒物浓度", "微克/立方米", "40", "35微克/立方米", "约束性")]
    rows, _ = run(tsv(spec, [["领域", "指标", "单位", "2020年", "2025年", "属性"]], unit_col=True))
    got = {r["name"]: r["target"] for r in rows}
    assert (got["基本养老保险参保率"]["value"], got["基本养老保险参保率"]["op"]) == (95.0, ">=")
    change = got["护理型床位占比"]
    assert (change["value"], change["op"], change["kind"], change["direction"], change["base_year"]) == \
        (3.0, ">=", "change", "up", 2020)
    assert (got["细颗粒物浓度"]["value"], got["细颗粒物浓度"]["kind"]) == (35.0, "level")
    assert [r["attribute"] for r in rows] == ["约束性", "预期性", "约束性"]
