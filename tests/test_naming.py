"""Names of prose targets and baselines: the measured quantity in the text's own words.

Sentences are written the way plans write them, not copied from the seed plans.
"""

from __future__ import annotations

from planwatch.extract.naming import link_restatements, stated_attributes
from planwatch.extract.outline import build_outline
from planwatch.extract.prose import extract_baselines, extract_prose_targets

PERIOD = (2021, 2025)


def names(sentence: str) -> list[str]:
    lines = ["一、发展基础", "“十三五”时期,全县新增就业1万人。", "二、主要目标", sentence]
    return [t["name"] for t in extract_prose_targets(lines, build_outline(lines), [], PERIOD)]


def metrics(sentence: str) -> list[str]:
    lines = ["一、发展基础", sentence, "二、主要目标", "到2025年,参保率达到98%以上。"]
    return [b["metric"] for b in extract_baselines(lines, build_outline(lines), [], PERIOD)]


def test_a_measure_word_becomes_a_count() -> None:
    assert names("到2025年,新建城市社区公园12个,培训养老护理员800人,开展送戏下乡300场次。") == [
        "新建城市社区公园数", "培训养老护理员人数", "送戏下乡场次"]


def test_persons_counted_in_persons_need_no_second_count_word() -> None:
    assert metrics("全区共有各类专业技术人员5200人。") == ["专业技术人员"]


def test_a_bare_level_word_takes_the_head_of_its_list_neighbour() -> None:
    assert names("到2025年,争创3个省级、6个市级健康促进示范乡镇。") == [
        "省级健康促进示范乡镇数", "市级健康促进示范乡镇数"]
    assert names("到2025年,创建省级特色学校4所、市级9所。") == ["省级特色学校数", "市级特色学校数"]


def test_later_list_items_keep_the_verb_of_making_that_opens_the_list() -> None:
    assert names("到2025年,评选优秀社工20名、金牌社工5名。") == ["评选优秀社工人数", "评选金牌社工人数"]


def test_a_predicate_after_the_counted_noun_selects_which_are_counted() -> None:
    assert names("到2025年,支持4个社区卫生服务中心开展家庭病床服务。") == [
        "开展家庭病床服务的社区卫生服务中心数"]
    assert names("到2025年,90%以上的养老机构能提供失智照护服务。") == ["能提供失智照护服务的养老机构比例"]


def test_one_predicate_closing_a_list_of_shares_names_each_item() -> None:
    assert metrics("全市100%的街道、95%的社区完成综合服务设施标准化建设。") == [
        "完成综合服务设施标准化建设的街道比例", "完成综合服务设施标准化建设的社区比例"]


def test_members_enumerated_before_a_count_are_not_the_name() -> None:
    assert names("到2025年,建成东城、西城、南城3个区域性体育中心。") == ["区域性体育中心数"]
    assert metrics("建成甲村、乙村、丙村等历史文化名村15个。") == ["历史文化名村数"]


def test_and_inside_a_counted_noun_phrase_does_not_split_it() -> None:
    assert names("到2025年,新增4-6个社区书屋和农家书屋。") == ["新增社区书屋和农家书屋数"]


def test_respectively_pairs_each_listed_name_with_its_value() -> None:
    assert metrics("全县城镇、农村低保标准分别为780元、560元。") == ["城镇低保标准", "农村低保标准"]
    assert metrics("高中阶段、初中阶段毛入学率分别为95.1%、99.3%。") == ["高中阶段毛入学率", "初中阶段毛入学率"]


def test_a_comparison_or_a_rate_of_change_takes_the_subject_before_it() -> None:
    assert metrics("全县养老床位3200张,比2015年增加25%。")[1] == "养老床位比2015年增加"
    got = metrics("城镇居民人均可支配收入由2015年的21000元增长到2020年的30100元,年均增长率为7.5%。")
    assert got[-1] == "城镇居民人均可支配收入年均增长率"


def test_a_short_rate_is_qualified_by_the_activity_named_before() -> None:
    assert metrics("组建56个家庭医生签约服务团队,签约率达61.2%。")[-1] == "家庭医生签约率"


