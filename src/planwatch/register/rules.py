"""Pure rules the register applies to indicators: natural keys, direction, aggregation, plausible values."""

from __future__ import annotations

import re
import unicodedata

from planwatch.extract import lexicon

# Indicators where a lower value is better: matched on the name, words in the lexicon.
_LOWER_IS_BETTER = lexicon.rx("{metric.lower_better}")
_RATE_WORDS = re.compile(r"率|比重|比例|占比|覆盖面|人均|每千|每万|每百|每十万|千人|万人口|百户|平均|指数|年限|寿命|密度")
_COUNT_UNITS = {
    "人", "万人", "人次", "万人次", "个", "万个", "所", "家", "张", "万张", "床", "套", "万套", "间", "户", "万户",
    "座", "处", "项", "名", "件", "次", "万次", "册", "万册", "辆", "台", "条", "支", "场", "亿元", "万元", "元",
}
_SHARE_UNITS = {"%", "‰", "‱", "岁", "年", "平方米", "㎡", "m2", "m²"}

# Units that express a share of a whole: a value above 100 is impossible unless
# the name says it is a gross ratio (毛入学率 can pass 100) or a change.
_PERCENT_UNITS = {"%"}
_MAY_EXCEED_100 = re.compile(r"毛入|增长|增速|增幅|提高|比上年|同比|倍")
_MAY_BE_NEGATIVE = re.compile(r"增长|增速|增幅|变化|变动|差|同比|比上年|净")

# A bound on any figure a department reports: beyond it a value is a typo or an attack (1e308).
MAX_ABS_VALUE = 1e13


def normalize_name(name: str) -> str:
    """NFKC, no whitespace, unified brackets: the comparable form of an indicator name."""
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"\s+", "", s)
    return s.replace("〔", "(").replace("〕", ")").replace("【", "[").replace("】", "]").lower()


def strip_qualifiers(name: str) -> str:
    """Drop parenthetical qualifiers ("城镇新增就业(不含长垣)" → "城镇新增就业") for name matching."""
    return re.sub(r"\([^()]*\)$", "", normalize_name(name)) or normalize_name(name)


def infer_direction(name: str, op: str | None, baseline: float | None, target: float | None) -> str:
    """"down" when a lower value is better: by the operator (≤, <), the name, or a falling target."""
    if op in ("<=", "<"):
        return "down"
    if op in (">=", ">"):
        return "up"
    if _LOWER_IS_BETTER.search(name):
        return "down"
    if baseline is not None and target is not None and target < baseline:
        return "down"
    return "up"


def infer_aggregation(name: str, unit: str | None) -> str:
    """How sub-region values add up: rates and per-capita figures → population-weighted mean,
    counts → sum, anything else → none (not aggregable)."""
    u = (unit or "").strip()
    if u in _SHARE_UNITS or _RATE_WORDS.search(name):
        return "mean_pop"
    if u in _COUNT_UNITS or re.search(r"(数|人数|数量|总量|个数|次数)$", name):
        return "sum"
    return "none"


def value_range(name: str, unit: str | None) -> tuple[float, float]:
    """The closed interval of plausible values for an indicator: `value_problem` refuses a value exactly
    when it is not finite or lies outside it. A bulk check tests the interval (one comparison a value) and
    asks `value_problem` only for the values outside, for its message."""
    lo = -MAX_ABS_VALUE if _MAY_BE_NEGATIVE.search(name) else 0.0
    percent = (unit or "").strip() in _PERCENT_UNITS and not _MAY_EXCEED_100.search(name)
    return lo, 100.0 if percent else MAX_ABS_VALUE


def value_problem(name: str, unit: str | None, value: float) -> tuple[str, str] | None:
    """Why a value cannot be right (Chinese, English), or None when plausible (within `value_range`)."""
    if value != value or value in (float("inf"), float("-inf")):
        return "数值不是有限数", "value is not a finite number"
    if abs(value) > MAX_ABS_VALUE:
        return f"数值超出合理范围(绝对值 > {MAX_ABS_VALUE:g})", f"value out of range (|value| > {MAX_ABS_VALUE:g})"
    lo, hi = value_range(name, unit)
    if value < lo:
        return "该指标不能为负数", "this indicator cannot be negative"
    if value > hi:
        return "百分比不能超过100", "a percentage cannot exceed 100"
    return None


def unit_factor(from_unit: str | None, to_unit: str | None) -> float | None:
    """Multiplier that converts a figure in `from_unit` to `to_unit` (人 → 万人: 1e-4), None if incompatible."""
    a, b = (from_unit or "").strip(), (to_unit or "").strip()
    if a == b:
        return 1.0
    if a.startswith("万") and a[1:] == b:
        return 1e4
    if b.startswith("万") and b[1:] == a:
        return 1e-4
    return None
