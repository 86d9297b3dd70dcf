"""evaluate_plan: one plan, one data year → PlanEvaluation (plain data in, plain data out).

The scalar path here judges each indicator with every rule; `evaluate_bulk`
(re-exported from vectorised.py) does the numeric kinds for millions of series, and judges a
plan's sub-regions where `vectorised.bulk_fields` covers the target (`subregions`)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import repeat
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np

from planwatch.evaluate import kinds
from planwatch.evaluate.completion import Completion, complete
from planwatch.evaluate.config import DEFAULT_CONFIG, EvaluationConfig
from planwatch.evaluate.equalisation import Equalisation, equalisation
from planwatch.evaluate.projection import project
from planwatch.evaluate.results import IndicatorEvaluation, PlanEvaluation
from planwatch.evaluate.rollup import population, regions_by_parent, rollup_observations, summarise
from planwatch.evaluate.series import Series, build_series
from planwatch.evaluate.status import AT_RISK, classify
from planwatch.evaluate.vectorised import BulkFields, BulkInput, BulkResult, bulk_fields, evaluate_bulk
from planwatch.evaluate.warnings import early_warnings, indicator_warnings
from planwatch.model import EvaluationInput, Indicator, Observation, Region, ValueRows

__all__ = ["BulkInput", "BulkResult", "evaluate_bulk", "evaluate_indicator", "evaluate_plan", "evaluate_plans",
           "subregion_spread", "subregions"]


def _backwards(c: Completion, series: Series) -> tuple[bool, dict[str, Any] | None]:
    """Moving away from the target, by the kind's rule (below the baseline, worse than last year)."""
    if c.achieved or c.value is None:
        return False, None
    pts = [p for p in series.segment() if p.value is not None and p.year < (c.year or 0)]
    back, prev = c.kind.backwards(c, pts[-1] if pts else None)
    return back, None if prev is None else {"year": prev.year, "value": prev.value}


def _judge(ind: Indicator, observations: list[Observation], region_code: str, year: int, base_year: int,
           config: EvaluationConfig, regions: list[Region] | None,
           children_of: dict[str | None, list[Region]] | None = None
           ) -> tuple[Indicator, Series, Completion, Any, tuple[str, ...], int]:
    """The status of one indicator in one region: (indicator as judged, series, completion, status,
    flags, the year judged to). `evaluate_indicator` adds the projection and the warnings; a
    sub-region's row needs only this."""
    if ind.cumulative_convention is None and config.cumulative_conventions:
        declared = config.convention_of(ind.id)
        if declared is not None:
            ind = replace(ind, cumulative_convention=declared)
    own = [o for o in observations if o.indicator_id == ind.id and o.region_code == region_code]
    flags: tuple[str, ...] = ()
    if _rolls_up(ind, own, config, regions):
        own = rollup_observations(ind.id, ind.aggregation, region_code, observations, regions,
                                  config.accepted_statuses, children_of)
        flags = ("rolled_up",) if own else ()
    # A target is judged on data up to its own year: later values are not held against it.
    judged_to = min(year, ind.target.year)
    series = build_series(own, judged_to, config.accepted_statuses)
    c = complete(ind, series, base_year, config.maintain_tolerance)
    st = classify(c, config.bands, config.reduction_schedule)
    return ind, series, c, st, flags, judged_to


def _rolls_up(ind: Indicator, own: list[Observation], config: EvaluationConfig, regions: list[Region] | None
              ) -> bool:
    """Whether a region's value is rolled up from its sub-regions: it has none that counts, and the
    indicator sums or averages across regions."""
    return (ind.aggregation != "none" and bool(regions)
            and not any(o.status in config.accepted_statuses for o in own))


