"""Plan metadata from the ways government pages and notices present it."""

from __future__ import annotations

from pathlib import Path

import pytest

from planwatch.extract.metadata import extract_metadata, parse_date, region_level, split_regions

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"


def meta(text: str) -> dict:
    return extract_metadata(text.split("\n"))


def test_portal_header_fields_give_title_number_issuer_and_date() -> None:
    m = meta(
        "索  引  号 000/2022-01\n"
        "发文字号 甲政办发〔2022〕12号 发布日期 2022年06月01日\n"
        "发文机关 甲市人民政府办公室 关  键  字\n"
        "标  题 甲市“十四五”公共服务规划\n"
        "成文日期 2022年05月28日\n"
        "\n第一章 发展基础\n"
    )
    assert m["title"] == "甲市“十四五”公共服务规划"
    assert m["doc_number"] == "甲政办发〔2022〕12号"
    assert m["issuer"] == "甲市人民政府办公室"
    assert m["issued"] == "2022-05-28"  # the document's own date (成文日期), not the page's 发布日期
    assert (m["region"], m["region_level"]) == ("甲市", "city")
    assert m["period"] == [2021, 2025]


def test_notice_with_one_plan_and_garbled_signature_date() -> None:
    m = meta(
        "乙县人民政府关于印发《乙县基本公共服务规划(2021—2025年)》的通知\n"
        "各乡镇人民政府,县直各部门:\n"
        "现将《乙县基本公共服务规划(2021—2025年)》印发给你们,请认真贯彻执行。\n"
        "乙县人民政府\n"
        "2022年330日\n"
        "乙县基本公共服务规划(2021—2025年)\n"
    )
    assert m["title"] == "乙县基本公共服务规划(2021—2025年)"
    assert m["issuer"] == "乙县人民政府"
    assert m["issued"] == "2022-03-30"
    assert (m["region"], m["region_level"]) == ("乙县", "county")
    assert m["doc_number"] is None


def test_notice_broken_over_lines_without_issuer_prefix_uses_signature() -> None:
    m = meta(
        "关于印发丙市“十四五”公共服务和\n社会保障规划的通知\n各县(市)、区人民政府:\n"
        "《丙市“十四五”公共服务和社会保障规划》已经市政府常务会议审议通过,现印发给你们。\n"
        "丙市人民政府\n2023年2月21日\n"
        "丙市“十四五”公共服务和社会保障规划\n第一章 规划背景\n"
    )
    assert m["title"] == "丙市“十四五”公共服务和社会保障规划"
    assert m["issuer"] == "丙市人民政府"
    assert m["issued"] == "2023-02-21"


def test_notice_of_many_plans_does_not_give_the_title() -> None:
    m = meta(
        "丁市人民政府办公室\n关于印发丁市“十四五”新基建规划等22个市级专项规划的通知\n"
        "现将《丁市“十四五”新基建规划》《丁市“十四五”物流规划》等印发给你们。\n"
        "丁市人民政府办公室\n2021年11月20日\n"
        "丁市“十四五”公共服务\n\n和社会保障事业规划\n"
        "编制我市“十四五”公共服务规划,在发展中保障和改善民生。\n"
    )
    assert m["title"] == "丁市“十四五”公共服务和社会保障事业规划"
    assert m["issuer"] == "丁市人民政府办公室"


def test_page_without_title_takes_region_from_source_field() -> None:
    m = meta("当前位置:首页 > 专题专栏 > “十四五”规划\n时间:2021-09-24 14:50\n来源: 长治武乡县\n"
             "“十三五”时期,我县坚持普惠发展,“健康武乡”建设取得成效。\n")
    assert m["title"] is None and m["issuer"] is None
    assert m["issued"] == "2021-09-24"
    assert (m["region"], m["region_level"]) == ("武乡县", "county")