def test_a_number_glued_to_a_name_by_missing_punctuation_is_cut_off() -> None:
    assert metrics("全市建有众创空间12家科技成果转化率达到35%。")[-1] == "科技成果转化率"


def test_a_compound_of_two_groups_splits_under_respectively() -> None:
    assert metrics("全市城乡居民医保参保率分别达到97%、98%。") == ["城镇居民医保参保率", "农村居民医保参保率"]


def _target(value: float, year: int = 2025) -> dict[str, object]:
    return {"raw": str(value), "value": value, "value_low": None, "value_high": None, "op": "=",
            "kind": "level", "year": year}


def test_a_prose_target_restating_a_table_row_points_to_it() -> None:
    table = [{"source": "table", "line": 40, "name": "养老机构床位中护理型床位占比", "unit": "%",
              "target": _target(60.0)},
             {"source": "table", "line": 41, "name": "每千人口执业(助理)医师数", "unit": "人",
              "target": _target(3.2)}]
    prose = [{"source": "prose", "line": 90, "name": "养老机构护理型床位占比", "unit": "%", "target": _target(60.0)},
             {"source": "prose", "line": 91, "name": "社区养老服务设施覆盖率", "unit": "%", "target": _target(60.0)},
             {"source": "prose", "line": 92, "name": "每千人口执业(助理)医师数", "unit": "人",
              "target": _target(3.2, year=2023)}]
    link_restatements(table, prose)
    assert prose[0]["restates"] == {"line": 40, "name": "养老机构床位中护理型床位占比"}
    assert "restates" not in prose[1]  # same value, another metric
    assert "restates" not in prose[2]  # same metric, an earlier milestone


def test_a_scope_keeps_its_noun_without_hedges_and_the_verb_of_having() -> None:
    assert names("到2025年,每个街道原则上至少建有1个综合为老服务中心。") == ["每个街道综合为老服务中心数"]


def test_a_unit_written_after_a_name_is_not_part_of_it() -> None:
    assert names("到2025年,婴儿死亡率(‰)下降至4.5。") == ["婴儿死亡率"]


def test_a_share_followed_by_what_it_reaches_names_that_share() -> None:
    assert names("到2025年,全县26个村卫生室100%达到甲级村卫生室标准。") == ["村卫生室达到甲级村卫生室标准比例"]


def test_an_area_is_named_as_such() -> None:
    assert names("到2025年,建成高标准农田12万亩。") == ["高标准农田面积"]


def test_a_means_before_the_action_is_not_the_metric() -> None:
    assert metrics("利用省级补助资金实施农村危房改造任务1200户。") == ["农村危房改造户数"]


def test_a_prose_target_has_an_attribute_only_where_its_clause_gives_one() -> None:
    lines = ["到2025年,城镇调查失业率控制在5.5%以内(约束性),新建托育机构3个。"]
    prose = [{"line": 1, "quote": "城镇调查失业率控制在5.5%以内", "attribute": None},
             {"line": 1, "quote": "新建托育机构3个", "attribute": None}]
    stated_attributes(prose, lines)
    assert [p["attribute"] for p in prose] == ["约束性", None]


def test_a_second_respectively_goes_on_with_the_list_before_it() -> None:
    got = metrics("城乡居民人均可支配收入分别达到41000元和23000元,年均分别增长6.1%和8.3%。")
    assert got == ["城镇居民人均可支配收入", "农村居民人均可支配收入",
                   "城镇居民人均可支配收入年均增长", "农村居民人均可支配收入年均增长"]


def test_respectively_over_names_joined_by_and_shares_their_common_head() -> None:
    assert names("到2030年,职工医保和居民医保政策范围内住院费用报销比例分别达到80%、70%。") == [
        "职工医保政策范围内住院费用报销比例", "居民医保政策范围内住院费用报销比例"]


def test_a_bare_rate_after_a_count_is_the_rate_of_that_thing() -> None:
    assert metrics("建成村级综合服务设施1520个,覆盖率达到100%。") == ["村级综合服务设施数", "村级综合服务设施覆盖率"]