def evaluate_indicator(ind: Indicator, observations: list[Observation], region_code: str, year: int,
                       base_year: int = 2020, config: EvaluationConfig = DEFAULT_CONFIG,
                       regions: list[Region] | None = None) -> IndicatorEvaluation:
    """Judge one indicator in one region from its observations (any order)."""
    ind, series, c, st, flags, judged_to = _judge(ind, observations, region_code, year, base_year, config, regions)
    proj = project(c, series, config.clear_fit_ratio, config.maintain_tolerance)
    back, prev = _backwards(c, series)
    detail = dict(c.detail)
    if prev:
        detail["previous"] = prev
    if series.latest() and series.latest().provisional:  # type: ignore[union-attr]
        flags = (*flags, "provisional")
    overdue = c.year is None or (series.latest() is not None and series.latest().year  # type: ignore[union-attr]
                                 < judged_to - config.overdue_grace_years)
    ev = IndicatorEvaluation(
        id=ind.id, name=ind.name, domain=ind.domain, unit=ind.unit, binding=ind.binding,
        target_raw=ind.target.raw, target_year=ind.target.year, method=c.method, direction=c.goal.direction,
        region_code=region_code, status=st.code, label=st.label, S=st.S, P=c.P, Q=st.Q,
        baseline=c.baseline, base_year=c.base_year, value=c.value, year=c.year, projection=proj,
        overdue=overdue, backwards=back, judgement=c.judgement, flags=(*c.flags, *flags), detail=detail)
    return _replaced(ev, warnings=indicator_warnings(ev, year))


class _Sub(NamedTuple):
    """A sub-region's judgement: what its row and the equalisation read. A tuple: a county plan
    makes ~1,200 of them, and a frozen dataclass's constructor costs ~5x a tuple's."""

    status: str
    label: str
    value: float | None
    year: int | None
    P: float | None


def _tree(inp: EvaluationInput) -> tuple[list[Region], dict[str | None, list[Region]]]:
    """The plan region's direct sub-regions, and the plan's regions by parent code (its keys: every
    region that has sub-regions; the map roll-ups walk)."""
    kids = regions_by_parent(inp.regions)
    return kids.get(inp.plan.region_code, []), kids


def subregions(items: list[tuple[Indicator, IndicatorEvaluation, list[Observation]]], inp: EvaluationInput,
               year: int, config: EvaluationConfig = DEFAULT_CONFIG,
               tree: tuple[list[Region], dict[str | None, list[Region]]] | None = None, bulk: bool = True,
               rows: list[Sequence[tuple[Any, ...]] | None] | None = None, spread: bool = True
               ) -> list[IndicatorEvaluation]:
    """Each (indicator, its evaluation in the plan region, its values) with its direct sub-regions judged:
    status, completion, value and year, no projection or warnings (their rows never show them).

    A sub-region judged on its own values, of a target `vectorised.bulk_fields` covers, with at most
    one value a year, is judged by `evaluate_bulk` with the plan's other such cells in one call; the
    rest (roll-ups, duplicate years, judgements, simulated values, other targets) by `_judge`, one
    by one. `bulk=False` judges every one by `_judge`: tests/evaluate/test_eval_subregions.py holds
    the two equal on every field a row keeps. (`evaluate_plans` judges the bulk cells of several plans
    in one call: `_sort_out`, `_judge_bulk`, `_finish`.)

    `rows`: per item, its values below the plan region as rows of `inp.below` (a `model.ValueRows`)
    instead of its `Observation`s (None: the item's observations); `Observation`s are built from them
    only for the sub-regions `_judge` judges. `spread=False`: no equalisation (see `evaluate_plans`)."""
    pending = _sort_out(items, inp, year, config, tree, bulk, rows)
    _judge_bulk([pending], config)
    return _finish(pending, spread)


@dataclass
class _Pending:
    """A plan's sub-regions between their sorting out (`_sort_out`: the scalar cells judged) and the
    bulk judgement of the rest (`_judge_bulk`, which fills `judged`)."""

    items: list[tuple[Indicator, IndicatorEvaluation, list[Observation]]]
    year: int
    fields: list[BulkFields | None]
    below: _Below
    # per item: (child, _Sub | None) in the children's order, None until the bulk cells are judged
    judged: list[list[tuple[Region, _Sub | None]]]
    cells: list[tuple[int, int, int]]  # (item, child's position in `children`, position in judged[item])