def test_fifteenth_plan_period() -> None:
    assert meta("戊区“十五五”公共服务规划\n到2030年,基本公共服务均等化。")["period"] == [2026, 2030]
    assert meta("戊区“十五五”公共服务规划\n")["region_level"] == "district"


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2021-09-24 14:50", "2021-09-24"), ("2021年11月20日", "2021-11-20"), ("2022年330日", "2022-03-30"),
     ("二〇二二年三月三十日", "2022-03-30"), ("2022年1215日", "2022-12-15"), ("无日期", None)],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_regions_and_levels() -> None:
    assert split_regions("广元市苍溪县“十四五”规划") == ["广元市", "苍溪县"]
    assert split_regions("苍溪县城区学校布局规划") == ["苍溪县"]
    assert split_regions("宁夏回族自治区公共服务规划") == ["宁夏回族自治区"]
    # The division table decides: 孝义市 is a county-level city however the text speaks of itself.
    assert region_level("孝义市", "我市公共服务") == "county_city"
    assert region_level("禄丰市", "") == "county_city"
    # A place the table does not know is read by its suffix and the text.
    assert region_level("甲市", "甲市(县级市)位于") == "county_city"
    assert region_level("甲市", "我市公共服务") == "city"
    assert region_level("宁夏回族自治区", "") == "province"
    assert region_level("某旗", "") == "county"


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not present")
def test_seed_metadata_without_gold() -> None:
    m1 = extract_metadata((SEEDS / "001_7a093e98f0871c03.txt").read_text(encoding="utf-8").split("\n"))
    assert m1["title"] == "吕梁市“十四五”公共服务和社会保障事业规划"
    assert (m1["issuer"], m1["doc_number"], m1["issued"]) == ("吕梁市人民政府办公室", "吕政办发〔2021〕65号", "2021-11-20")
    m3 = extract_metadata((SEEDS / "003_8e1e9b3597bfbd58.txt").read_text(encoding="utf-8").split("\n"))
    assert m3["title"] == "新乡市“十四五”公共服务和社会保障规划"
    assert (m3["issuer"], m3["issued"], m3["region_level"]) == ("新乡市人民政府", "2023-02-21", "city")


def test_header_title_naming_the_notice_gives_the_plan() -> None:
    m = meta("标  题:己市人民政府关于印发己市“十四五”公共服务规划的通知\n发布日期:2022-01-05\n")
    assert m["title"] == "己市“十四五”公共服务规划"
    assert m["issued"] == "2022-01-05"


def test_period_written_without_parentheses_and_stated_period() -> None:
    assert meta("庚县2021-2025年基本公共服务规划\n")["period"] == [2021, 2025]
    assert meta("辛县公共服务规划\n本规划规划期为2026—2030年。\n")["period"] == [2026, 2030]


def test_title_with_lost_opening_bracket_is_repaired() -> None:
    assert meta("壬市公共服务专项规划2021—2025年)\n")["title"] == "壬市公共服务专项规划(2021—2025年)"


def test_full_width_digits_in_dates_and_periods() -> None:
    assert parse_date("２０２２年３月１５日") == "2022-03-15"
    m = meta("某县“十四五”公共服务规划（２０２１—２０２５年）\n到２０２５年,参保率达到９５％。\n")
    assert m["period"] == [2021, 2025]


def test_period_from_the_plan_name_for_any_five_year_plan() -> None:
    # Without a title, the plan is the latest one the text names about as often as any.
    assert meta("第一章 发展基础\n“十四五”时期成效明显。\n第二章 “十五五”发展目标\n“十五五”时期要…\n")["period"] \
        == [2026, 2030]
    assert meta("回顾“十三五”,“十三五”,“十三五”…展望“十四五”,“十四五”,并为“十五五”打基础。\n")["period"] \
        == [2021, 2025]


def test_province_and_district_plans() -> None:
    province = meta("河东省人民政府关于印发河东省“十五五”公共服务规划的通知\n各市人民政府:\n河东省人民政府\n2026年3月15日\n")
    assert (province["region"], province["region_level"], province["period"]) == ("河东省", "province", [2026, 2030])
    assert province["issuer"] == "河东省人民政府" and province["issued"] == "2026-03-15"
    district = meta("南湖市东山区“十四五”公共服务规划(2021-2025年)\n")
    assert (district["region"], district["region_level"]) == ("东山区", "district")


