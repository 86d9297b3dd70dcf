"""`evaluations.compute_many` (what `evaluate_register` computes a batch with) equals `compute` plan by
plan, and the batch readers equal their one-plan twins, on a generated register whose plans' region
trees overlap (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from planwatch.register import evaluations
from planwatch.register.db import transaction
from planwatch.register.errors import NotFound
from planwatch.register.finality import counted_statuses
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.queries import evaluation_inputs, lead_departments, lead_departments_in
from planwatch.register.regions import descendants, descendants_of, import_regions_csv, set_population
from planwatch.register.rounds import close_round, open_round, round_states
from planwatch.register.schema import Department, Indicator, Plan, Region, Responsibility

ROOT = Path(__file__).resolve().parents[2]
V1 = json.loads((Path(__file__).parent / "fixtures" / "cangxi_v1.json").read_text(encoding="utf-8"))


def _register(engine: Engine) -> list[int]:
    """A county plan, its city's plan (the county's tree inside the city's), a plan elsewhere; values
    in every region of their trees, populations, and rounds of one plan."""
    rng = random.Random(11)
    ids = []
    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        for region, title in (("苍溪县", None), ("广元市", "广元市“十四五”公共服务规划"), ("文水县", "文水县“十四五”公共服务规划")):
            doc = copy.deepcopy(V1)
            if title:
                doc["plan"] = {**doc["plan"], "title": title, "region": region}
            ids.append(import_plan(s, doc).plan_id)
    with transaction(engine) as s:
        rows = []
        seen: set[tuple[int, str, int]] = set()
        for plan_id in ids:
            home = s.get(Plan, plan_id).region_code  # type: ignore[union-attr]
            tree = [r.code for r in descendants(s, home)]
            for code in tree:
                set_population(s, code, 2022, rng.uniform(1e4, 1e6), None)
            inds = s.execute(select(Indicator.id, Indicator.baseline_value, Indicator.target_value, Indicator.metric_id)
                             .where(Indicator.plan_id == plan_id, Indicator.active)).all()
            for ind_id, baseline, target, metric in inds:
                for region in tree[:25]:
                    for year in range(2020, 2025):
                        if rng.random() < 0.35 or (metric, region, year) in seen:
                            continue  # missing years; a metric's value once (plans share metrics and regions)
                        seen.add((metric, region, year))
                        choices = [v for v in (baseline, target) if v is not None]
                        rows.append(ObservationInput(ind_id, region, year, status="approved",
                                                     value=rng.choice([*choices, round(rng.uniform(0, 120), 1)])))
        write_observations(s, rows, by="t")
    with transaction(engine) as s:
        close_round(s, open_round(s, ids[2], 2022).id)
        open_round(s, ids[2], 2024)  # still open: the plan's 2024 values do not move its data year
        homes = [s.get(Plan, p).region_code for p in ids]  # type: ignore[union-attr]
        deps = [Department(name=f"部门{k}", region_code=homes[k % 3]) for k in range(4)]
        s.add_all(deps)
        s.flush()
        for k, plan_id in enumerate(ids):
            for n, ind_id in enumerate(s.scalars(select(Indicator.id).where(Indicator.plan_id == plan_id)
                                                 .order_by(Indicator.id)).all()[:12]):
                # a lead in another plan's region first (not this plan's), then one or two in its own
                s.add(Responsibility(indicator_id=ind_id, department_id=deps[3].id, region_code=homes[(k + 1) % 3]))
                s.flush()
                for d in deps[n % 2:3]:
                    s.add(Responsibility(indicator_id=ind_id, department_id=d.id, region_code=homes[k]))
                    s.flush()
    return ids


@pytest.mark.parametrize("batch", [[0, 1, 2], [2, 0], [1]])
def test_a_batch_computes_what_each_plan_computes_alone(engine: Engine, batch: list[int]) -> None:
    ids = _register(engine)
    plans = [ids[k] for k in batch]
    with transaction(engine) as s:
        together = evaluations.compute_many(s, plans)
        alone = [(p, evaluations.compute(s, p)) for p in plans]
        assert [p for p, _ in together] == plans
        assert together == alone
        assert any(r.indicators and any(v["subregions"] for v in r.indicators.values()) for _, r in together)
        assert len({r.year for _, r in together}) > 1 or len(plans) == 1  # the open round held one back


def test_the_batch_readers_equal_the_one_plan_readers(engine: Engine) -> None:
    ids = _register(engine)
    with transaction(engine) as s:
        homes = {p: s.get(Plan, p).region_code for p in ids}  # type: ignore[union-attr]
        trees = descendants_of(s, [*homes.values(), "no-such-region"])
        assert "no-such-region" not in trees
        for home in homes.values():
            assert [tuple(r) for r in trees[home]] == [(r.code, r.name, r.level, r.parent_code)
                                                       for r in descendants(s, home)]
        assert len(trees[homes[ids[1]]]) > len(trees[homes[ids[0]]]) > 1
        inds = {p: list(s.scalars(select(Indicator.id).where(Indicator.plan_id == p))) for p in ids}
        both = lead_departments_in(s, {i: homes[p] for p in ids for i in inds[p]})
        for p in ids:
            assert {i: n for i, n in both.items() if i in inds[p]} == lead_departments(s, inds[p], homes[p])
        assert both
        assert round_states(s, ids) == {ids[0]: {}, ids[1]: {}, ids[2]: {2022: "closed", 2024: "open"}}
        inputs = evaluation_inputs(s, ids, counted_statuses())
        for p in ids:
            assert inputs[p] == evaluation_inputs(s, [p], counted_statuses())[p]
        with pytest.raises(NotFound):
            evaluations.compute_many(s, [ids[0], max(ids) + 1])
        assert s.scalar(select(Region.code).where(Region.code == homes[ids[0]]))