def _sort_out(items: list[tuple[Indicator, IndicatorEvaluation, list[Observation]]], inp: EvaluationInput,
              year: int, config: EvaluationConfig, tree: tuple[list[Region], dict[str | None, list[Region]]] | None,
              bulk: bool, rows: list[Sequence[tuple[Any, ...]] | None] | None) -> _Pending:
    """`subregions` up to the bulk judgement: each cell judged by `_judge`, or kept for `evaluate_bulk`."""
    children, kids = tree or _tree(inp)  # `tree`: computed once per plan by the caller
    fields = [bulk_fields(ind, inp.plan.base_year) if bulk else None for ind, _, _ in items]
    given = [rows[k] if rows is not None else None for k in range(len(items))]
    usual = inp.below.usual if inp.below is not None else "approved"
    values = _Below([g if g is not None else [ValueRows.row(o, usual=usual) for o in obs]
                     for g, (_, _, obs) in zip(given, items, strict=True)], children, config.accepted_statuses, usual)
    judged: list[list[tuple[Region, _Sub | None]]] = []
    cells: list[tuple[int, int, int]] = []
    for k, (ind, _ev, obs) in enumerate(items):
        f, rows_of = fields[k], given[k]
        any_of, counted_of, plain_of = values.any[k], values.counted[k], values.plain[k]
        every: list[Observation] = []  # the item's Observations, and by region (`pool`), once needed
        pool: dict[str, list[Observation]] | None = None
        subs: list[tuple[Region, _Sub | None]] = []
        for p, ch in enumerate(children):
            # A sub-region's own values when one counts (linear in the sub-regions); every value when it
            # must be rolled up from the regions below it.
            if not any_of[p] and ch.code not in kids:
                continue
            if f is not None and plain_of[p]:
                cells.append((k, p, len(subs)))
                subs.append((ch, None))
                continue
            if pool is None:
                every = obs if rows_of is None else inp.below.observations(ind.id, rows_of)  # type: ignore[union-attr]
                pool = defaultdict(list)
                for o in every:
                    pool[o.region_code].append(o)
            if counted_of[p]:
                judged_on = pool[ch.code]
            else:  # rolled up: its values and those of the regions below it, not every sub-region's
                judged_on = [o for code in (ch.code, *_below(ch.code, kids)) for o in pool.get(code, ())]
            _, _, sc, st, _, _ = _judge(ind, judged_on, ch.code, year, inp.plan.base_year, config, inp.regions, kids)
            if sc.value is None and sc.judgement is None:
                continue
            subs.append((ch, _Sub(st.code, st.label, sc.value, sc.year, sc.P)))
        judged.append(subs)
    return _Pending(items, year, fields, values, judged, cells)


def _finish(pending: _Pending, spread: bool = True) -> list[IndicatorEvaluation]:
    """Each item's evaluation with its judged sub-regions' rows and, with `spread`, their equalisation."""
    weights: dict[tuple[str, int], float] = {}  # (sub-region, year) → its population weight, for every indicator
    return [_with_subregions(ind, ev, [(ch, se) for ch, se in subs if se is not None], weights, spread)
            for (ind, ev, _), subs in zip(pending.items, pending.judged, strict=True)]


class _Below:
    """The items' values below the plan region as columns (numpy), and per item and direct sub-region:
    whether it has any value (`any`), any that counts (`counted`), and whether the bulk path reads the
    counted ones as the scalar series does (`plain`: numbers, one a year, none simulated). Computed for a
    plan's ~6,000 values at once: a Python pass per value and rule cost ~4 ms a county plan."""

    def __init__(self, per_item: list[Sequence[tuple[Any, ...]]], children: list[Region],
                 accepted: tuple[str, ...], usual: str) -> None:
        k_n, c_n = len(per_item), len(children)
        self.width = c_n
        flat: list[tuple[Any, ...]] = []
        sizes = []
        for rows in per_item:
            flat += rows
            sizes.append(len(rows))
        n = len(flat)
        # a column at a time (`zip(*flat)` cost 4x as much: one iterator a row)
        regions, years, values, rests = (list(map(itemgetter(c), flat)) for c in (1, 2, 3, 4))
        index = {ch.code: p for p, ch in enumerate(children)}
        pos = np.fromiter(map(index.get, regions, repeat(-1)), dtype=np.int64, count=n)
        wanted = set(accepted)
        # a row's status, 口径 break and simulated flag: the usual ones unless its `rest` says otherwise
        ok = np.full(n, usual in wanted)
        self.breaks = np.zeros(n, dtype=bool)
        simulated = np.zeros(n, dtype=bool)
        odd = [i for i, rest in enumerate(rests) if rest is not None]
        if odd:
            ok[odd] = [rests[i][1] in wanted for i in odd]
            self.breaks[odd] = [bool(rests[i][2]) for i in odd]  # SQLite's flags are 0 / 1
            simulated[odd] = [bool(rests[i][3]) for i in odd]
        self.year = np.array(years, dtype=np.int64)
        self.value = np.array(values, dtype=np.float64)  # None → NaN
        mine = pos >= 0  # a direct sub-region's own value (not a region further down)
        self.key = np.repeat(np.arange(k_n, dtype=np.int64), sizes) * c_n + pos  # (item, sub-region) a row
        size = k_n * c_n
        any_ = np.bincount(self.key[mine], minlength=size)
        counted = mine & ok
        self.counted_rows = counted
        ck, cy = self.key[counted], self.year[counted]
        bad = np.bincount(ck, weights=np.isnan(self.value[counted]) | simulated[counted], minlength=size)
        order = np.lexsort((cy, ck))
        sk, sy = ck[order], cy[order]
        dup = np.bincount(sk[1:][(sk[1:] == sk[:-1]) & (sy[1:] == sy[:-1])], minlength=size)
        n_counted = np.bincount(ck, minlength=size)
        plain = (n_counted > 0) & (bad == 0) & (dup == 0)
        self.any = (any_ > 0).reshape(k_n, c_n).tolist()
        self.counted = (n_counted > 0).reshape(k_n, c_n).tolist()
        self.plain = plain.reshape(k_n, c_n).tolist()