@pytest.mark.parametrize(
    ("title", "period"),
    [("某县“十五五”养老服务规划", [2026, 2030]),
     ("某市国民经济和社会发展第十五个五年规划纲要", [2026, 2030]),
     ("某市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", [2021, 2025]),
     ("某省公共服务规划（2026—2030年）", [2026, 2030]),
     ("某省公共服务规划(2026-2030年)", [2026, 2030]),
     ("某省公共服务规划（2026～2030年）", [2026, 2030]),
     ("某省2026年至2030年公共服务规划", [2026, 2030]),
     ("某省基本公共服务体系规划（2022–2035年）", [2022, 2035])],
)
def test_period_from_every_title_form(title: str, period: list[int]) -> None:
    assert meta(f"{title}\n展望2035年，到2035年基本实现现代化。到2035年建成强省。\n")["period"] == period


def test_vision_year_is_never_the_end_and_no_silent_default() -> None:
    # A 十五五 text whose targets mostly aim at the 2035 vision is still a 2026–2030 plan.
    body = "“十五五”时期，坚持稳中求进。“十四五”时期成就显著。展望2035年，到2035年基本实现。到2035年建成。到2030年达到。\n"
    assert meta(body)["period"] == [2026, 2030]
    # Nothing names a period: null, not 2021–2025.
    assert meta("某市养老服务设施布局规划\n第一章 总则\n为统筹设施建设，编制本规划。\n")["period"] is None


def test_national_issuers_make_a_national_plan() -> None:
    m = meta("教育部等九部门关于印发《“十五五”学前教育发展规划》的通知\n教发〔2026〕2号\n"
             "教育部　国家发展改革委　财政部\n2026年1月8日\n")
    assert (m["region"], m["region_level"], m["region_code"]) == ("全国", "national", "100000")
    assert m["issuer"] == "教育部、国家发展改革委、财政部"
    assert m["title"] == "“十五五”学前教育发展规划"
    local = meta("某省民政厅关于印发某省“十五五”民政事业发展规划的通知\n某省民政厅\n2026年2月1日\n")
    assert local["region_level"] == "province"


def test_region_codes_from_the_division_table() -> None:
    assert (meta("郑州“十五五”托育服务规划\n")["region"], meta("郑州“十五五”托育服务规划\n")["region_code"]) \
        == ("郑州市", "410100")
    gulou = meta("福州市鼓楼区“十五五”教育发展规划\n")
    assert (gulou["region"], gulou["region_code"], gulou["region_level"]) == ("鼓楼区", "350102", "district")
    assert meta("禄丰市“十五五”教育事业发展规划\n")["region_level"] == "county_city"
    zone = meta("兰州新区“十五五”社会事业发展规划\n")
    assert (zone["region"], zone["region_level"], zone["region_code"]) == ("兰州新区", "zone", None)


def test_portal_chrome_is_not_title_or_date() -> None:
    m = meta("首页 > 政务公开 > 规划计划\n字号：大 中 小　打印本页　分享到：\n浏览次数：1024\n更新时间：2024-05-06\n"
             "某县“十五五”文化事业发展规划\n一、发展基础\n")
    assert m["title"] == "某县“十五五”文化事业发展规划"
    assert m["issued"] is None


def test_first_page_alone_gives_metadata_with_a_warning() -> None:
    from planwatch.extract.document import ExtractError
    from planwatch.extract.pipeline import extract_text

    out = extract_text("某县人民政府关于印发某县“十五五”就业促进规划的通知\n各乡镇人民政府：\n"
                       "现将《某县“十五五”就业促进规划》印发给你们。\n某县人民政府\n2026年3月1日\n")
    assert out["plan"]["title"] == "某县“十五五”就业促进规划"
    assert any("未见规划正文" in w for w in out["warnings"])
    with pytest.raises(ExtractError):
        extract_text("今天天气很好。\n我们去公园散步。\n")


