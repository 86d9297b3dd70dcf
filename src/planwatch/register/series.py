"""Series: a metric in one region, year by year, read by every plan whose targets are on that metric.

The one home for reading a plan's series and for the baseline rule: a successor plan (one that names a
predecessor) takes its baselines from the series' base-year value, and wherever the document states a
baseline that the reported value contradicts, the disagreement is flagged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register.finality import is_counted  # only a final value is a baseline
from planwatch.register.schema import Indicator, Observation

_NUMBER = re.compile(r"\d+(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class Baseline:
    """A target's baseline: what the document states, what the series holds, and which one counts."""

    year: int | None
    stated: float | None
    stated_raw: str | None
    reported: float | None
    value: float | None  # the baseline evaluation uses
    from_series: bool
    agrees: bool | None  # None: nothing to compare

    @property
    def disagrees(self) -> bool:
        return self.agrees is False


def stated_tolerance(stated: float, raw: str | None) -> float:
    """Half a unit of the last digit the document wrote ("4.5" → 0.05), scaled to the stored value
    ("2.5万" stored as 25000 → 500): a rounded figure agrees with the exact one it rounds."""
    found = list(_NUMBER.finditer(raw or ""))
    if not found:
        return 1e-9 * max(1.0, abs(stated))
    last = found[-1]
    decimals = len(last.group(1) or "")
    written = float(last.group(0))
    half = 0.5 * 10 ** -decimals
    scale = abs(stated / written) if written else 1.0
    return half * scale + 1e-9 * max(1.0, abs(stated))


def baseline(stated: float | None, stated_raw: str | None, year: int | None, reported: float | None,
             successor: bool) -> Baseline:
    """The baseline rule. A successor plan reads the series' base-year value; any plan falls back on it
    when the document states none. The document's figure is kept and compared."""
    from_series = reported is not None and (successor or stated is None)
    agrees = None
    if stated is not None and reported is not None:
        agrees = abs(stated - reported) <= stated_tolerance(stated, stated_raw)
    return Baseline(year, stated, stated_raw, reported, reported if from_series else stated, from_series, agrees)


def base_year_of(ind: Any, plan_base_year: int) -> int:
    return ind.baseline_year or plan_base_year


def reported_at(rows: Iterable[Any], year: int | None) -> float | None:
    """The approved value of `year` among a series' rows (objects with year, value, status)."""
    for o in rows:
        if o.year == year and is_counted(o.status) and o.value is not None:
            return float(o.value)
    return None


def series_by_indicator(session: Session, indicators: Sequence[Any], region: str,
                        statuses: Sequence[str]) -> dict[int, list[Observation]]:
    """Indicator id → the observations of its metric's series in `region`, oldest first. One query
    whatever the number of indicators; two targets on one metric read the same rows."""
    by_metric: dict[int, list[int]] = defaultdict(list)
    for ind in indicators:
        by_metric[ind.metric_id].append(ind.id)
    out: dict[int, list[Observation]] = defaultdict(list)
    if not by_metric:
        return out
    metrics = sorted(by_metric)
    for i in range(0, len(metrics), 500):
        rows = session.scalars(select(Observation).where(
            Observation.metric_id.in_(metrics[i:i + 500]), Observation.region_code == region,
            Observation.status.in_(list(statuses))).order_by(Observation.year)).all()
        for o in rows:
            for ind_id in by_metric[o.metric_id]:
                out[ind_id].append(o)
    return out


def plan_series(session: Session, plan_id: int, region: str, statuses: Sequence[str]) -> dict[int, list[Observation]]:
    """`series_by_indicator` for a plan's active targets."""
    inds = session.execute(select(Indicator.id, Indicator.metric_id)
                           .where(Indicator.plan_id == plan_id, Indicator.active)).all()
    return series_by_indicator(session, inds, region, statuses)
