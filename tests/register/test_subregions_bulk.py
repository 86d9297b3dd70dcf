"""A register's sub-regions judged in bulk equal them judged one by one (SQLite and PostgreSQL).

`evaluations.compute` judges a plan's sub-regions with `engine.subregions`, which sends the cells
`vectorised.bulk_fields` covers to `evaluate_bulk`. On a plan read from the register (values read as
the driver's tuples), every sub-region row and equalisation equals the scalar path's
(tests/evaluate/test_eval_subregions.py does the same on generated plans of every kind)."""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import Engine, select

from planwatch.evaluate import EvaluationConfig
from planwatch.evaluate.engine import evaluate_indicator, subregions
from planwatch.evaluate.vectorised import bulk_fields
from planwatch.register import evaluations
from planwatch.register.db import transaction
from planwatch.register.finality import counted_statuses
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.queries import evaluation_input
from planwatch.register.regions import import_regions_csv
from planwatch.register.rounds import data_year
from planwatch.register.schema import Indicator, Plan, Region

ROOT = Path(__file__).resolve().parents[2]
V1 = json.loads((Path(__file__).parent / "fixtures" / "cangxi_v1.json").read_text(encoding="utf-8"))


def test_a_plans_sub_regions_judged_in_bulk_equal_the_scalar_path(engine: Engine) -> None:
    rng = random.Random(5)
    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        plan_id = import_plan(s, V1).plan_id
        home = s.get(Plan, plan_id).region_code  # type: ignore[union-attr]
        towns = s.scalars(select(Region.code).where(Region.parent_code == home).order_by(Region.code)).all()
        inds = s.execute(select(Indicator.id, Indicator.baseline_value, Indicator.target_value)
                         .where(Indicator.plan_id == plan_id, Indicator.active)).all()
        rows = []
        for ind_id, baseline, target in inds:
            for region in [home, *towns]:
                for year in range(2020, 2025):
                    if rng.random() < 0.3:
                        continue  # missing years
                    choices = [v for v in (baseline, target) if v is not None]  # ties at the baseline and target
                    value = rng.choice([*choices, round(rng.uniform(0, 120), 1), 0.0])
                    rows.append(ObservationInput(ind_id, region, year, value=value, status="approved",
                                                 series_break=rng.random() < 0.05))
        write_observations(s, rows, by="t")
    assert len(towns) >= 3
    statuses = counted_statuses()
    config = EvaluationConfig(accepted_statuses=statuses)
    with transaction(engine) as s:
        inp = evaluation_input(s, plan_id, statuses)
        year = data_year(s, inp, statuses)
        stored_now = evaluations.compute(s, plan_id)
    items = []
    for ind in inp.indicators:
        obs = [o for o in inp.observations if o.indicator_id == ind.id]
        items.append((ind, evaluate_indicator(ind, obs, inp.plan.region_code, year, inp.plan.base_year, config,
                                              inp.regions), obs))
    fast = subregions(items, inp, year, config)
    slow = subregions(items, inp, year, config, bulk=False)
    covered = 0
    for (ind, _, _), a, b in zip(items, fast, slow, strict=True):
        assert a.subregions == b.subregions, ind
        assert (a.equalisation and asdict(a.equalisation)) == (b.equalisation and asdict(b.equalisation)), ind
        covered += len(a.subregions) if bulk_fields(ind, inp.plan.base_year) is not None else 0
        # what the register computes (and stores) is the same
        assert stored_now.indicators[ind.id]["subregions"] == list(a.subregions)
    assert covered >= 20  # the plan's level targets went through the bulk path