def test_unknown_period_is_warned_and_target_years_left_open() -> None:
    from planwatch.extract.pipeline import extract_text

    out = extract_text("某市养老服务规划\n第一章 主要目标\n养老机构护理型床位占比达到60%以上。\n")
    assert out["plan"]["period"] is None
    assert any("规划期" in w for w in out["warnings"])
    assert all(i["target"]["year"] is None for i in out["indicators"] if i["source"] == "prose")


def test_portal_category_is_not_the_title() -> None:
    m = meta("首页\n政务公开\n国民经济和社会发展规划\n吕梁市“十五五”公共服务规划\n吕梁市发展和改革委员会\n第一章 发展基础\n")
    assert m["title"] == "吕梁市“十五五”公共服务规划"
    assert m["issuer"] == "吕梁市发展和改革委员会"


def test_ministry_names_are_not_places_and_party_committees_are_local() -> None:
    m = meta("国家发展改革委等3部门关于印发《“十五五”社会服务设施建设规划》的通知\n"
             "国家发展改革委\n公安部\n民政部\n2026年1月5日\n")
    assert (m["region"], m["issuer"]) == ("全国", "国家发展改革委、公安部、民政部")
    local = meta("中国共产党武乡县委员会 武乡县人民政府关于印发《武乡县“十五五”乡村振兴规划》的通知\n")
    assert (local["region"], local["region_code"]) == ("武乡县", "140429")


def test_list_page_dates_and_bracketed_fields() -> None:
    assert meta("吕梁市“十五五”体育发展规划 2026-04-01\n第一章\n")["issued"] == "2026-04-01"
    m = meta("苍溪县“十五五”托育服务发展规划\n【发布时间：2026-02-03 09:00】【来源：苍溪县卫生健康局】【字号：大 中 小】\n")
    assert (m["title"], m["issued"]) == ("苍溪县“十五五”托育服务发展规划", "2026-02-03")


@pytest.mark.parametrize(
    ("text", "title", "region"),
    [("吕梁市\n“十四五”公共服务规划\n第一章 发展基础\n", "吕梁市“十四五”公共服务规划", "吕梁市"),
     ("吕梁市国民经济和社会发展\n第十四个五年规划和\n二〇三五年远景目标纲要\n目录\n",
      "吕梁市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", "吕梁市"),
     ("# “十四五”国家老龄事业发展和养老服务体系规划\n一、规划背景\n", "“十四五”国家老龄事业发展和养老服务体系规划", "全国"),
     ("“十五五”吕梁市养老服务发展规划\n第一章\n", "“十五五”吕梁市养老服务发展规划", "吕梁市")],
)
def test_titles_over_lines_and_with_the_period_first(text: str, title: str, region: str) -> None:
    m = meta(text)
    assert (m["title"], m["region"]) == (title, region)


def test_notice_body_names_the_plan_it_issues_not_the_one_it_cites() -> None:
    issued = meta("各乡镇人民政府：\n为推进均等化，县发展改革局编制了《苍溪县“十四五”公共服务规划》，经县政府同意，"
                  "现印发给你们。\n苍溪县人民政府\n2022年1月5日\n")
    assert (issued["title"], issued["region"]) == ("苍溪县“十四五”公共服务规划", "苍溪县")
    cited = meta("各乡镇：\n根据《中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要》，"
                 "结合我县实际，制定本规划，现印发给你们。\n")
    assert cited["title"] is None


def test_one_plan_or_many_in_a_notice() -> None:
    one = meta("苍溪县人民政府关于印发苍溪县“十四五”城乡基本公共服务均等化规划的通知\n苍溪县人民政府\n2022年1月5日\n")
    assert one["title"] == "苍溪县“十四五”城乡基本公共服务均等化规划"  # 均等化 is no 等
    for notice in ("关于印发丁市“十四五”新基建规划等22个市级专项规划的通知", "关于印发丁市“十四五”3个专项规划的通知",
                   "关于印发《丁市“十四五”物流规划》《丁市“十四五”教育规划》的通知"):
        assert meta(f"丁市人民政府办公室\n{notice}\n")["title"] is None


