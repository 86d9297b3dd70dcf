"""A generated plan for report tests and the report benchmark: every target kind,
binding and expected indicators, sub-regions, missing and overdue data, and
(only when asked) simulated values. Deterministic for a given seed."""

from __future__ import annotations

import random

from planwatch.model import EvaluationInput, Indicator, Observation, Plan, Region, Target

REGION = "519900"
SUBREGIONS = [("519901", "东城区"), ("519902", "西城区"), ("519921", "南山县"), ("519922", "北川县"),
              ("519923", "河口县")]

# name, unit, domain, baseline, target raw, target value, op, kind, binding, aggregation
TEMPLATES: list[tuple[str, str | None, str, float | None, str, float | None, str, str, bool, str]] = [
    ("每千人口拥有3岁以下婴幼儿托位数", "个", "幼有所育", 1.8, "4.5", 4.5, ">=", "level", False, "mean_pop"),
    ("孤儿和事实无人抚养儿童保障", None, "幼有所育", None, "应保尽保", None, "qualitative", "level", True, "none"),
    ("新增普惠性托位", "个", "幼有所育", None, "【3000】", 3000, ">=", "cumulative", False, "sum"),
    ("学前教育毛入园率", "%", "学有所教", 88.0, ">92", 92, ">", "level", False, "mean_pop"),
    ("九年义务教育巩固率", "%", "学有所教", 95.2, "≥96", 96, ">=", "level", True, "mean_pop"),
    ("高中阶段教育毛入学率", "%", "学有所教", 90.5, ">92", 92, ">", "level", False, "mean_pop"),
    ("劳动年龄人口平均受教育年限", "年", "学有所教", 10.8, "11.3", 11.3, ">=", "level", False, "none"),
    ("城镇新增就业", "万人", "劳有所得", None, "【12】", 12, ">=", "cumulative", False, "sum"),
    ("城镇调查失业率", "%", "劳有所得", 6.1, "<5.5", 5.5, "<", "level", False, "none"),
    ("参加补贴性职业技能培训", "万人次", "劳有所得", None, "【6】", 6, ">=", "cumulative", False, "sum"),
    ("人均预期寿命", "岁", "病有所医", 77.9, "78.3", 78.3, ">=", "level", False, "none"),
    ("每千人口拥有执业（助理）医师数", "人", "病有所医", 2.9, "3.2", 3.2, ">=", "level", True, "mean_pop"),
    ("每千人口拥有注册护士数", "人", "病有所医", 3.3, "3.8", 3.8, ">=", "level", False, "mean_pop"),
    ("基本医疗保险参保率", "%", "病有所医", 96.0, ">95", 95, ">", "level", True, "mean_pop"),
    ("孕产妇死亡率", "1/10万", "病有所医", 16.9, "≤14.5", 14.5, "<=", "level", True, "none"),
    ("养老机构护理型床位占比", "%", "老有所养", 40.0, "55", 55, ">=", "level", True, "mean_pop"),
    ("基本养老保险参保率", "%", "老有所养", 91.0, "95", 95, ">=", "level", True, "mean_pop"),
    ("养老服务床位总量", "万张", "老有所养", 0.8, "1.1", 1.1, ">=", "level", False, "sum"),
    ("城乡居民基础养老金年均增长", "%", "老有所养", None, "年均增长6%", 6, ">=", "annual", False, "none"),
    ("城镇户籍低保、低收入家庭申请公租房", None, "住有所居", None, "应保尽保", None, "qualitative", "level", True,
     "none"),
    ("城镇老旧小区改造", "个", "住有所居", None, "【120】", 120, ">=", "cumulative", False, "sum"),
    ("农村低收入群体住房安全保障", None, "住有所居", None, "全覆盖", None, "qualitative", "level", False, "none"),
    ("困难残疾人生活补贴目标人群覆盖率", "%", "弱有所扶", 100.0, "100", 100, ">=", "level", True, "mean_pop"),
    ("残疾儿童康复救助覆盖率", "%", "弱有所扶", 85.0, ">90", 90, ">", "level", False, "mean_pop"),
    ("每万人接受公共文化设施服务次数", "万次", "文体服务保障", 2.4, "3.4", 3.4, ">=", "level", False, "none"),
    ("人均体育场地面积", "平方米", "文体服务保障", 1.91, "≥2.6", 2.6, ">=", "level", False, "mean_pop"),
    ("每百户居民拥有社区综合服务设施面积", "平方米", "文体服务保障", 24.0, ">30", 30, ">", "level", False, "none"),
    ("经常参加体育锻炼人数比例", "%", "文体服务保障", 37.2, "38.5", 38.5, ">=", "level", False, "none"),
]
EXTRA_NAMES = [
    "社区卫生服务中心标准化建设达标率", "乡镇综合文化站达标率", "普惠性幼儿园覆盖率", "特殊教育入学率",
    "二级以上综合医院设置老年医学科比例", "儿童健康管理率", "家庭医生签约服务覆盖率", "公共图书馆人均藏书量",
    "城市社区综合服务设施覆盖率", "农村义务教育学生营养改善覆盖率", "居民健康素养水平", "县级医院达到二级甲等水平比例",
]