def _below(code: str, kids: dict[str | None, list[Region]]) -> list[str]:
    """The codes of every region below `code` (not `code` itself)."""
    out: list[str] = []
    todo = [code]
    while todo:
        for r in kids.get(todo.pop(), ()):
            out.append(r.code)
            todo.append(r.code)
    return out


def _judge_bulk(pending: list[_Pending], config: EvaluationConfig) -> None:
    """Judge the plans' bulk cells (`_Pending.cells`) with `evaluate_bulk` on their counted values, one
    call per (base year, target year, evaluation year) for all the plans given, and fill each plan's
    `judged` (a cell without a value judged is dropped, as the scalar path drops it). A county plan's
    ~1,200 cells cost about as much in numpy's per-call overhead as in arithmetic: `evaluate_plans`
    judges a batch of plans' cells together."""
    # Each cell's group and row in its group's matrix, a plan at a time in numpy: a county plan has ~1,200
    # cells, and a Python step a cell to group them and place them cost ~1 ms a plan.
    group_ids: dict[tuple[int, int, int], int] = {}  # (base year, target year, evaluation year) → group
    filled: list[int] = []  # rows given out so far, per group
    # per group, a part per plan in row order: (plan, its cells (item, child, position), their fields)
    members: list[list[tuple[int, np.ndarray, tuple[np.ndarray, ...]]]] = []
    row_of, group_of = [], []  # per plan, by (item, sub-region) key: the cell's row in its group and the group
    for i, p in enumerate(pending):
        size = len(p.judged) * p.below.width
        row_of.append(np.full(size, -1, dtype=np.int64))
        group_of.append(np.full(size, -1, dtype=np.int64))
        if not p.cells:
            continue
        fields = p.fields  # a cell's item always has fields (`_sort_out`; asserted below)
        item_group = np.array([-1 if f is None else group_ids.setdefault((f.base_year, f.target_year, p.year),
                                                                          len(group_ids)) for f in fields],
                              dtype=np.int64)
        item_fields = (np.array([np.nan if f is None else f.baseline for f in fields], dtype=np.float64),
                       np.array([np.nan if f is None else f.target for f in fields], dtype=np.float64),
                       np.array([0 if f is None else f.method for f in fields], dtype=np.int8),
                       np.array([0 if f is None else f.direction for f in fields], dtype=np.int8))
        while len(filled) < len(group_ids):
            filled.append(0)
            members.append([])
        cells = np.array(p.cells, dtype=np.int64).reshape(-1, 3)
        cell_group = item_group[cells[:, 0]]
        assert (cell_group >= 0).all(), "a bulk cell of an item without bulk fields"
        key = cells[:, 0] * p.below.width + cells[:, 1]
        for g in np.unique(cell_group).tolist():  # usually one group a plan
            take = cell_group == g
            these = cells[take]
            row_of[i][key[take]] = np.arange(filled[g], filled[g] + len(these))
            group_of[i][key[take]] = g
            filled[g] += len(these)
            members[g].append((i, these, tuple(a[these[:, 0]] for a in item_fields)))
    # each group's counted values: (matrix rows, years, values, 口径 breaks), a part per plan
    parts: list[list[tuple[np.ndarray, ...]]] = [[] for _ in group_ids]
    for i, p in enumerate(pending):
        b = p.below
        counted = b.counted_rows
        key = b.key[counted]
        cell_group = group_of[i][key]  # -1: a cell the scalar path judges
        taken = (row_of[i][key], b.year[counted], b.value[counted], b.breaks[counted])
        for g in np.unique(cell_group[cell_group >= 0]).tolist():
            take = cell_group == g
            parts[g].append(tuple(a[take] for a in taken))
    for ((base_year, target_year, year), g), got in zip(group_ids.items(), parts, strict=True):
        rows, years, values_in, breaks_in = (np.concatenate(a) for a in zip(*got, strict=True))
        columns = np.unique(years)
        at = np.searchsorted(columns, years)
        plans = np.concatenate([np.full(len(these), i, dtype=np.int64) for i, these, _ in members[g]])
        cells = np.concatenate([these for _, these, _ in members[g]])
        baseline, target, method, direction = (np.concatenate(a) for a in zip(*(f for _, _, f in members[g]),
                                                                                 strict=True))
        m, width = len(cells), len(columns)
        values = np.full((m, width), np.nan)
        values[rows, at] = values_in
        breaks = np.zeros((m, width), dtype=bool)
        breaks[rows, at] = breaks_in
        res = evaluate_bulk(BulkInput(
            values=values, years=columns, baseline=baseline, target=target, method=method, direction=direction,
            binding=np.zeros(m, dtype=bool), base_year=base_year, target_year=target_year, breaks=breaks),
            year, config)
        out = zip(plans.tolist(), cells[:, 0].tolist(), cells[:, 2].tolist(), res.codes().tolist(),
                  res.labels().tolist(), res.value.tolist(), res.year.tolist(), res.P.tolist(), strict=True)
        for i, k, pos, code, label, value, judged_year, p in out:
            if math.isnan(value):
                continue  # no value judged: the scalar path drops the row (`judged[k][pos]` stays None)
            judged = pending[i].judged[k]
            judged[pos] = (judged[pos][0], _Sub(code, label, value, judged_year or None, None if math.isnan(p) else p))


