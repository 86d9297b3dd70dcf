"""Status from Q = P/S with configurable bands (ANCHORS §4.5), and its Chinese label."""

from __future__ import annotations

from dataclasses import dataclass

from planwatch.evaluate.completion import Completion
from planwatch.evaluate.config import Bands
from planwatch.evaluate.schedule import schedule_progress

# code → label; "achieved" is 提前实现 before the target year and 已完成 from it on.
LABELS: dict[str, str] = {
    "achieved": "已完成",
    "ahead": "进度超前",
    "on_track": "进度正常",
    "lagging": "滞后",
    "seriously_lagging": "严重滞后",
    "not_met": "未完成",
    "met": "达标",
    "below_floor": "未达标",
    "in_progress": "推进中",
    "not_started": "未启动",
    "not_reported": "未报送",
    "unassessable": "无法评估",
}

# Better → smaller. Used to compare statuses (property tests, "worst binding status").
RANK: dict[str, int] = {
    "achieved": 0, "met": 0, "ahead": 1, "on_track": 2, "in_progress": 2,
    "lagging": 3, "seriously_lagging": 4, "not_started": 4, "below_floor": 5, "not_met": 5,
}

# Statuses that put a binding (约束性) indicator at risk.
AT_RISK = frozenset({"lagging", "seriously_lagging", "not_met", "below_floor", "not_started"})


@dataclass(frozen=True)
class Status:
    code: str
    label: str
    S: float | None = None
    Q: float | None = None


def band(q: float, bands: Bands) -> str:
    if q >= bands.ahead:
        return "ahead"
    if q >= bands.on_track:
        return "on_track"
    if q >= bands.lagging:
        return "lagging"
    return "seriously_lagging"


def _s(c: Completion, reduction_schedule: str) -> float | None:
    """The expected completion at the judged year: the kind's schedule at S(t)."""
    if c.year is None:
        return None
    s = schedule_progress(c.year, c.base_year, c.target_year)
    return None if s is None else c.kind.expected(s, c.goal, reduction_schedule)


def classify(c: Completion, bands: Bands | None = None, reduction_schedule: str = "linear") -> Status:
    bands = bands or Bands()
    kind = c.kind
    # Maintain/range targets are judged year by year: the time schedule does not apply.
    S = None if kind.yearly else _s(c, reduction_schedule)

    def st(code: str, Q: float | None = None, label: str | None = None) -> Status:
        return Status(code, label or LABELS[code], S, Q)

    final = c.year is not None and c.year >= c.target_year
    if c.missing == "no_data" or (c.missing == "only_baseline" and "baseline_provisional" not in c.flags
                                  and not c.achieved):
        return st("not_reported")
    own = kind.status(c, final, st)
    if own is not None:
        return own
    if c.missing == "series_break":
        # 口径调整: values before and after the break are not comparable, whatever the year.
        return st("unassessable")
    if c.achieved:
        return st("achieved", label="已完成" if final else "提前实现")
    if "outside_range" in c.flags:
        return st("below_floor", label="未达标(超出区间)")
    if final:
        return st("not_met", Q=c.P)
    if c.P is None or not S:
        return st("unassessable")
    Q = c.P / S
    return st(band(Q, bands), Q=Q)