def _template(i: int) -> tuple[str, str | None, str, float | None, str, float | None, str, str, bool, str]:
    if i < len(TEMPLATES):
        return TEMPLATES[i]
    name = EXTRA_NAMES[(i - len(TEMPLATES)) % len(EXTRA_NAMES)]
    k = (i - len(TEMPLATES)) // len(EXTRA_NAMES)
    if k:
        name += f"（{k + 1}）"
    base = 60.0 + (i % 7) * 3
    return (name, "%", ["幼有所育", "学有所教", "病有所医", "老有所养", "弱有所扶"][i % 5], base, f"{base + 10:g}",
            base + 10, ">=", "level", i % 6 == 0, "mean_pop")


def sample_input(n: int = 28, last_year: int = 2024, seed: int = 7, simulated: bool = False,
                 with_subregions: bool = True) -> EvaluationInput:
    """`n` indicators with data 2021..last_year. Speeds vary so every status occurs;
    indicator 2 (a binding qualitative one) and every 9th indicator have no data at all,
    every 11th stops a year early (overdue)."""
    rng = random.Random(seed)
    plan = Plan(id="sample", title="示例市“十四五”公共服务规划", region_code=REGION)
    regions = [Region(REGION, "示例市", "city", None, {2020: 1_000_000})]
    if with_subregions:
        regions += [Region(code, name, "county", REGION, {2020: 150_000 + 40_000 * k})
                    for k, (code, name) in enumerate(SUBREGIONS)]
    depts = ["市卫生健康委", "市教育局", "市人力资源社会保障局", "市民政局", "市住房城乡建设局", "市文化广电旅游局",
             "市体育局", "市残联", "市医保局"]
    indicators: list[Indicator] = []
    obs: list[Observation] = []
    for i in range(n):
        name, unit, domain, base, raw, value, op, kind, binding, agg = _template(i)
        ind = Indicator(
            id=f"s-i{i + 1}", plan_id=plan.id, name=name, unit=unit, domain=domain, binding=binding,
            target=Target(raw=raw, value=value, op=op, kind=kind),  # type: ignore[arg-type]
            baseline=base, baseline_year=2020 if base is not None else None,
            aggregation=agg,  # type: ignore[arg-type]
            lead_department=depts[i % len(depts)], direction="down" if op in ("<", "<=") else None,
        )
        indicators.append(ind)
        if i == 1 or (i % 9 == 8):
            continue  # 未报送
        stop = last_year - 1 if i % 11 == 10 else last_year
        speed = [1.3, 1.0, 0.8, 0.45, -0.2, 1.1][i % 6]  # share of schedule reached
        src = "示例市统计局《{y}年示例市国民经济和社会发展统计公报》" if i % 3 else "{dept}年度报送表（{y}年）"
        for y in range(2021, stop + 1):
            s = (y - 2020) / 5
            sim = simulated and i % 4 == 3
            source = src.format(y=y, dept=ind.lead_department)
            if op == "qualitative":
                obs.append(Observation(ind.id, REGION, y, judgement="推进中" if y < 2024 else "已实现",
                                       source=source, simulated=sim))
                continue
            if kind == "cumulative":
                assert value is not None
                v = round(value / 5 * speed * rng.uniform(0.85, 1.15), 1)
            elif kind == "annual":
                v = round((value or 0) * speed * rng.uniform(0.9, 1.1), 2)
            else:
                assert base is not None and value is not None
                v = round(base + (value - base) * s * speed * rng.uniform(0.95, 1.05), 2)
                if base >= value and op in (">=", ">"):  # a floor already met: hover around it
                    v = round(base - (0.5 if i % 2 else -0.2), 2)
            obs.append(Observation(ind.id, REGION, y, v, source=source, simulated=sim))
            if with_subregions and agg != "none" and kind == "level" and y == stop:
                for k, (code, _) in enumerate(SUBREGIONS):
                    spread = 1 + (k - 2) * 0.06
                    obs.append(Observation(ind.id, code, y, round(v * spread, 2),
                                           source=f"{name}分县区报送表（{y}年）", simulated=sim))
    return EvaluationInput(plan=plan, indicators=indicators, observations=obs, regions=regions)
