"""Interface strings of the compare pages (scorecard, metric, benchmarks): key → (zh, en).
Kept apart so the shared table in i18n.py changes by one line; i18n.MESSAGES includes them."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.compare": ("对比", "Compare"),
    "cmp.title": ("地区对比记分卡", "Scorecard: regions compared"),
    "cmp.intro": ("各规划中同一指标并列比较:最新值、目标值、完成度、状态及同级地区排名,并对照全国和上位规划目标。"
                  "只列出至少两个规划共有的指标。",
                  "The same metric side by side in every plan: latest value, target, completion, status and rank among "
                  "regions of the same level, against the national and superior plans' targets. Only metrics in at "
                  "least two plans are listed."),
    "cmp.level": ("地区层级", "Region level"),
    "cmp.shown": ("共 {n} 行,{m} 项指标", "{n} rows, {m} metrics"),
    "cmp.none": ("没有符合条件的对比行", "No row matches these filters"),
    "cmp.sort_hint": ("点击表头可排序;同级排名只比较同一年份的数值", "Click a column heading to sort; ranks compare "
                      "values of one year"),
    "cmp.col.domain": ("领域", "Domain"),
    "cmp.col.metric": ("指标", "Metric"),
    "cmp.col.unit": ("单位", "Unit"),
    "cmp.col.region": ("地区", "Region"),
    "cmp.col.level": ("层级", "Level"),
    "cmp.col.plan": ("规划", "Plan"),
    "cmp.col.name": ("规划中的指标名称", "Name in the plan"),
    "cmp.col.value": ("最新值", "Latest value"),
    "cmp.col.year": ("数据年份", "Data year"),
    "cmp.col.target": ("目标值", "Target"),
    "cmp.col.completion": ("完成度", "Completion"),
    "cmp.col.status": ("状态", "Status"),
    "cmp.col.rank": ("同级排名", "Rank among peers"),
    "cmp.col.national": ("全国目标", "National target"),
    "cmp.col.superior": ("上位规划目标", "Superior plan's target"),
    "cmp.col.simulated": ("模拟数据", "Simulated"),
    "cmp.yes": ("是", "yes"),
    "cmp.level.nation": ("全国", "National"),
    "cmp.level.province": ("省级", "Province"),
    "cmp.level.city": ("市级", "City"),
    "cmp.level.county": ("县级", "County"),
    "cmp.level.township": ("乡镇", "Township"),
    "cmp.mark.stricter": ("本地目标更严格", "local target stricter"),
    "cmp.mark.same": ("本地目标持平", "local target the same"),
    "cmp.mark.weaker": ("本地目标较宽松", "local target weaker"),
    "cmp.metric_title": ("指标对比:{name}", "Metric: {name}"),
    "cmp.metric_intro": ("该指标在各规划、各地区的目标与进展。", "This metric's targets and progress in every plan and region."),
    "cmp.back": ("返回对比记分卡", "Back to the scorecard"),
    "cmp.equalisation": ("地区间均等化", "Equalisation across regions"),
    "cmp.eq_note": ("按{year}年各地区数值计算(多数地区最新数据所在年份;全国不计入),未按人口加权。",
                    "From the regions' {year} values (the year most regions last reported; the nation excluded), "
                    "not weighted by population."),
    "cmp.eq_none": ("少于两个地区有数值,无法计算均等化。", "Fewer than two regions have a value: no equalisation figure."),
    "cmp.eq_n": ("地区数", "Regions"),
    "cmp.eq_mean": ("平均值", "Mean"),
    "cmp.direction": ("方向", "Direction"),
    "cmp.direction.up": ("越高越好", "higher is better"),
    "cmp.direction.down": ("越低越好", "lower is better"),
    "cmp.bars_note": ("红色虚线为全国目标 {target};橙色为滞后、未达标或未完成的地区。",
                      "The red dashed line is the national target {target}; orange bars are regions lagging, "
                      "below the floor or short of the target."),
    "cmp.bench_national": ("全国目标", "National target"),
    "cmp.bench_superior": ("上位规划目标", "Superior plan's target"),
}
