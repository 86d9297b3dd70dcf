"""EvaluationInput ⇄ JSON, so evaluation runs (and is tested) without the register."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from planwatch.model import EvaluationInput, Indicator, Observation, Plan, Region, Target


def input_to_dict(inp: EvaluationInput) -> dict[str, Any]:
    d = asdict(inp)
    d["plan"]["period"] = list(inp.plan.period)
    for r in d["regions"]:
        r["population"] = {str(k): v for k, v in r["population"].items()}
    return d


def _pick(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Known fields only, so a newer writer's extra keys do not break an older reader."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def input_from_dict(d: dict[str, Any]) -> EvaluationInput:
    p = dict(d["plan"])
    if "period" in p:
        p["period"] = tuple(p["period"])
    indicators = []
    for i in d.get("indicators", []):
        i = dict(i)
        i["target"] = Target(**_pick(Target, i["target"]))
        indicators.append(Indicator(**_pick(Indicator, i)))
    regions = []
    for r in d.get("regions", []):
        r = dict(r)
        r["population"] = {int(k): float(v) for k, v in (r.get("population") or {}).items()}
        regions.append(Region(**_pick(Region, r)))
    return EvaluationInput(
        plan=Plan(**_pick(Plan, p)),
        indicators=indicators,
        observations=[Observation(**_pick(Observation, o)) for o in d.get("observations", [])],
        regions=regions,
    )


def dumps_input(inp: EvaluationInput) -> str:
    return json.dumps(input_to_dict(inp), ensure_ascii=False, indent=1)


def load_input(path: str | Path) -> EvaluationInput:
    return input_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
