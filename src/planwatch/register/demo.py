"""`planwatch demo`: a register built from the project's own data/ directory.

Loads the regions, the five seed plans (through the extractor), the national
《“十四五”公共服务规划》 as a plan for 全国, and the real published figures of
data/reference/observations.csv with their sources, into an EMPTY register: once a
register holds plans, the demo imports nothing again (users may have revised them),
so running it twice leaves the same register. Invented values
exist only with `simulate=True` and are stored with simulated=True.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from planwatch.register.db import transaction
from planwatch.register.observations import ObservationInput, resolve_metrics, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.regions import (
    NATION_CODE,
    ensure_nation,
    import_regions_csv,
    resolve_region,
    set_population,
)
from planwatch.register.rules import normalize_name, strip_qualifiers, unit_factor
from planwatch.register.schema import Indicator, Observation, Plan, ReferenceFact, Region

NATIONAL_TITLE = "“十四五”公共服务规划"
DEMO_USER = "planwatch-demo"
SIMULATED_NOTE = "模拟数据(演示用,非真实值)/ simulated demo value, not real"
MATCH_THRESHOLD = 88


def default_data_dir() -> Path:
    """data/ of the checkout this package runs from, else PLANWATCH_DATA, else ./data."""
    if os.environ.get("PLANWATCH_DATA"):
        return Path(os.environ["PLANWATCH_DATA"])
    here = Path(__file__).resolve().parents[3] / "data"
    return here if (here / "reference").is_dir() else Path.cwd() / "data"


@dataclass
class DemoSummary:
    plans: int = 0
    indicators: int = 0
    regions: int = 0
    observations: int = 0
    simulated: int = 0
    reference_facts: int = 0
    matched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def national_plan(path: Path) -> dict[str, Any]:
    """The national plan's 22 indicators (csv) in the extraction-contract shape."""
    from planwatch.extract.numbers import parse_value

    indicators, urls = [], []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            raw = row["target_2025"].strip()
            v = parse_value(raw)
            indicators.append({
                "source": "table", "line": n, "table": None, "domain": row["domain"] or None, "name": row["name"],
                "unit": row["unit"] or None, "attribute": row["attribute"] or None,
                "baseline": ({"raw": row["value_2020"], "value": float(row["value_2020"]), "year": 2020}
                             if row.get("value_2020") else None),
                "target": {"raw": raw, "value": v["value"], "value_low": v["value_low"], "value_high": v["value_high"],
                           "op": v["op"], "kind": v["kind"], "year": 2025},
                "quote": row["name"],
            })
            urls.extend(u.strip() for u in row["source_url"].split("|") if u.strip())
    return {
        "plan": {"title": NATIONAL_TITLE, "region": "全国", "region_level": "nation", "issuer": None,
                 "doc_number": None, "issued": None, "period": [2021, 2025],
                 "note": "指标与2025年目标取自公开报道 / targets as published: " + " | ".join(dict.fromkeys(urls))},
        "indicators": indicators, "baselines": [], "service_items": [], "tasks": [], "projects": [],
        "source": {"path": path.name, "format": "csv", "lines": len(indicators) + 1,
                   "sha256": hashlib.sha256(path.read_bytes()).hexdigest()},
    }


def run_demo(engine: Engine, data_dir: Path | None = None, *, simulate: bool = False,
             log: Callable[[str], None] = print) -> DemoSummary:
    from planwatch.extract import extract_path

    data_dir = data_dir or default_data_dir()
    ref = data_dir / "reference"
    summary = DemoSummary()
    with transaction(engine) as s:
        seeded = s.scalar(select(func.count()).select_from(Plan)) or 0
    if seeded:
        # The demo only seeds an empty register: re-importing would revert plans the users revised.
        log(f"登记库已有 {seeded} 个规划,不重新导入示例 / the register already holds {seeded} plans: "
            "demo plans not re-imported")
        with transaction(engine) as s:
            if simulate:
                _simulate(s)
            _count(s, summary)
        return summary
    seeds = sorted((data_dir / "seeds").glob("*.txt"))
    extracted = []
    for seed in seeds:  # extraction is pure and slow-ish: do it before opening the transaction
        try:
            extracted.append((seed, extract_path(seed)))
        except Exception as exc:  # one unreadable sample must not stop the demo
            summary.errors.append(f"{seed.name}: 提取失败 / extraction failed: {exc}")

    with transaction(engine) as s:
        import_regions_csv(s, ref / "regions.csv")
        ensure_nation(s)
        for seed, data in extracted:
            try:
                with s.begin_nested():
                    r = import_plan(s, data, content=seed.read_bytes(), filename=seed.name, by=DEMO_USER,
                                    reason="demo")
                log(f"规划 plan {r.plan_id}: {r.title} ({r.region_code}) — {len(r.added) + r.unchanged} 项指标 indicators")
            except Exception as exc:
                summary.errors.append(f"{seed.name}: 导入失败 / import failed: {exc}")
        national = ref / "national_14fyp_public_service_indicators.csv"
        r = import_plan(s, national_plan(national), content=national.read_bytes(), filename=national.name,
                        by=DEMO_USER, reason="demo")
        log(f"规划 plan {r.plan_id}: {r.title} (全国 {NATION_CODE}) — {len(r.added) + r.unchanged} 项指标 indicators")
        _load_observations(s, ref / "observations.csv", summary, log)
        if simulate:
            summary.simulated = _simulate(s)
            log(f"模拟 simulated: {summary.simulated} 个模拟值(已标记 simulated)/ simulated values, flagged")
        _count(s, summary)
    return summary


