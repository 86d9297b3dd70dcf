"""The value grammar: how a target or baseline cell as written becomes a number, an operator and a kind."""

from __future__ import annotations

import pytest

from planwatch.extract.numbers import is_placeholder, is_unit_text, is_value_text, parse_number, parse_value


def fields(raw: str) -> tuple:
    v = parse_value(raw)
    return v["value"], v["value_low"], v["value_high"], v["op"], v["kind"], v["unit"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # plain numbers, percent and units inside the cell
        ("2.5", (2.5, None, None, "=", "level", None)),
        ("0", (0.0, None, None, "=", "level", None)),
        ("20.5%", (20.5, None, None, "=", "level", "%")),
        ("20.5％", (20.5, None, None, "=", "level", "%")),  # full-width % comes back as ASCII
        ("1,200", (1200.0, None, None, "=", "level", None)),
        ("１２", (12.0, None, None, "=", "level", None)),
        ("13000户", (13000.0, None, None, "=", "level", "户")),
        ("2.05‰", (2.05, None, None, "=", "level", "‰")),
        # operators, ASCII and full-width
        ("≥60", (60.0, None, None, ">=", "level", None)),
        ("≥3.0", (3.0, None, None, ">=", "level", None)),
        ("≤4", (4.0, None, None, "<=", "level", None)),
        (">45", (45.0, None, None, ">", "level", None)),
        ("＞9000", (9000.0, None, None, ">", "level", None)),
        ("<5", (5.0, None, None, "<", "level", None)),
        ("＜5", (5.0, None, None, "<", "level", None)),
        (">=90", (90.0, None, None, ">=", "level", None)),
        ("<=16", (16.0, None, None, "<=", "level", None)),
        # operator words
        ("98以上", (98.0, None, None, ">=", "level", None)),
        ("100%以上", (100.0, None, None, ">=", "level", "%")),
        ("5%以下", (5.0, None, None, "<=", "level", "%")),
        ("4%以内", (4.0, None, None, "<=", "level", "%")),
        ("不低于95%", (95.0, None, None, ">=", "level", "%")),
        ("不少于300天", (300.0, None, None, ">=", "level", "天")),
        ("不超过5.5", (5.5, None, None, "<=", "level", None)),
        ("超过95%", (95.0, None, None, ">", "level", "%")),
        ("控制在4%以内", (4.0, None, None, "<=", "level", "%")),
        ("稳定在98以上", (98.0, None, None, ">=", "level", None)),
        ("稳定在98%以上", (98.0, None, None, ">=", "level", "%")),
        # 【】 cumulative, * annual, reduction
        ("【0.5】", (0.5, None, None, "=", "cumulative", None)),
        ("【0.88】", (0.88, None, None, "=", "cumulative", None)),
        ("[3]", (3.0, None, None, "=", "cumulative", None)),
        ("【≥2】", (2.0, None, None, ">=", "cumulative", None)),
        ("4*", (4.0, None, None, "=", "annual", None)),
        ("4＊", (4.0, None, None, "=", "annual", None)),
        (">7*", (7.0, None, None, ">", "annual", None)),
        ("年均增长5%", (5.0, None, None, "=", "annual", "%")),
        ("累计新增1万人", (1.0, None, None, "=", "cumulative", "万人")),
        ("下降10%", (10.0, None, None, "=", "reduction", "%")),
        # ranges
        ("1-2", (None, 1.0, 2.0, "range", "level", None)),
        ("2至3", (None, 2.0, 3.0, "range", "level", None)),
        ("2—3", (None, 2.0, 3.0, "range", "level", None)),
        ("2~3", (None, 2.0, 3.0, "range", "level", None)),
        ("2～3", (None, 2.0, 3.0, "range", "level", None)),
        ("2–3", (None, 2.0, 3.0, "range", "level", None)),
        ("1-2个", (None, 1.0, 2.0, "range", "level", "个")),
        ("2%-3%", (None, 2.0, 3.0, "range", "level", "%")),
        ("1-2万人", (None, 1.0, 2.0, "range", "level", "万人")),
        ("【1-2】", (None, 1.0, 2.0, "range", "cumulative", None)),
        # 左右 / 约 keep "="
        ("5左右", (5.0, None, None, "=", "level", None)),
        ("90%左右", (90.0, None, None, "=", "level", "%")),
        ("约5", (5.0, None, None, "=", "level", None)),
        # 万/亿: scale the number when written as part of it, else part of the unit
        ("1.2万", (12000.0, None, None, "=", "level", None)),
        ("3亿", (300000000.0, None, None, "=", "level", None)),
        ("2.3万人", (2.3, None, None, "=", "level", "万人")),
        ("1.5亿元", (1.5, None, None, "=", "level", "亿元")),
        ("1万人以上", (1.0, None, None, ">=", "level", "万人")),
        # Chinese numerals
        ("一所", (1.0, None, None, "=", "level", "所")),
        ("两个", (2.0, None, None, "=", "level", "个")),
        ("十二轨", (12.0, None, None, "=", "level", "轨")),
        ("三万人", (3.0, None, None, "=", "level", "万人")),
        # qualitative values
        ("应保尽保", (None, None, None, "qualitative", "level", None)),
        ("保持稳定", (None, None, None, "qualitative", "level", None)),
        ("全覆盖", (None, None, None, "qualitative", "level", None)),
        ("动态清零", (None, None, None, "qualitative", "level", None)),
        ("持续提高", (None, None, None, "qualitative", "level", None)),
        ("—", (None, None, None, "qualitative", "level", None)),
        # a ratio has no single value
        ("1:3:6", (None, None, None, "=", "level", None)),
    ],
)
def test_parse_value(raw: str, expected: tuple) -> None:
    assert fields(raw) == expected


