"""The lexicon and its engine, and the value grammar it carries, in a table cell and in prose alike."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from planwatch.extract import lexicon
from planwatch.extract.lexicon import WORDS, alt, attribute, canonical_unit, expand, rx, words
from planwatch.extract.numbers import kind_of, lead_op, parse_value
from planwatch.extract.outline import build_outline
from planwatch.extract.prose import extract_baselines, extract_prose_targets

PERIOD = (2021, 2025)


def prose(text: str, period: tuple[int, int] = PERIOD) -> list[dict[str, Any]]:
    lines = ["一、发展基础", "“十三五”时期,全县新增就业1万人。", "二、主要目标", text]
    return extract_prose_targets(lines, build_outline(lines), [], period)


def base_facts(*background: str, plan: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    lines = ["一、发展基础", *background, "二、主要目标", *plan]
    return extract_baselines(lines, build_outline(lines), [], PERIOD)


def cell(raw: str) -> tuple[Any, ...]:
    v = parse_value(raw)
    return v["value"], v["unit"], v["op"], v["kind"], v.get("direction")


def said(text: str) -> list[tuple[Any, ...]]:
    """(value, unit, op, kind, direction) of every prose target, as `cell` gives them."""
    return [(t["target"]["value"], t["unit"], t["target"]["op"], t["target"]["kind"], t["target"].get("direction"))
            for t in prose(text)]


# --- the engine -------------------------------------------------------------------------------------


def test_every_group_is_a_nonempty_tuple_of_words() -> None:
    for name, ws in WORDS.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", name), name
        assert isinstance(ws, tuple) and ws and all(isinstance(w, str) and w for w in ws), name


def test_every_group_is_used_by_a_rule() -> None:
    """No dead words: each group is named by some rule of the extractor (or by the lexicon's own tables)."""
    package = Path(lexicon.__file__).parents[1]  # every module of planwatch may use the lexicon
    code = "\n".join(f.read_text(encoding="utf-8") for f in package.rglob("*.py") if f.name != "lexicon.py")
    code += Path(lexicon.__file__).read_text(encoding="utf-8").split("\n}\n", 1)[1]  # after WORDS
    prefixes = re.findall(r'groups\("([a-z_]+\.)"\)', code)  # groups used by prefix (synonym.*)
    unused = [g for g in WORDS if f'"{g}"' not in code and "{" + g not in code
              and not any(g.startswith(p) for p in prefixes)]
    assert unused == []


def test_alternation_is_longest_first_and_escaped() -> None:
    assert words("kind.change_unit") == ("个百分点", "百分点")
    assert re.fullmatch(alt("op.at_least"), ">=")
    assert re.fullmatch(alt("unit.rate"), "微克/立方米")


def test_templates_fill_groups_and_leave_quantifiers_alone() -> None:
    pattern = rx(r"\d{1,3}{op.suffix_at_least}")
    assert pattern.fullmatch("98以上") and pattern.fullmatch("5及以上")
    assert "{1,3}" in expand(r"\d{1,3}{op.suffix_at_least}")
    assert rx("{op.at_least}") is rx("{op.at_least}")  # built once


def test_an_unknown_group_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match=r"op\.nonsense"):
        expand("{op.nonsense}")


def test_templates_read_the_groups_as_they_are_when_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """A word added to a group is in every pattern built from it afterwards (rules hold no words)."""
    assert lead_op("务必不跌破") is None
    monkeypatch.setitem(WORDS, "op.at_least", (*WORDS["op.at_least"], "不跌破"))
    lexicon.expand.cache_clear()
    lexicon.rx.cache_clear()
    assert lexicon.rx("{op.at_least}").search("务必不跌破")
    lexicon.expand.cache_clear()
    lexicon.rx.cache_clear()


def test_attribute_words_and_canonical_units() -> None:
    assert attribute("约束性") == "约束性" and attribute("[预期]") == "预期性" and attribute("【约束性指标】") == "约束性"
    assert attribute("指标") is None
    assert canonical_unit("％") == "%" and canonical_unit("平米") == "平方米" and canonical_unit("个") == "个"


# --- one parser for cells and prose: the drifts ---------------------------------------------------------


def test_must_not_fall_below_is_at_least_in_a_cell_and_in_prose() -> None:
    assert cell("不得低于95%")[:3] == (95.0, "%", ">=")
    assert said("到2025年,农村自来水普及率不得低于95%。")[0][:3] == (95.0, "%", ">=")


def test_points_of_change_are_a_change_in_a_cell_and_in_prose() -> None:
    assert cell("提高3个百分点") == (3.0, "个百分点", ">=", "change", "up")
    assert said("到2025年,参保率提高3个百分点。") == [(3.0, "个百分点", ">=", "change", "up")]
    assert cell("降低2个百分点") == (2.0, "个百分点", ">=", "change", "down")
    assert said("到2025年,城镇调查失业率降低2个百分点。") == [(2.0, "个百分点", ">=", "change", "down")]