def _weight(ch: Region, year: int, known: dict[tuple[str, int], float]) -> float:
    """The sub-region's population weight in `year` (0 without one), found once a plan (`known`)."""
    key = (ch.code, year)
    w = known.get(key)
    if w is None:
        w = known[key] = population(ch, year) or 0.0
    return w


def _replaced(ev: IndicatorEvaluation, **changes: Any) -> IndicatorEvaluation:
    """`dataclasses.replace` of an evaluation (it has no `__post_init__` or init-less fields: the same
    object) without running its 30-field constructor again: a plan replaces ~200 of them."""
    new = object.__new__(IndicatorEvaluation)
    object.__setattr__(new, "__dict__", {**ev.__dict__, **changes})
    return new


def _with_subregions(ind: Indicator, ev: IndicatorEvaluation, subs: list[tuple[Region, _Sub]],
                     known: dict[tuple[str, int], float] | None = None, spread: bool = True) -> IndicatorEvaluation:
    """The indicator's evaluation with its sub-region rows and, with `spread`, the equalisation across
    them (`subregion_spread`). `known`: population weights already found for the plan (`_weight`)."""
    if not subs:
        return ev
    rows = tuple([{"code": ch.code, "name": ch.name, "status": se.label, "status_code": se.status,
                   "value": se.value, "year": se.year, "P": se.P} for ch, se in subs])
    if not spread:
        return _replaced(ev, subregions=rows)
    known = {} if known is None else known
    by_code = {ch.code: ch for ch, _ in subs}
    eq = subregion_spread(ind, ev.baseline, ev.direction, rows,
                          lambda code, year: _weight(by_code[code], year, known))
    return _replaced(ev, subregions=rows, equalisation=eq)