def test_a_bare_scope_counts_the_thing_named_before() -> None:
    assert names("到2030年,培育社区社会组织800个以上,每个城市社区不少于8个。") == [
        "社区社会组织数", "每个城市社区社区社会组织数"]


def test_coordinated_verbs_of_making_are_carried_to_later_items() -> None:
    assert names("到2030年,新建、改扩建乡镇综合文化站12个、村级文化活动室150个。") == [
        "新建、改扩建乡镇综合文化站数", "新建、改扩建村级文化活动室数"]


def test_respectively_after_parallel_clauses_pairs_their_subjects_with_the_values() -> None:
    got = metrics("2020年,城镇居民人均消费支出28000元,农村居民人均消费支出16000元,分别比2015年增长21%、30%。")
    assert got[2:] == ["城镇居民人均消费支出比2015年增长", "农村居民人均消费支出比2015年增长"]


def test_values_after_a_named_metric_keep_its_name_across_clauses() -> None:
    got = metrics("全市民生支出持续增长,2019年为120.5亿元,比上年增长8.2%;2020年为131.2亿元,增长8.9%。")
    assert got == ["民生支出", "民生支出比上年增长", "民生支出", "民生支出增长"]


def test_primary_and_secondary_schools_split_under_respectively() -> None:
    assert metrics("中小学专任教师本科以上学历比例分别为85%、96%。") == [
        "中学专任教师本科以上学历比例", "小学专任教师本科以上学历比例"]


def test_a_change_target_is_named_without_its_comparison() -> None:
    assert names("到2025年,人均体育消费支出比2020年增长50%,托育服务机构数量比2020年翻一番。") == [
        "人均体育消费支出", "托育服务机构数量"]
    # a base-period fact states the change itself and keeps it
    assert metrics("“十三五”时期,生产安全事故起数比“十二五”末下降30%。") == ["生产安全事故起数比“十二五”末下降"]


def test_the_basis_of_a_standard_is_not_part_of_its_name() -> None:
    assert names("城乡低保标准提高到每人每月1600元以上,生均补助标准不低于每生每年400元。") == [
        "城乡低保标准", "生均补助标准"]


def test_a_per_capita_name_is_not_a_scope_to_complete() -> None:
    assert names("到2025年,每千人口执业(助理)医师数达到3.2人,每千人口注册护士数达到3.8人。") == [
        "每千人口执业(助理)医师数", "每千人口注册护士数"]


def test_a_streak_is_not_part_of_a_name() -> None:
    assert metrics("2020年,民生支出占比为66.8%,连续5年保持在65%以上,脱贫人口务工规模连续4年稳定在3000人以上。") == [
        "民生支出占比", "民生支出占比", "脱贫人口务工规模"]


def test_a_name_does_not_reach_into_the_cell_before() -> None:
    assert names("专栏1 重点工程\t建设社区嵌入式服务设施30处") == ["社区嵌入式服务设施数"]


def test_who_pays_is_not_part_of_a_fund() -> None:
    assert names("区级财政每年安排文化和体育发展专项资金不低于5000万元。") == ["文化和体育发展专项资金"]


def test_a_quoted_thing_is_counted_without_the_verb_that_builds_it() -> None:
    assert names("到2025年,建成“未来社区”12个。") == ["“未来社区”数"]


def test_a_place_and_a_year_span_opening_a_fact_are_not_its_name() -> None:
    assert metrics("“十三五”时期,区内共有中小学52所,2016—2020年新建、改扩建学校62所。") == [
        "中小学数", "新建、改扩建学校数(十三五累计)"]


def test_a_listed_name_that_is_whole_takes_no_shared_head() -> None:
    assert metrics("2020年,婴儿死亡率、5岁以下儿童死亡率分别下降到4.3‰、5.6‰。") == ["婴儿死亡率", "5岁以下儿童死亡率"]


def test_a_rate_written_once_for_listed_groups_is_one_target_each() -> None:
    assert names("到2025年,高血压、糖尿病患者规范管理率均达到75%。") == ["高血压患者规范管理率", "糖尿病患者规范管理率"]
