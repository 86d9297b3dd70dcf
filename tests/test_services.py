"""Basic-public-service lists (清单) in the shapes plans publish them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planwatch.extract.outline import build_outline
from planwatch.extract.services import extract_service_items, split_items

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"  # ../shared beside the checkout


def run(text: str) -> tuple[list[dict], list[tuple[int, int]]]:
    lines = text.split("\n")
    return extract_service_items(lines, build_outline(lines))


FLAT = """明确基本公共服务清单。向全民提供9项基本公共服务。

表2 某县“十四五”基本公共服务项目清单

服务领域

服务内容与目标

服务项目

幼有所育

为儿童提供关爱服务,保障儿童健康成长

预防接种,儿童健康管理,困境儿童保障。(共计3项)

法律服务

为城乡居民提供法治宣传、法律咨询

法律咨询、法律援助、法律顾问,矛盾纠纷化解、法治宣传、其他法律服务。(共计6项)

制定落实基本公共服务实施标准。依据国家基本公共服务标准,制定本县实施标准。
"""


def test_flattened_list_one_cell_per_line() -> None:
    items, spans = run(FLAT)
    assert [(i["domain"], i["item"]) for i in items[:3]] == [
        ("幼有所育", "预防接种"), ("幼有所育", "儿童健康管理"), ("幼有所育", "困境儿童保障")]
    assert [i["item"] for i in items if i["domain"] == "法律服务"] == [
        "法律咨询", "法律援助", "法律顾问", "矛盾纠纷化解", "法治宣传", "其他法律服务"]
    assert items[0]["line"] == 15
    assert spans == [(3, 21)]


def test_count_chooses_between_comma_and_enumeration_comma() -> None:
    assert split_items("职业介绍、职业指导和创业开业指导,就业援助。(共计2项)") == [
        "职业介绍、职业指导和创业开业指导", "就业援助"]
    assert split_items("法律咨询、法律援助,法治宣传。(共计3项)") == ["法律咨询", "法律援助", "法治宣传"]
    assert split_items("公租房保障;农村危房改造") == ["公租房保障", "农村危房改造"]


def test_tab_rows_one_item_per_row_with_spanning_domain_rows() -> None:
    text = "\n".join([
        "附表 某市基本公共服务实施标准",
        "序号\t服务项目\t服务对象\t服务内容\t支出责任",
        "一、幼有所育\t一、幼有所育\t一、幼有所育\t一、幼有所育\t一、幼有所育",
        "1\t农村免费孕前优生健康检查\t农村计划怀孕夫妇\t健康教育、检查\t中央与地方共同",
        "2\t预防接种\t0-6岁儿童\t免费接种\t地方",
        "二、学有所教",
        "3\t学前教育幼儿资助\t在园幼儿\t资助\t地方",
        "",
        "第三节 扩大普惠公共服务供给",
    ])
    items, spans = run(text)
    assert [(i["line"], i["domain"], i["item"]) for i in items] == [
        (4, "幼有所育", "农村免费孕前优生健康检查"), (5, "幼有所育", "预防接种"), (7, "学有所教", "学前教育幼儿资助")]
    assert spans == [(1, 7)]


def test_tab_rows_one_row_per_domain() -> None:
    text = "服务领域\t服务内容与目标\t服务项目\n住有所居\t保障居住权利\t公租房保障,城镇老旧小区改造,农村危房改造。(共计3项)"
    items, _ = run(text)
    assert [i["item"] for i in items] == ["公租房保障", "城镇老旧小区改造", "农村危房改造"]
    assert {i["domain"] for i in items} == {"住有所居"}


def test_prose_mentioning_a_list_is_not_a_list() -> None:
    text = "(一)制定基本公共服务清单\n围绕幼有所育、学有所教,明确服务内容、服务对象、服务标准。\n按照清单提供服务。"
    assert run(text) == ([], [])


@pytest.mark.skipif(not GOLD.exists(), reason="shared gold not present")
def test_seed_list_matches_gold() -> None:
    stem = "002_9f04399c66dd38d8"
    items, spans = run((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
    gold = json.loads((GOLD / f"{stem}.gold.json").read_text(encoding="utf-8"))["service_items"]
    assert [(i["line"], i["domain"], i["item"]) for i in items] == [(g["line"], g["domain"], g["item"]) for g in gold]
    assert len(spans) == 1


def test_flattened_list_one_item_per_numbered_row() -> None:
    text = "\n".join([
        "表3 某区基本公共服务实施标准", "序号", "服务项目", "服务对象", "服务内容",
        "一、幼有所育", "1", "农村免费孕前优生健康检查", "农村计划怀孕夫妇", "健康教育、检查",
        "2", "预防接种", "0-6岁儿童", "免费接种",
        "二、学有所教", "3", "学前教育幼儿资助", "在园幼儿", "资助",
        "完善公共服务标准体系。逐步提高服务标准,确保标准可执行、可衡量。",
    ])
    items, spans = run(text)
    assert [(i["line"], i["domain"], i["item"]) for i in items] == [
        (8, "幼有所育", "农村免费孕前优生健康检查"), (12, "幼有所育", "预防接种"), (17, "学有所教", "学前教育幼儿资助")]
    assert spans == [(1, 17)]


@pytest.mark.skipif(not GOLD.exists(), reason="shared gold not present")
def test_seed_list_rendered_as_tab_rows_gives_the_same_items() -> None:
    # What the .docx/.html readers produce for the same table: one line per row.
    stem = "002_9f04399c66dd38d8"
    lines = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8").split("\n")
    cells = [s.strip() for s in lines[485:551] if s.strip()]
    rows = ["\t".join(cells[k : k + 3]) for k in range(0, len(cells), 3)]
    items, spans = run("\n".join([lines[483], *rows, "制定落实基本公共服务实施标准。依据国家标准制定本县标准。"]))
    gold = json.loads((GOLD / f"{stem}.gold.json").read_text(encoding="utf-8"))["service_items"]
    assert [(i["domain"], i["item"]) for i in items] == [(g["domain"], g["item"]) for g in gold]
    assert spans == [(1, len(rows) + 1)]


def test_flattened_list_with_merged_domain_cells() -> None:
    """A web page flattens a merged domain cell to one line, written once for the rows it spans:
    a row's cells are read as item, object, payer when its last cell is like the row before's."""
    text = """附件:某县基本公共服务实施标准

服务领域
服务项目
服务对象
支出责任
幼有所育
孕产妇健康服务
孕产妇
县级财政
儿童健康管理
0—6岁儿童
县级财政
学有所教
学前教育幼儿资助
家庭经济困难幼儿
中央、省、市、县共同
义务教育免费提供教科书
义务教育阶段学生
中央、省共同

扫一扫在手机打开当前页
【打印本页】【关闭窗口】"""
    lines = text.split("\n")
    items, spans = extract_service_items(lines, build_outline(lines))
    assert [(i["line"], i["domain"], i["item"]) for i in items] == [
        (8, "幼有所育", "孕产妇健康服务"), (11, "幼有所育", "儿童健康管理"),
        (15, "学有所教", "学前教育幼儿资助"), (18, "学有所教", "义务教育免费提供教科书")]
    assert spans == [(1, 18)]
