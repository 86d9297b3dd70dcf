"""Re-running `planwatch demo` (as the quick start does) never reverts what users changed."""

from __future__ import annotations

import copy
from pathlib import Path

from sqlalchemy import Engine, select

from planwatch.extract import extract_path
from planwatch.register.db import transaction
from planwatch.register.demo import run_demo
from planwatch.register.plans import import_plan
from planwatch.register.schema import Indicator, Plan

ROOT = Path(__file__).resolve().parents[2]


def test_a_revised_plan_survives_a_second_demo_run(engine: Engine) -> None:
    log: list[str] = []
    run_demo(engine, ROOT / "data", log=log.append)
    seed = sorted((ROOT / "data" / "seeds").glob("*.txt"))[2]
    data = copy.deepcopy(extract_path(seed))
    first = next(i for i in data["indicators"] if i["source"] == "table" and i["target"]["value"] is not None)
    first["target"]["raw"] = "999"
    first["target"]["value"] = 999.0
    with transaction(engine) as s:
        plan = s.scalars(select(Plan).where(Plan.title == data["plan"]["title"])).one()
        import_plan(s, data, content=b"revised by the planning office", filename="revised.txt", plan_id=plan.id,
                    by="planner", reason="revision")
        plan_id = plan.id

    log.clear()
    again = run_demo(engine, ROOT / "data", log=log.append)
    assert any("not re-imported" in line for line in log)
    assert again.plans == 6
    with transaction(engine) as s:
        targets = {i.name: i.target_value for i in s.scalars(select(Indicator).where(
            Indicator.plan_id == plan_id, Indicator.active))}
    assert targets[first["name"]] == 999.0