def test_lead_words_give_the_same_operator_and_kind_everywhere() -> None:
    assert lead_op("不少于") == ">=" and lead_op("不超过") == "<=" and lead_op("超过") == ">"
    assert lead_op("低于") == "<" and lead_op("控制在") == "<=" and lead_op("达到") is None
    assert kind_of("年均增长", "%") == "annual" and kind_of("累计新增", "万人") == "cumulative"
    assert kind_of("下降", "%") == "reduction" and kind_of("提高", "个百分点") == "change"
    assert kind_of("提高到", "%") == "level"  # a change verb with its end point states a level


# --- value grammar -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [("1.2万亿元", 1.2, "万亿元"), ("50亿斤", 50.0, "亿斤"), ("1.5亿人次", 1.5, "亿人次"), ("3.2百万人", 3.2, "百万人")],
)
def test_compound_magnitudes_with_a_unit_keep_the_scale_in_the_unit(raw: str, value: float, unit: str) -> None:
    assert cell(raw)[:2] == (value, unit)
    assert said(f"到2025年,全县总量达到{raw}。")[0][:2] == (value, unit)


def test_a_change_cell_names_its_base_year() -> None:
    v = parse_value("比2015年提高3个百分点")
    assert (v["value"], v["kind"], v.get("direction"), v.get("base_year")) == (3.0, "change", "up", 2015)
    assert parse_value("比2020年翻一番").get("base_year") == 2020
    assert "base_year" not in parse_value("提高3个百分点")


def test_compound_magnitudes_alone_scale_the_number_in_a_cell() -> None:
    assert cell("1.2千万")[0] == 12_000_000
    assert cell("2万亿")[0] == 2e12


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [("35微克/立方米", 35.0, "微克/立方米"), ("0.5毫克/升", 0.5, "毫克/升"), ("5‰", 5.0, "‰"),
     ("3.5人/万人", 3.5, "人/万人"), ("6张/千人", 6.0, "张/千人"), ("576元/人/月", 576.0, "元/人/月")],
)
def test_concentration_and_rate_units(raw: str, value: float, unit: str) -> None:
    assert cell(raw)[:2] == (value, unit)
    assert said(f"到2025年,该项指标达到{raw}。") == [(value, unit, "=", "level", None)]


def test_per_hundred_thousand() -> None:
    assert cell("12/10万")[:2] == (12.0, "/10万")
    assert said("到2025年,孕产妇死亡率控制在12/10万。") == [(12.0, "1/10万", "<=", "level", None)]


def test_respective_values_pair_with_their_names() -> None:
    got = prose("到2025年,城乡居民基本养老保险和基本医疗保险参保率分别达到95%、98%。")
    assert [(t["name"], t["target"]["value"]) for t in got] == [
        ("城乡居民基本养老保险参保率", 95.0), ("基本医疗保险参保率", 98.0)]
    got = prose("失业保险、工伤保险参保人数分别达到59万人、60万人。")
    assert [(t["name"], t["target"]["value"]) for t in got] == [("失业保险参保人数", 59.0), ("工伤保险参保人数", 60.0)]


def test_durations_are_upper_bounds() -> None:
    assert cell("2小时内")[:3] == (2.0, "小时", "<=")
    assert cell("30分钟")[:3] == (30.0, "分钟", "<=")
    assert cell("每周150分钟以上")[:3] == (150.0, "分钟", ">=")
    assert said("城市急救平均反应时间缩短至12分钟,农村地区2小时内到达。") == [
        (12.0, "分钟", "<=", "level", None), (2.0, "小时", "<=", "level", None)]


def test_working_days_are_a_duration_and_alternative_measure_words_a_unit() -> None:
    assert cell("1个工作日内")[:3] == (1.0, "个工作日", "<=")
    assert said("企业开办时间压缩至1个工作日以内,筹集保障性租赁住房1.5万套(间)。") == [
        (1.0, "个工作日", "<=", "level", None), (1.5, "万套(间)", "=", "cumulative", None)]


def test_a_duration_glued_to_a_noun_names_a_thing() -> None:
    assert said("建设城市社区15分钟健身圈,打造1小时经济圈。") == []


def test_growth_and_doubling_are_changes_against_the_base() -> None:
    assert cell("增长10%") == (10.0, "%", ">=", "change", "up")
    assert cell("比2020年翻一番") == (100.0, "%", ">=", "change", "up")
    got = prose("到2025年,全县托位数比2020年翻一番,体育产业总规模增长20%以上。")
    assert [(t["target"]["value"], t["target"]["kind"], t["target"]["base_year"], t["target"]["op"]) for t in got] \
        == [(100.0, "change", 2020, ">="), (20.0, "change", 2020, ">=")]