@pytest.mark.parametrize("raw", ["≥60", " 【0.5】 ", "4*", "稳定在98以上", "应保尽保", "100%以上", "２.５"])
def test_raw_is_returned_exactly_as_written(raw: str) -> None:
    assert parse_value(raw)["raw"] == raw


@pytest.mark.parametrize(
    "text",
    ["2.5", "≥60", "【0.5】", "4*", "98以上", "稳定在98以上", "保持稳定", "应保尽保", "全覆盖", "动态清零",
     "1-2个", "20.5%", ">9000", "—", "/", "一所"],
)
def test_value_cells(text: str) -> None:
    assert is_value_text(text)


@pytest.mark.parametrize(
    "text",
    ["5岁以下儿童死亡率2", "人均预期寿命1", "每千人口3岁以下婴幼儿托位数(个)", "幼有所育", "学有所教", "病有所医",
     "弱有所扶", "公共教育服务", "基本医疗保险参保率", "城镇新增就业", "新增硕士学位授予单位", "%", "万人", "/10",
     "R&D经费支出占GDP比重", "孤儿和事实无人抚养儿童保障覆盖率"],
)
def test_not_value_cells(text: str) -> None:
    assert not is_value_text(text)


@pytest.mark.parametrize("text", ["%", "％", "万人", "万人次", "个", "年", "岁", "平方米", "/10", "1/10万", "元/人",
                                  "张/千人", "‰", "户", "次", "人"])
def test_unit_cells(text: str) -> None:
    assert is_unit_text(text)


@pytest.mark.parametrize("text", ["含大病保险", "助理", "小", "幼有所育", "人均预期寿命", "2.5", "/", ""])
def test_not_unit_cells(text: str) -> None:
    assert not is_unit_text(text)


@pytest.mark.parametrize("text", ["—", "-", "/", "——", " "])
def test_placeholders(text: str) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12.5", 12.5), ("十二", 12.0), ("两", 2.0), ("一百零五", 105.0), ("1,200", 1200.0), ("2.3万", 23000.0),
     ("", None), ("abc", None), ("人均", None)],
)
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected
