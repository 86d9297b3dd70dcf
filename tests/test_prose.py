"""Prose targets: one entry per number in the forward-looking part of a plan."""

from __future__ import annotations

from typing import Any

from planwatch.extract.outline import build_outline
from planwatch.extract.prose import extract_prose_targets
from planwatch.extract.quantities import find_quantities

PERIOD = (2021, 2025)


def doc(*body: str, background: tuple[str, ...] = ("“十三五”时期,全县新增就业1万人。",)) -> list[str]:
    return ["一、发展基础", *background, "二、主要目标", *body]


def targets(lines: list[str], skip: list[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    return extract_prose_targets(lines, build_outline(lines), skip or [], PERIOD)


def one(text: str) -> list[tuple[Any, ...]]:
    """(value or (low, high), unit, op, kind, year) of every target in one paragraph."""
    out = []
    for t in targets(doc(text)):
        tg = t["target"]
        value = tg["value"] if tg["op"] != "range" else (tg["value_low"], tg["value_high"])
        out.append((value, t["unit"], tg["op"], tg["kind"], tg["year"]))
    return out


def test_two_numbers_in_one_sentence_are_two_targets_with_units_as_written() -> None:
    got = one("城镇职工基本养老保险参保人数达到2.3万人以上,失业保险参保人数达到1.6万人以上。")
    assert got == [(2.3, "万人", ">=", "level", 2025), (1.6, "万人", ">=", "level", 2025)]


def test_operators_from_suffixes_and_prefixes() -> None:
    got = one("登记失业率控制在4%以内,年开放天数不少于300天,至少配备1名专职协管员,县域就诊率达到90%左右。")
    assert [(v, op) for v, _u, op, _k, _y in got] == [(4.0, "<="), (300.0, ">="), (1.0, ">="), (90.0, "=")]


def test_kind_follows_the_verb() -> None:
    got = one("城镇新增就业人数年均增长5%,每年开展至少2次集中培训,撤并乡村学校和教学点55所,新建公办幼儿园3所,"
              "人均体育场地面积达到2.2㎡以上。")
    assert [k for _v, _u, _o, k, _y in got] == ["annual", "annual", "reduction", "cumulative", "level"]


def test_decline_to_a_level_is_not_a_reduction() -> None:
    assert one("产妇死亡率下降至16.0‰。") == [(16.0, "‰", "=", "level", 2025)]


def test_ranges_and_chinese_numerals() -> None:
    got = one("培育2—3家教育集团,新建一所寄宿制初级中学,每年举办社会体育指导员培训班两次。")
    assert got == [((2.0, 3.0), "家", "range", "cumulative", 2025), (1.0, "所", "=", "cumulative", 2025),
                   (2.0, "次", "=", "annual", 2025)]


def test_numbers_inside_names_are_not_targets() -> None:
    text = ("创建三级甲等医院,开通12349热线,为2至3岁幼儿和65岁以上老年人提供服务,落实“十四五”规划,"
            "2022年前完成整合,支持5G网络建设,分批撤并50人以下的乡村学校。")
    assert one(text) == []


def test_words_built_from_numerals_are_not_counts() -> None:
    assert one("做好两项改革后半篇文章,落实一对夫妻可以生育三个子女政策,推进最多跑一次改革。") == []


def test_lists_of_policies_are_not_targets() -> None:
    assert one("完善行业领军人才、青年后备人才4个名单,出台稳企六条措施。") == []


def test_year_of_a_target_is_the_year_it_is_due() -> None:
    got = one("到2023年,争创1所国家级优质校,到2025年,建成2个示范县。")
    assert [y for *_rest, y in got] == [2023, 2025]


def test_elliptic_clause_borrows_the_verb_before_it() -> None:
    got = one("力争建成省级重点专科1个,市级重点专科3个。")
    assert [k for _v, _u, _o, k, _y in got] == ["cumulative", "cumulative"]


def test_a_shared_value_of_two_rates_counts_for_each() -> None:
    got = targets(doc("举办重大文化活动的群众受众率和参与率达到80%。"))
    assert [t["name"] for t in got] == ["举办重大文化活动的群众受众率", "举办重大文化活动的群众参与率"]


def test_count_before_a_share_is_its_base_not_a_target() -> None:
    assert one("31个建制乡镇卫生院100%达到基本标准。") == [(100.0, "%", "=", "level", 2025)]


def test_starting_value_and_present_state_are_not_targets() -> None:
    assert one("特困供养未成年人年龄从16周岁延长至18周岁。") == [(18.0, "周岁", "=", "level", 2025)]
    assert one("目前全县现有养老机构12家。") == []


def test_base_period_part_gives_no_targets() -> None:
    lines = doc("新增托位1250个。", background=("2020年,全县累计新增就业3.2万人。",))
    assert [t["line"] for t in targets(lines)] == [4]


def test_skipped_spans_and_table_notes_are_ignored() -> None:
    lines = doc("新增托位1250个。", "新建公办幼儿园3所。", "注:1依据国家标准,2025年目标值为78.2岁。",
                "2依据国家规划,故2025预期目标为16.0。")
    got = targets(lines, skip=[(5, 5)])
    assert [t["line"] for t in got] == [4]


def test_record_follows_the_contract_and_quotes_the_line() -> None:
    lines = doc("“十四五”时期,力争新增就业1万人以上,就业创业培训0.06万人。")
    got = targets(lines)
    assert len(got) == 2
    for t in got:
        assert t["source"] == "prose" and t["table"] is None and t["attribute"] is None
        assert t["quote"] and t["quote"] in lines[t["line"] - 1]
        assert set(t["target"]) == {"raw", "value", "value_low", "value_high", "op", "kind", "year"}
    assert got[0]["name"] == "新增就业人数"


def test_table_of_contents_does_not_move_the_turn_to_the_plan() -> None:
    toc = ["目录", "一、发展基础", "二、主要目标", "三、重点任务", "四、保障措施"]
    lines = [*toc, "2020年全县参保率达到95%。", "二、主要目标", "到2025年,参保率达到98%以上。"]
    got = targets(lines)
    assert [(t["line"], t["target"]["value"]) for t in got] == [(8, 98.0)]


def test_quantity_spotting_keeps_ratios_and_scaled_units() -> None:
    qs = find_quantities("比例达到1:3:6,培训8600余人次,累计90万余人次,增长5个百分点")
    assert [(q.raw, q.value, q.unit) for q in qs] == [
        ("1:3:6", None, None), ("8600余人次", 8600.0, "人次"), ("90万余人次", 90.0, "万人次"),
        ("5个百分点", 5.0, "个百分点")]


def test_comparison_with_the_base_period_is_still_a_target() -> None:
    got = one("基本养老保险参保率比“十三五”末提高5个百分点,城镇登记失业率比2020年下降0.5个百分点。")
    assert [(v, u, k) for v, u, _o, k, _y in got] == [(5.0, "个百分点", "change"), (0.5, "个百分点", "change")]


def change(text: str) -> list[tuple[Any, ...]]:
    """(value, unit, op, direction, base_year, year) of every target of kind change in one paragraph."""
    return [(t["target"]["value"], t["unit"], t["target"]["op"], t["target"]["direction"],
             t["target"]["base_year"], t["target"]["year"])
            for t in targets(doc(text)) if t["target"]["kind"] == "change"]


def test_points_of_change_are_a_change_against_the_base_not_a_level() -> None:
    got = change("基本养老保险参保率比“十三五”末提高5个百分点,城镇登记失业率比2020年下降0.5个百分点,"
                 "到2025年,养老机构护理型床位占比提高3个百分点以上。")
    assert got == [(5.0, "个百分点", ">=", "up", 2020, 2025), (0.5, "个百分点", ">=", "down", 2020, 2025),
                   (3.0, "个百分点", ">=", "up", 2020, 2025)]


def test_doubling_and_growth_in_percent_are_changes() -> None:
    got = change("到2025年,全县托位数比2020年翻一番,体育产业总规模增长20%左右。")
    assert got == [(100.0, "%", ">=", "up", 2020, 2025), (20.0, "%", "=", "up", 2020, 2025)]


def test_per_unit_standards_keep_their_whole_unit() -> None:
    got = one("对新认定的省级示范性养老机构给予10万元/家一次性补助,社区教育经费按每年3元/人标准落实。")
    assert got == [(10.0, "万元/家", "=", "level", 2025), (3.0, "元/人", "=", "annual", 2025)]


def test_growth_on_the_present_base_is_a_target() -> None:
    got = one("力争市级以上非遗代表性项目在现有基础上增加20%,示范社区数量比现有水平翻一番。")
    assert got == [(20.0, "%", ">=", "change", 2025), (100.0, "%", ">=", "change", 2025)]


def test_a_value_after_a_verb_of_change_is_not_dated_by_the_base_year() -> None:
    got = one("每千常住人口医疗卫生机构床位数由2020年的5.8张提高到7.2张,2020年全市有养老机构40家、床位6000张。")
    assert got == [(7.2, "张", "=", "level", 2025)]


def test_a_bound_written_once_covers_a_list_of_values() -> None:
    got = one("小学、初中巩固率分别保持在99%和97%以上,新生儿和孕产妇死亡率分别不高于4‰、8‰。")
    assert [(v, op) for v, _u, op, _k, _y in got] == [(99.0, ">="), (97.0, ">="), (4.0, "<="), (8.0, "<=")]


def test_an_age_bound_before_a_noun_names_a_group() -> None:
    assert one("为70周岁以上老人发放高龄津贴,覆盖率达到95%。") == [(95.0, "%", "=", "level", 2025)]


def test_a_sentence_set_in_the_past_states_the_base() -> None:
    got = one("截至2020年底,全区共有普惠性幼儿园64所,到2025年,普惠性幼儿园达到80所。"
              "目前,全区共有社区食堂12个,新增社区食堂20个。")
    assert [(v, u) for v, u, _o, _k, _y in got] == [(80.0, "所"), (20.0, "个")]


def test_a_year_that_dates_a_noun_does_not_date_the_sentence() -> None:
    got = one("到2025年,将2005年以前建成的老旧小区纳入改造计划,新开工改造老旧小区120个。")
    assert got == [(120.0, "个", "=", "cumulative", 2025)]


def test_goal_and_background_headings_in_other_words() -> None:
    for bg, goal in (("一、现实基础", "二、目标要求"), ("一、基本情况", "二、规划目标"),
                     ("第一章 工作基础", "第二章 发展目标与主要指标")):
        lines = [bg, "2020年,全区普惠性幼儿园覆盖率达到82%。", goal, "到2025年,普惠性幼儿园覆盖率达到90%。"]
        got = targets(lines)
        assert [(t["line"], t["target"]["value"]) for t in got] == [(4, 90.0)], (bg, goal)


def test_headings_the_outline_does_not_number_still_turn_to_the_plan() -> None:
    for bg, goal in (("发展基础", "主要目标"), ("一、发展基础。", "二、主要目标。"), ("1 发展基础", "2 发展目标")):
        lines = [bg, "2020年,全区普惠性幼儿园覆盖率达到82%。", goal, "到2025年,普惠性幼儿园覆盖率达到90%。"]
        assert [t["line"] for t in targets(lines)] == [4], (bg, goal)


def test_a_bound_after_a_list_covers_rates_per_100000_too() -> None:
    got = one("新生儿死亡率、孕产妇死亡率分别控制在3‰、12/10万以下。")
    assert [(v, u, op) for v, u, op, _k, _y in got] == [(3.0, "‰", "<="), (12.0, "1/10万", "<=")]


def test_a_head_count_that_sizes_a_thing_is_not_a_target() -> None:
    got = one("全面消除56人以上大班额,培训200名以上养老护理员。")
    assert got == [(200.0, "名", ">=", "cumulative", 2025)]


def test_making_new_things_per_unit_is_cumulative_keeping_them_is_a_level() -> None:
    got = one("每个乡镇至少新建1所公办托育机构,每个社区配备1名专职社工。")
    assert [k for _v, _u, _o, k, _y in got] == ["cumulative", "level"]


def test_thousands_separators_and_a_space_before_the_unit() -> None:
    got = one("新增普惠性托位12,500个,城镇新增就业累计达到 6 万人。")
    assert [(v, u) for v, u, _o, _k, _y in got] == [(12500.0, "个"), (6.0, "万人")]


def test_naming_the_past_without_being_set_in_it_keeps_the_target() -> None:
    got = one("巩固拓展“十三五”成果,基本养老保险参保率稳定在96%以上。“十三五”时期全区建成养老机构30家。")
    assert got == [(96.0, "%", ">=", "level", 2025)]


def test_a_fifteenth_plan_compares_with_the_fourteenth_and_aims_at_2030() -> None:
    lines = ["第一章 发展基础", "“十四五”时期，全市新建幼儿园12所。", "第二章 主要目标",
             "到2030年，普惠托位数比“十四五”末增加2000个，“十四五”期间已建成的3所学校全部投入使用。",
             "“十五五”时期，累计新增城镇就业5万人以上。"]
    got = extract_prose_targets(lines, build_outline(lines), [], (2026, 2030))
    assert [(t["target"]["value"], t["unit"], t["target"]["year"]) for t in got] == [
        (2000.0, "个", 2030), (5.0, "万人", 2030)]


def test_full_width_digits_give_values_years_and_verbatim_raw() -> None:
    lines = doc("到２０２５年，全区城镇新增就业累计达到６万人以上，参保率达到９５％。")
    got = targets(lines)
    assert [(t["target"]["raw"], t["target"]["value"], t["unit"], t["target"]["op"], t["target"]["year"])
            for t in got] == [("６万人以上", 6.0, "万人", ">=", 2025), ("９５％", 95.0, "%", "=", 2025)]
    assert all(t["quote"] in lines[t["line"] - 1] for t in got)


def test_coordinated_rates_share_a_qualifier_only_when_the_second_is_a_bare_rate_word() -> None:
    def names(sentence: str) -> list[tuple[str, float]]:
        return [(t["name"], t["target"]["value"]) for t in targets(doc(sentence))]

    assert names("到2025年,全县中小学生体质健康达标率和优良率均达到90%以上。") == [
        ("全县中小学生体质健康达标率", 90.0), ("全县中小学生体质健康优良率", 90.0)]
    assert names("到2025年,城乡居民基本医疗保险参保率和基本养老保险参保率保持在95%以上。") == [
        ("城乡居民基本医疗保险参保率", 95.0), ("基本养老保险参保率", 95.0)]


def names(sentence: str) -> list[str]:
    return [t["name"] for t in targets(doc(sentence))]


def test_a_generic_subject_takes_the_metric_of_the_clause_before() -> None:
    assert names("到2025年,普惠性托位占比可逐年提高,目标暂定45%。") == ["普惠性托位占比"]
    assert names("到2025年,每千人口医疗卫生机构床位数达到6.5张,力争达到7张。") == [
        "每千人口医疗卫生机构床位数", "每千人口医疗卫生机构床位数"]


def test_a_name_never_holds_half_a_quote_or_bracket() -> None:
    assert names("到2025年,实现“学校食堂100%明厨亮灶”和“校园周边100%安全巡查”。") == [
        "学校食堂明厨亮灶比例", "校园周边安全巡查比例"]
    assert names("到2025年,形成“8:1:1”(80%就近入学、10%集团化办学、10%委托管理)格局。") == [
        "就近入学比例", "集团化办学比例", "委托管理比例"]


def test_shares_explaining_a_standard_referred_to_are_not_targets() -> None:
    assert one("立足“9073”(90%居家养老、7%社区养老、3%机构养老)养老服务格局,到2025年养老机构护理型床位占比达到55%。") \
        == [(55.0, "%", "=", "level", 2025)]


def test_a_counted_thing_is_the_head_after_its_modifier() -> None:
    assert names("到2025年,建立1个集“托育、早教、保健”于一体的县级婴幼儿照护服务中心。") == ["县级婴幼儿照护服务中心数"]
    assert names("到2025年,建设1所为孤残儿童提供养育、康复服务的区级儿童福利院。") == ["区级儿童福利院数"]
    assert names("到2025年,培育3家具有示范作用的社区养老服务企业。") == ["社区养老服务企业数"]
    assert names("到2025年,规划建设2个达到三级医院标准的区域医疗中心。") == ["区域医疗中心数"]


def test_a_name_drops_the_verb_of_doing_before_a_noun_phrase() -> None:
    assert names("到2025年,力争打造4个示范型社区服务中心(站),至少建成1所特殊教育学校。") == [
        "示范型社区服务中心(站)数", "特殊教育学校数"]
    assert names("到2025年,开展家政服务技能培训2000人次。") == ["家政服务技能培训人次"]


def test_each_item_of_a_counted_list_is_named_by_its_own_noun() -> None:
    assert names("到2025年,创建2个省级示范社区、5个县(区)级示范村和3个市级示范点。") == [
        "省级示范社区数", "县(区)级示范村数", "市级示范点数"]


def test_a_frame_of_time_after_a_leading_verb_is_not_part_of_the_name() -> None:
    assert names("力争在“十四五”末实现网上办理率达到90%以上,文化产业增加值年均增长8%。") == [
        "网上办理率", "文化产业增加值年均增长"]


def test_new_building_stays_in_a_name_because_it_says_what_is_counted() -> None:
    assert names("到2025年,新建公办幼儿园6所。") == ["新建公办幼儿园数"]