def test_a_change_names_its_base_year_or_the_year_before_the_plan() -> None:
    got = prose("到2030年,普惠托位数比“十四五”末增加20%,参保率提高2个百分点。", period=(2026, 2030))
    assert [(t["target"]["base_year"], t["target"]["year"]) for t in got] == [(2025, 2030), (2025, 2030)]


def test_streaks_and_class_definitions_are_not_targets() -> None:
    assert said("连续3年保持全省先进,连续五届获评文明城市。") == []
    got = said("扶持100人以上企业20家,关闭年产10万吨以下矿山5座,改造200平方米以上的场馆3个。")
    assert [(v, u) for v, u, *_ in got] == [(20.0, "家"), (5.0, "座"), (3.0, "个")]


def test_a_streak_may_still_be_a_base_period_fact() -> None:
    got = base_facts("“十三五”时期,城乡居民基本养老保险待遇连续9年没有增长。")
    assert [(b["value"], b["unit"]) for b in got] == [(9.0, "年")]


def test_a_streak_of_what_held_is_not_a_base_period_fact() -> None:
    got = base_facts("“十三五”时期,民生支出占比连续5年保持在65%以上,连续3年成功举办国际马拉松。")
    assert [(b["value"], b["unit"]) for b in got] == [(65.0, "%")]


def test_base_period_facts_in_any_year_are_baselines_with_their_year() -> None:
    got = base_facts("“十三五”时期,全县新增就业1万人。",
                     plan=("2021年全县人均预期寿命为78岁,到2025年提高到79岁。",))
    assert [(b["value"], b["year"]) for b in got] == [(1.0, 2020), (78.0, 2021)]
    assert [t["target"]["value"] for t in prose("2021年全县人均预期寿命为78岁,到2025年提高到79岁。")] == [79.0]


def test_changes_over_the_previous_plan_carry_their_comparison() -> None:
    got = base_facts("“十三五”时期,机构养老床位4956张,比2015年增加39%,失业率较“十二五”末下降1.3个百分点,"
                     "万元生产总值能耗比2015年下降12%。")
    assert [(b["value"], b.get("kind"), b.get("direction"), b.get("base_year"), b["year"]) for b in got] == [
        (4956.0, None, None, None, 2020), (39.0, "change", "up", 2015, 2020), (1.3, "change", "down", 2015, 2020),
        (12.0, "change", "down", 2015, 2020)]


def test_a_deadline_in_the_first_year_is_a_target_not_a_fact() -> None:
    got = prose("2026年底前,全市养老机构护理型床位占比达到55%。", period=(2026, 2030))
    assert [(t["target"]["value"], t["target"]["year"]) for t in got] == [(55.0, 2026)]
    got = prose("2026年起,每年新增普惠托位500个。", period=(2026, 2030))
    assert [t["target"]["value"] for t in got] == [500.0]


def test_each_listed_item_takes_the_value() -> None:
    got = prose("到2025年,建成市级名校长、名师工作室各50个。")
    assert [(t["name"], t["target"]["value"]) for t in got] == [("市级名校长数", 50.0), ("市级名师工作室数", 50.0)]


def test_a_duration_before_a_verb_of_arriving_is_a_time_limit() -> None:
    assert said("城市消防救援力量接警后5分钟,农村15分钟到达现场。") == [
        (5.0, "分钟", "<=", "level", None), (15.0, "分钟", "<=", "level", None)]


def test_numbers_of_attachments_and_boxes_are_labels() -> None:
    assert said("附件2 名词解释,专栏3 重点工程。") == []


def test_a_head_count_before_a_body_defines_a_class_of_bodies() -> None:
    assert said("鼓励100人以上企业建立职工书屋,每个村配备1名以上灾害信息员。") == [(1.0, "名", ">=", "level", None)]


def test_a_total_over_the_previous_plan_is_named_with_that_period() -> None:
    got = base_facts("“十三五”时期,全县累计城镇新增就业3.2万人,2020年城镇登记失业率为3.5%。")
    assert [(b["metric"], b["value"]) for b in got] == [("城镇新增就业人数(十三五累计)", 3.2), ("城镇登记失业率", 3.5)]
    # a total with no period written in its sentence keeps its plain name
    got = base_facts("全县累计城镇新增就业3.2万人。")
    assert [b["metric"] for b in got] == ["城镇新增就业人数"]


def test_naming_and_tasks_spell_no_words_of_their_own() -> None:
    """Every word a name or task rule uses is in a lexicon group: a new word is one edit in the lexicon."""
    import importlib.util

    bench = Path(__file__).resolve().parents[1] / "bench" / "lexicon_words.py"
    spec = importlib.util.spec_from_file_location("lexicon_words", bench)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("naming.py", "tasks.py", "outline.py", "tables.py", "zones.py", "services.py", "baselines.py",
                 "periods.py", "numbers.py"):
        assert module.count(Path(lexicon.__file__).with_name(name)) == 0, name
