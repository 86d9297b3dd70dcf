"""Early warnings: the four kinds, one Chinese sentence each, most severe first."""

from evalkit import evaluate, make_indicator

from planwatch.evaluate.warnings import early_warnings

NURSERY = make_indicator("2.5", 2.5, baseline=0.27, name="每千人口3岁以下婴幼儿托位数", unit="个")


def test_seriously_lagging_sentence() -> None:
    ev = evaluate(NURSERY, {2023: 0.5}, 2023)  # P = 0.103, S = 0.6, Q = 0.17
    (w,) = [w for w in ev.warnings if w.kind == "seriously_lagging"]
    assert w.severity == "orange"
    assert w.reason.startswith("「每千人口3岁以下婴幼儿托位数」完成度10.3%,时序进度60.0%")
    assert "严重滞后" in w.reason and w.reason.endswith("。")


def test_backwards_against_previous_year_and_baseline() -> None:
    prev = evaluate(NURSERY, {2022: 1.0, 2023: 0.9}, 2023)
    (w,) = [w for w in prev.warnings if w.kind == "backwards"]
    assert w.reason == "「每千人口3岁以下婴幼儿托位数」2023年为0.9个,较2022年的1个倒退。"
    below = evaluate(NURSERY, {2023: 0.2}, 2023)
    assert any("低于2020年基期值0.27个" in w.reason for w in below.warnings)


def test_binding_lagging_is_red_with_required_rate() -> None:
    ind = make_indicator("2.5", 2.5, baseline=0.27, binding=True, name="托位数", unit="个")
    ev = evaluate(ind, {2023: 1.2}, 2023)
    (w,) = [w for w in ev.warnings if w.kind == "binding_at_risk"]
    assert w.severity == "red"
    assert "约束性指标「托位数」完成度41.7%,时序进度60.0%,今后需年均增长44.34%,滞后" in w.reason


def test_plan_list_is_ordered_by_severity() -> None:
    a = evaluate(make_indicator("2.5", 2.5, baseline=0.27, id="a", name="甲"), {2022: 1.0}, 2023)  # overdue
    b = evaluate(make_indicator("≥98", 98, ">=", baseline=98, id="b", name="乙", binding=True), {2023: 97.0}, 2023)
    ws = early_warnings([a, b])
    assert [w.severity for w in ws] == sorted((w.severity for w in ws), key=["red", "orange", "yellow"].index)
    assert ws[0].indicator_id == "b"


def test_a_falling_target_reads_as_decline_never_negative_growth() -> None:
    # Lower is better: 孕产妇死亡率 from 20 to 14 per 100,000; 2023 still at 19.
    ind = make_indicator("≤14", 14, "<=", baseline=20, binding=True, name="孕产妇死亡率", unit="/10万",
                         direction="down")
    ev = evaluate(ind, {2023: 19.0}, 2023)
    text = " ".join(w.reason for w in ev.warnings)
    assert "年均下降" in text
    assert "增长-" not in text


def test_backwards_for_lower_is_better_is_above_the_baseline() -> None:
    ind = make_indicator("≤14", 14, "<=", baseline=20, name="孕产妇死亡率", unit="/10万", direction="down")
    ev = evaluate(ind, {2023: 23.0}, 2023)
    (w,) = [w for w in ev.warnings if w.kind == "backwards"]
    assert "高于2020年基期值20/10万" in w.reason


def test_an_exact_path_meets_its_target_and_a_near_miss_is_not_printed_as_the_target() -> None:
    exact = make_indicator("2.5", 2.5, baseline=1.0, binding=True, name="托位数", unit="个")
    ev = evaluate(exact, {2021: 1.3, 2022: 1.6, 2023: 1.9}, 2023)  # straight to 2.5 in 2025
    assert ev.projection.meets_target is True
    assert not any("达不到" in w.reason for w in ev.warnings)
    near = make_indicator("2.6", 2.6, baseline=2.0, binding=True, name="医师数", unit="人")
    ev = evaluate(near, {2021: 2.119, 2022: 2.238, 2023: 2.357}, 2023)  # 2.595 in 2025
    for w in ev.warnings:
        assert "为2.6人" not in w.reason