def subregion_spread(ind: Indicator, baseline: float | None, direction: int,
                     rows: Sequence[Mapping[str, Any]], weight: Callable[[str, int], float]
                     ) -> Equalisation | None:
    """The equalisation across an indicator's sub-region rows (as `subregions` writes them: code, value,
    year, status_code), on the year most of them last reported; None with fewer than two values.
    `baseline`, `direction`: the indicator's evaluation's; `weight(code, year)`: a sub-region's population
    weight (read for averaged indicators only). The one rule for the spread, whether computed with the
    evaluation (`evaluate_plan`) or from stored rows when a page shows them (`register.evaluations`)."""
    numeric = [r for r in rows if r["value"] is not None and r["year"] is not None]
    if len(numeric) < 2:
        return None
    years = [r["year"] for r in numeric]
    # usually one year for all (a Counter a plan's ~100 indicators cost ~0.3 ms)
    common_year = years[0] if years.count(years[0]) == len(years) else Counter(years).most_common(1)[0][0]
    vals = {r["code"]: r["value"] for r in numeric if r["year"] == common_year}
    weights = {r["code"]: weight(r["code"], common_year) for r in numeric} if ind.aggregation == "mean_pop" else None
    # Counts (sum) are decomposed targets: the plan total is not each county's target.
    meets = _goal_for(ind, baseline) if ind.aggregation != "sum" else None
    # Laggards by each sub-region's own status: mid-plan nobody has met the end
    # target yet, and a sub-region ahead of schedule is not lagging.
    behind_codes = {r["code"] for r in numeric if r["status_code"] in AT_RISK}
    return equalisation(vals, meets, direction, weights, behind=behind_codes.__contains__)  # type: ignore[arg-type]


def _goal_for(ind: Indicator, baseline: float | None):  # type: ignore[no-untyped-def]
    from planwatch.evaluate.goal import resolve_goal

    g = resolve_goal(ind, baseline)
    kind = kinds.get(g.method)
    if not kind.level_target or (g.target is None and g.low is None):
        return None  # a rate, a sum or a judgement: no level a sub-region's value meets
    return lambda x: kind.met(g, x)


def evaluate_plan(inp: EvaluationInput, year: int, config: EvaluationConfig = DEFAULT_CONFIG) -> PlanEvaluation:
    """Evaluate every indicator of a plan on data up to `year` (a data year, not the report date)."""
    return evaluate_plans([(inp, year)], config)[0]


def evaluate_plans(plans: Sequence[tuple[EvaluationInput, int]], config: EvaluationConfig = DEFAULT_CONFIG,
                   spread: bool = True) -> list[PlanEvaluation]:
    """`evaluate_plan` of each (input, year), in order; the sub-regions' bulk cells of all of them judged
    together (`_judge_bulk`). Each result is the same as evaluating its plan alone. `spread=False`: no
    indicator's equalisation (None): the register works it out from the stored sub-region rows of the
    indicators a page shows (`subregion_spread`), not for every indicator of every plan (~3 ms of CPU a
    county plan, ~10 % of its evaluation and store)."""
    started = []
    for inp, year in plans:
        by_ind: dict[str, list[Observation]] = defaultdict(list)
        for o in inp.observations:
            by_ind[o.indicator_id].append(o)
        evals = []
        below: list[tuple[int, tuple[Indicator, IndicatorEvaluation, list[Observation]]]] = []
        rows: list[Sequence[tuple[Any, ...]] | None] = []  # per item of `below`: its rows below (`inp.below`)
        for ind in inp.indicators:
            obs = by_ind.get(ind.id, [])
            given = inp.below.of(ind.id) if inp.below is not None else None
            if given and _rolls_up(ind, obs, config, inp.regions):  # the plan region's value from the rows below
                obs, given = [*obs, *inp.below.observations(ind.id)], None  # type: ignore[union-attr]
            ev = evaluate_indicator(ind, obs, inp.plan.region_code, year, inp.plan.base_year, config, inp.regions)
            if (obs or given) and inp.regions:
                below.append((len(evals), (ind, ev, obs)))
                rows.append(given)
            evals.append(ev)
        pending = None
        if below:  # the plan's sub-regions, all indicators at once
            pending = _sort_out([item for _, item in below], inp, year, config, None, True,
                                rows if inp.below is not None else None)
        started.append((inp, year, evals, below, pending))
    _judge_bulk([p for *_, p in started if p is not None], config)
    out = []
    for inp, year, evals, below, pending in started:
        if pending is not None:
            for (n, _), ev in zip(below, _finish(pending, spread), strict=True):
                evals[n] = ev
        out.append(PlanEvaluation(inp.plan.id, inp.plan.title, inp.plan.region_code, year, tuple(evals),
                                  summarise(evals), early_warnings(evals)))
    return out
