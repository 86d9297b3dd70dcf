"""The outline of a plan: headings, contents lists, table cells, boxes and domains."""

from __future__ import annotations

from pathlib import Path

import pytest

from planwatch.extract.outline import build_outline, domain_of_title

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"

BODY = """某县“十四五”公共服务规划
目录
第一章 规划背景
第一节 发展基础
第二章 推进公共服务优质均衡发展
第一节 幼有善育
第二节 病有良医
第一章 规划背景
第一节 发展基础
“十三五”时期,我县公共服务体系不断完善,基本公共服务均等化水平稳步提高。
第二章 推进公共服务优质均衡发展
第一节 幼有善育
完善妇幼健康服务。健全妇幼健康服务体系,推进妇幼保健机构达标创等。
专栏1:幼有善育工程
1.出生缺陷防治工程
2.托育服务扩容工程
第二节 病有良医
提升医疗服务能力。推进县人民医院提标扩能。
"""


def test_contents_list_is_not_part_of_the_outline() -> None:
    o = build_outline(BODY.split("\n"))
    assert [s.line for s in o.sections if s.kind == "chapter"] == [8, 11]
    assert o.path_titles(10) == ["第一章 规划背景", "第一节 发展基础"]


def test_box_holds_its_numbered_items_and_closes_at_next_peer() -> None:
    o = build_outline(BODY.split("\n"))
    assert [s.heading for s in o.path_at(15)] == ["第二章 推进公共服务优质均衡发展", "第一节 幼有善育",
                                                  "专栏1:幼有善育工程", "1.出生缺陷防治工程"]
    assert all(s.kind != "box" for s in o.path_at(18))


def test_domains_follow_slogan_variants_and_title_words() -> None:
    o = build_outline(BODY.split("\n"))
    assert o.domain_at(13) == "幼有所育"
    assert o.domain_at(18) == "病有所医"
    assert o.domain_at(10) is None


@pytest.mark.parametrize(
    ("title", "domain"),
    [("幼有善育", "幼有所育"), ("学有优教", "学有所教"), ("老有颐养", "老有所养"), ("住有宜居", "住有所居"),
     ("弱有众扶", "弱有所扶"), ("完善退役军人服务保障体系", "优军服务保障"), ("推动社会福利事业健康发展", "弱有所扶"),
     ("加强医疗卫生人才队伍建设", "病有所医"), ("健全完善公共服务体系和就业促进体系", None),
     ("构建多元化全民健身服务体系", "文体服务保障"), ("健全优生优育服务体系", "幼有所育"), ("加强组织领导", None)],
)
def test_domain_of_title(title: str, domain: str | None) -> None:
    assert domain_of_title(title) == domain


def test_flattened_table_cells_are_not_headings() -> None:
    cells = ["表2 基本公共服务项目", "序号", "服务领域", "服务项目", "一、幼有所育", "1", "预防接种",
             "二、学有所教", "2", "学前教育幼儿资助", "三、病有所医", "3", "健康档案"]
    text = "\n".join(["二、主要任务", "围绕公共服务短板,加快补齐基本公共服务短板弱项,提升服务质量。", *cells,
                      "(一)推进学前教育普及普惠", "扩大普惠性学前教育资源,新建改扩建幼儿园。"])
    o = build_outline(text.split("\n"))
    assert [s.heading for s in o.sections] == ["二、主要任务", "(一)推进学前教育普及普惠"]


def test_tab_rows_and_sentences_are_not_headings() -> None:
    o = build_outline(["一、幼有所育\t预防接种", "1.坚持以人民为中心。", "第三章", "推进公共服务均衡发展", "正文。"])
    assert [(s.kind, s.title) for s in o.sections] == [("chapter", "推进公共服务均衡发展")]


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not present")
def test_seed_with_contents_list_keeps_body_headings_only() -> None:
    lines = (SEEDS / "002_9f04399c66dd38d8.txt").read_text(encoding="utf-8").split("\n")
    o = build_outline(lines)
    chapters = [s for s in o.sections if s.kind == "chapter"]
    assert len(chapters) == 7 and chapters[0].title == "规划背景"
    assert len({s.title for s in chapters}) == 7
    boxes = [s for s in o.sections if s.kind == "box"]
    assert len(boxes) == 10 and all(b.domain for b in boxes)


def test_contents_list_ends_where_the_body_repeats_its_first_heading() -> None:
    """An unlabelled or labelled contents list runs into the body's first headings; the body
    starts where a heading repeats an entry, so the base period opens there, not later."""
    from planwatch.extract.zones import zones

    entries = ["第一章 发展基础与面临形势", "第一节 “十四五”时期主要成就", "第二节 面临的形势", "第二章 总体要求",
               "第一节 指导思想", "第二节 发展目标", "第三章 主要任务", "第四章 保障措施"]
    body = ["第一章 发展基础与面临形势", "", "第一节 “十四五”时期主要成就", "",
            "2025年,全县学前三年毛入园率为95.6%。", "", "第二节 面临的形势", "", "人口老龄化加快。", "",
            "第二章 总体要求", "", "第一节 指导思想", "坚持以人民为中心。", "第二节 发展目标",
            "到2030年,学前三年毛入园率达到97%。", "第三章 主要任务", "推进托育服务。", "第四章 保障措施", "加强领导。"]
    for label in (["目 录"], []):
        lines = ["某县“十五五”基本公共服务规划", *label, *entries, "", *body]
        first_body = len(label) + len(entries) + 3
        start, plan = zones(lines, build_outline(lines))
        assert start == first_body, label
        assert lines[plan - 1] == "第二章 总体要求"