def _count(s: Session, summary: DemoSummary) -> None:
    summary.plans = s.scalar(select(func.count()).select_from(Plan)) or 0
    summary.indicators = s.scalar(select(func.count()).select_from(Indicator).where(Indicator.active)) or 0
    summary.regions = s.scalar(select(func.count()).select_from(Region)) or 0
    summary.observations = s.scalar(select(func.count()).select_from(Observation)) or 0
    summary.simulated = s.scalar(select(func.count()).select_from(Observation).where(Observation.simulated)) or 0
    summary.reference_facts = s.scalar(select(func.count()).select_from(ReferenceFact)) or 0


def _match(name: str, unit: str | None, candidates: list[Indicator]) -> tuple[Indicator, float] | None:
    """The plan indicator a published figure measures: same name (qualifiers dropped) or a close fuzzy
    match, and a convertible unit."""
    best: tuple[float, Indicator] | None = None
    for ind in candidates:
        if unit_factor(unit, ind.unit) is None:
            continue
        if normalize_name(ind.name) == normalize_name(name) or strip_qualifiers(ind.name) == strip_qualifiers(name):
            score = 100.0
        else:
            score = fuzz.ratio(strip_qualifiers(ind.name), strip_qualifiers(name))
        if score >= MATCH_THRESHOLD and (best is None or score > best[0]):
            best = (score, ind)
    if best is None:
        return None
    return best[1], unit_factor(unit, best[1].unit) or 1.0


def _load_observations(s: Session, path: Path, summary: DemoSummary, log: Callable[[str], None]) -> None:
    rows: list[ObservationInput] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            region = resolve_region(s, row["region"])
            year, value, unit = int(row["year"]), float(row["value"]), row["unit"] or None
            name = row["indicator"].strip()
            if name == "年末常住人口":  # a population figure feeds population-weighted means
                set_population(s, region.code, year, value * (1e4 if unit == "万人" else 1.0), row["source_url"])
            candidates = list(s.scalars(select(Indicator).join(Plan).where(
                Plan.region_code == region.code, Indicator.active)))
            found = _match(name, unit, candidates)
            indicator_id = None
            if found is not None:
                ind, factor = found
                plan = s.get(Plan, ind.plan_id)
                assert plan is not None
                if plan.base_year <= year <= plan.period_end:
                    indicator_id = ind.id
                    note = f"{row['quote']}({row['source_url']})"
                    if factor != 1.0:
                        note += f";由 {value:g}{unit} 换算为 {ind.unit}"
                    rows.append(ObservationInput(ind.id, region.code, year, value=round(value * factor, 6),
                                                 status="approved", source_note=note, reporter_name=DEMO_USER))
                    summary.matched.append(f"{row['region']} {name} {year} → {ind.ref} {ind.name}")
                    log(f"匹配 matched: {row['region']} {name} {year} = {value:g}{unit or ''} → {ind.ref} {ind.name}")
            if indicator_id is None:
                summary.unmatched.append(f"{row['region']} {name} {year}")
            _upsert_fact(s, region.code, name, year, value, unit, row["source_url"], row["quote"], indicator_id)
    write_observations(s, rows, by=DEMO_USER, reason="demo: published figures", overwrite=True)
    log(f"未匹配到规划指标的公开数据 unmatched (kept as reference facts): {len(summary.unmatched)}")


def _upsert_fact(s: Session, code: str, name: str, year: int, value: float, unit: str | None, url: str,
                 quote: str, indicator_id: int | None) -> None:
    fact = s.scalars(select(ReferenceFact).where(ReferenceFact.region_code == code, ReferenceFact.name == name,
                                                 ReferenceFact.year == year)).first()
    values = {"value": value, "unit": unit, "source_url": url, "quote": quote, "indicator_id": indicator_id}
    if fact is None:
        s.add(ReferenceFact(region_code=code, name=name, year=year, **values))
    else:
        for k, v in values.items():
            if getattr(fact, k) != v:
                setattr(fact, k, v)
    s.flush()


def _simulate(s: Session) -> int:
    """Deterministic made-up values along each numeric target's path, some lagging, for indicators that
    have no real value at all: a published series (the national ones) is never padded with invented
    years. Stored with simulated=True and the note SIMULATED_NOTE, so every page and report labels them."""
    rows = []
    has_real = {(m, r) for m, r in s.execute(select(Observation.metric_id, Observation.region_code)
                                              .where(Observation.simulated.is_(False)).distinct())}
    for ind, plan in s.execute(select(Indicator, Plan).join(Plan).where(Indicator.active)):
        if ind.baseline_value is None or ind.target_value is None or (ind.metric_id, plan.region_code) in has_real:
            continue
        span = plan.period_end - plan.base_year
        for year in range(plan.base_year + 1, min(2024, plan.period_end) + 1):
            h = int(hashlib.sha256(f"{ind.key}|{year}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
            pace = 0.5 + 0.7 * h  # 50 %–120 % of the straight path to the target
            v = ind.baseline_value + (ind.target_value - ind.baseline_value) * (year - plan.base_year) / span * pace
            rows.append(ObservationInput(ind.id, plan.region_code, year, value=round(v, 2), status="approved",
                                         source_note=SIMULATED_NOTE, reporter_name=DEMO_USER, simulated=True))
    resolve_metrics(s, rows)
    taken = {(o.metric_id, o.region_code, o.year) for o in s.scalars(select(Observation).where(
        Observation.simulated.is_(False)))}
    kept = []
    for r in rows:  # one value per series and year, even when two plans' targets share a metric
        if r.key not in taken:
            taken.add(r.key)
            kept.append(r)
    rows = kept
    write_observations(s, rows, by=DEMO_USER, reason="demo: simulated scenario", overwrite=True)
    return len(rows)