def test_site_name_after_a_page_title_is_dropped() -> None:
    assert meta("吕梁市“十五五”公共服务规划_吕梁市人民政府门户网站\n第一章\n")["title"] == "吕梁市“十五五”公共服务规划"
    assert meta("标题：吕梁市“十五五”公共服务规划 - 吕梁市人民政府\n")["title"] == "吕梁市“十五五”公共服务规划"
    assert meta("吕梁市“十五五”公共服务规划（2026 — 2030年）\n第一章\n")["title"] == "吕梁市“十五五”公共服务规划（2026—2030年）"


def test_a_short_name_is_a_place_only_before_the_plan_name() -> None:
    assert meta("“十四五”平安建设规划\n第一章\n")["region"] is None  # 平安 is no 平安区 here
    assert meta("江南水乡保护规划\n第一章\n")["region"] is None
    assert meta("郑州“十五五”托育服务规划\n")["region_code"] == "410100"
    assert meta("当前位置：首页\n时间：2026-03-18\n来源：郑州发布\n")["region"] == "郑州市"  # a source names loosely


def test_tab_separated_header_of_a_national_page() -> None:
    m = meta("索引号\t000014349/2022-00008\t主题分类\t卫生、体育\n发文机关\t国务院办公厅\t成文日期\t2022年04月27日\n"
             "标题\t国务院办公厅关于印发“十四五”国民健康规划的通知\n发文字号\t国办发〔2022〕11号\t发布日期\t2022年05月20日\n")
    assert (m["title"], m["region"], m["issuer"], m["doc_number"], m["issued"]) == (
        "“十四五”国民健康规划", "全国", "国务院办公厅", "国办发〔2022〕11号", "2022-04-27")


def test_signature_spaced_letter_by_letter_and_other_header_labels() -> None:
    m = meta("关于印发苍溪县“十五五”教育发展规划的通知\n各乡镇：\n现将《苍溪县“十五五”教育发展规划》印发给你们。\n"
             "苍 溪 县 人 民 政 府\n2026 年 1 月 5 日\n")
    assert (m["issuer"], m["issued"]) == ("苍溪县人民政府", "2026-01-05")
    m = meta("信息名称：吕梁市“十五五”民政事业发展规划\n发布机关：吕梁市民政局\n发文时间：2026-02-01\n")
    assert (m["title"], m["issuer"], m["issued"]) == ("吕梁市“十五五”民政事业发展规划", "吕梁市民政局", "2026-02-01")


def test_signature_after_the_notice_numbered_points() -> None:
    m = meta("吕梁市人民政府关于印发吕梁市“十五五”就业促进规划的通知\n各县（市、区）人民政府：\n"
             "现将《吕梁市“十五五”就业促进规划》印发给你们，并提出以下要求：\n一、提高思想认识。\n二、强化责任落实。\n"
             "吕梁市人民政府\n2026年3月2日\n")
    assert (m["issuer"], m["issued"]) == ("吕梁市人民政府", "2026-03-02")


def test_a_cited_notice_is_not_this_plans_notice() -> None:
    m = meta("吕梁市“十五五”托育服务规划\n为贯彻《山西省人民政府办公厅关于印发山西省“十五五”托育服务规划的通知》精神，"
             "编制本规划。\n第一章 发展基础\n")
    assert (m["title"], m["issuer"], m["region"]) == ("吕梁市“十五五”托育服务规划", None, "吕梁市")


def test_the_documents_own_date_before_the_pages_and_a_closing_signature() -> None:
    m = meta("发布日期：2022-01-10\n乙县“十四五”文化发展规划\n目录\n一、发展现状\n正文。\n" + "正文。\n" * 30
             + "乙县文体广电旅游局\n2021年12月28日\n相关附件:\n乙县“十四五”文化发展规划.docx\n")
    assert (m["issuer"], m["issued"]) == ("乙县文体广电旅游局", "2021-12-28")
    assert meta("某某\n新华社北京2025年9月2日电 近日，国务院印发了《某规划纲要（2025—2035年）》。\n")["issued"] \
        == "2025-09-02"
    # A page's source is not its issuer.
    assert meta("丙县“十五五”教育规划\n发布时间：2026-02-09 信息来源：丙县教育局\n")["issuer"] is None
