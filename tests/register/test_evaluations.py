"""Stored evaluations: `evaluate_register` stores every plan's evaluation with its data version,
pages read it while the version holds, a write makes only the plans that read it stale, and the
summary counts what the stored rows say (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import json

from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from planwatch.evaluate import EvaluationConfig, evaluate_plans
from planwatch.evaluate.cli import evaluate_command
from planwatch.register import evaluations, summary
from planwatch.register.db import transaction
from planwatch.register.finality import counted_statuses
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.queries import evaluation_inputs
from planwatch.register.schema import Evaluation, Indicator, Plan

RATE = "学前教育毛入园率"


def _report(engine: Engine, plan_id: int, year: int, value: float) -> None:
    with transaction(engine) as s:
        rate = s.scalars(select(Indicator.id).where(Indicator.plan_id == plan_id, Indicator.name == RATE)).one()
        region = s.get(Plan, plan_id).region_code  # type: ignore[union-attr]
        write_observations(s, [ObservationInput(rate, region, year, value=value, status="approved")], by="t")


def test_evaluate_register_stores_every_plan_and_only_a_moved_version_is_evaluated_again(
        engine: Engine, plans: dict[str, int]) -> None:
    _report(engine, plans["a"], 2022, 80.0)
    seen: list[tuple[int, int]] = []
    assert evaluations.evaluate_register(engine, progress=lambda d, t: seen.append((d, t))) == 2
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    with transaction(engine) as s:
        assert evaluations.stale_plans(s) == []
        kept = evaluations.stored(s, plans["a"])
        now = evaluations.compute(s, plans["a"])
        assert kept is not None and kept.stored
        # what is stored is what evaluating now gives
        assert kept.year == now.year == 2022
        assert {k: v["status"] for k, v in kept.indicators.items()} == {k: v["status"] for k, v in now.indicators.items()}
        assert kept.early_warnings == now.early_warnings
        n_active = len(s.scalars(select(Indicator.id).where(Indicator.plan_id == plans["a"], Indicator.active)).all())
        counts = summary.status_counts(s, "plan")
        assert sum(counts[plans["a"]].values()) == n_active
        rate_status = now.indicators[f"p{plans['a']}-i" + str(s.scalars(select(Indicator.id).where(
            Indicator.plan_id == plans["a"], Indicator.name == RATE)).one())]["status"]
        assert counts[plans["a"]].get(rate_status, 0) >= 1
    assert evaluations.evaluate_register(engine) == 0  # nothing moved: nothing to do

    _report(engine, plans["b"], 2023, 95.0)  # a value of plan B only
    with transaction(engine) as s:
        assert evaluations.stale_plans(s) == [plans["b"]]
        assert evaluations.stored(s, plans["b"]) is None and evaluations.stored(s, plans["a"]) is not None
    assert evaluations.evaluate_register(engine) == 1
    with transaction(engine) as s:
        assert evaluations.stored(s, plans["b"]).year == 2023  # type: ignore[union-attr]
        rows = summary.plan_rows(s, offset=1, limit=1)
        assert [r["id"] for r in rows] == [plans["b"]] and rows[0]["data_year"] == 2023
        assert summary.plan_count(s) == 2


def test_a_plan_evaluated_again_rewrites_only_the_rows_that_changed(engine: Engine, plans: dict[str, int]) -> None:
    """A stored row that the plan's next evaluation finds the same (its digest) is left in place, with
    the version it was written at; a changed row is written again, and the row of an indicator no
    longer evaluated goes. What is stored is still what evaluating now gives."""
    plan = plans["a"]

    def rows() -> dict[int, tuple[int, int, int | None]]:  # indicator → (row id, version written at, digest)
        with transaction(engine) as s:
            return {i: (r, v, d) for r, i, v, d in s.execute(
                select(Evaluation.id, Evaluation.indicator_id, Evaluation.data_version, Evaluation.digest)
                .where(Evaluation.plan_id == plan))}

    _report(engine, plan, 2022, 80.0)
    assert evaluations.evaluate_register(engine) == 2
    first = rows()
    assert first and all(d is not None for _, _, d in first.values())
    assert evaluations.evaluate_register(engine, plan_ids=[plan], force=True) == 1  # the same values
    assert rows() == first  # nothing rewritten

    with transaction(engine) as s:  # another indicator's value, in the same data year: the plan's version moves
        other = s.scalars(select(Indicator.id).where(Indicator.plan_id == plan, Indicator.active,
                                                     Indicator.name != RATE).order_by(Indicator.position)).first()
        assert other is not None
        region = s.get(Plan, plan).region_code  # type: ignore[union-attr]
        write_observations(s, [ObservationInput(other, region, 2022, value=1.0, status="approved")], by="t")
    assert evaluations.evaluate_register(engine) == 1
    second = rows()
    with transaction(engine) as s:
        version = s.get(Plan, plan).data_version  # type: ignore[union-attr]
        kept, now = evaluations.stored(s, plan), evaluations.compute(s, plan)
    assert second.keys() == first.keys()
    assert second[other][0] != first[other][0] and second[other][1] == version
    unchanged = [i for i in first if second[i] == first[i]]
    assert len(unchanged) == len(first) - 1 and all(first[i][1] < version for i in unchanged)
    assert kept is not None and kept.indicators == {
        ref: {k: v for k, v in ev.items() if k not in evaluations.APART} for ref, ev in now.indicators.items()}

    with transaction(engine) as s:  # an indicator retired: its row goes with the next store
        s.get(Indicator, other).active = False  # type: ignore[union-attr]
    assert evaluations.evaluate_register(engine, plan_ids=[plan], force=True) == 1
    third = rows()
    assert other not in third and {i: third[i] for i in unchanged} == {i: first[i] for i in unchanged}


def test_planwatch_evaluate_all_on_the_command_line(engine: Engine, plans: dict[str, int]) -> None:
    url = engine.url.render_as_string(hide_password=False)
    res = CliRunner().invoke(evaluate_command, ["--all", "--db", url])
    assert res.exit_code == 0, res.output
    assert "evaluated 2 plan(s)" in res.output
    res = CliRunner().invoke(evaluate_command, ["--all", "--db", url])
    assert "evaluated 0 plan(s)" in res.output
    res = CliRunner().invoke(evaluate_command, ["--all", "--force", "--db", url])
    assert "evaluated 2 plan(s)" in res.output
    # in worker processes, one plan a batch: the same results
    with transaction(engine) as s:
        before = {p: evaluations.stored(s, p).indicators for p in plans.values()}  # type: ignore[union-attr]
    assert evaluations.evaluate_register(engine, force=True, batch=1, workers=2) == 2
    with transaction(engine) as s:
        assert {p: evaluations.stored(s, p).indicators for p in plans.values()} == before  # type: ignore[union-attr]
    res = CliRunner().invoke(evaluate_command, ["--all", "--year", "2022", "--db", url])
    assert res.exit_code != 0 and "--all takes no PLAN" in res.output


def _stored_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every stored evaluation row, without the time it was stored, in a fixed order."""
    from planwatch.register.schema import (
        Evaluation,
        PlanEvaluation,
        RegionCount,
        RegionStatusCount,
        RegionTotal,
        StatusCount,
        StatusTotal,
    )

    out: dict[str, list[tuple[object, ...]]] = {}
    with transaction(engine) as s:
        for table in (PlanEvaluation, Evaluation, StatusCount, RegionStatusCount, StatusTotal,
                      RegionTotal, RegionCount):
            cols = [c for c in table.__table__.columns if c.name not in ("id", "evaluated_at")]
            rows = [tuple(json.dumps(v, sort_keys=True, ensure_ascii=False) if isinstance(v, dict | list) else v
                          for v in r) for r in s.execute(select(*cols))]
            out[table.__tablename__] = sorted(rows, key=repr)
    return out


def _sub_rows(stored: dict[str, list[tuple[object, ...]]]) -> list[tuple[object, object, list[tuple[str, str]]]]:
    """(plan, indicator, [(sub-region, status code)]) of each stored evaluation with sub-region rows."""
    from planwatch.register.schema import Evaluation

    names = [c.name for c in Evaluation.__table__.columns if c.name not in ("id", "evaluated_at")]
    out = []
    for r in stored["evaluations"]:
        row = dict(zip(names, r, strict=True))
        if row["subregions"]:
            rows = json.loads(str(row["subregions"]))
            out.append((row["plan_id"], row["indicator_id"], [(x["code"], x["status_code"]) for x in rows]))
    return out


def test_the_register_wide_store_writes_the_rows_each_plan_stored_alone_writes(
        engine: Engine, plans: dict[str, int]) -> None:
    """`evaluate_register` stores a batch of plans with one statement per table (`save_many`): its rows
    (statuses, 完成度, 时序进度, projections, warnings, sub-region rows, status counts) are the rows
    saving each plan's evaluation on its own gives."""
    from planwatch.register.schema import Evaluation, Region, RegionPopulation

    with transaction(engine) as s:
        ids = {p: s.scalars(select(Indicator.id).where(Indicator.plan_id == plan_id, Indicator.active)
                            .order_by(Indicator.position)).all() for p, plan_id in plans.items()}
        home = s.get(Plan, plans["a"]).region_code  # type: ignore[union-attr]
        towns = s.scalars(select(Region.code).where(Region.parent_code == home).order_by(Region.code)).all()[:4]
        rows = []
        for p, plan_id in plans.items():
            region = s.get(Plan, plan_id).region_code  # type: ignore[union-attr]
            for k, ind in enumerate(ids[p][:8]):
                for year in (2021, 2022, 2023):
                    rows.append(ObservationInput(ind, region, year, value=10.0 + k + (year - 2020) * (k % 3 - 1),
                                                 status="approved"))
        for t, town in enumerate(towns):  # plan a's townships: sub-region rows, some behind, some ahead
            for k, ind in enumerate(ids["a"][:6]):
                for year in (2021, 2022):
                    rows.append(ObservationInput(ind, town, year, value=5.0 + t * 4 + k + year - 2021,
                                                 status="approved"))
        write_observations(s, rows, by="t")
        # one indicator averaged by population: its spread is weighted by the townships' populations
        s.get(Indicator, ids["a"][1]).aggregation = "mean_pop"  # type: ignore[union-attr]
        s.query(RegionPopulation).filter(RegionPopulation.region_code.in_(towns)).delete()
        s.add_all([RegionPopulation(region_code=town, year=2021, population=10_000.0 * (t + 1))
                   for t, town in enumerate(towns)])
    assert towns, "the reference regions list townships below the plan's county"
    for plan_id in plans.values():  # each plan alone, as a page stores it
        with transaction(engine) as s:
            evaluations.save(s, plan_id, evaluations.compute(s, plan_id))
    alone = _stored_rows(engine)
    assert evaluations.evaluate_register(engine, force=True, batch=5) == 2
    together = _stored_rows(engine)
    assert together == alone
    # the comparison covers what matters: sub-regions, projections and warnings were stored
    subs = [(region, status) for *_, rows in _sub_rows(together) for region, status in rows]
    assert subs
    # each indicator's sub-region rows are stored apart from its detail, and read back only when asked
    # for: then the stored evaluation is the computed one, sub-region rows and their spread and all
    with transaction(engine) as s:
        computed = evaluations.compute(s, plans["a"])
        assert not any(ev["equalisation"] for ev in computed.indicators.values())  # worked out on read only
        now = evaluations.with_spread(s, plans["a"], computed, ids["a"])
        plain = evaluations.stored(s, plans["a"])
        full = evaluations.stored(s, plans["a"], subregions=ids["a"])
        statuses = counted_statuses()
        inp = evaluation_inputs(s, [plans["a"]], statuses, for_evaluation=True)[plans["a"]]
    assert plain is not None and full is not None
    assert any(ev["subregions"] for ev in now.indicators.values())
    assert full.indicators == now.indicators
    assert plain.indicators == {ref: {k: v for k, v in ev.items() if k not in evaluations.APART}
                                for ref, ev in now.indicators.items()}
    assert any(ev["equalisation"] for ev in full.indicators.values())
    # the spread worked out from the stored rows is the one the evaluation works out with them
    judged = evaluate_plans([(inp, full.year)], EvaluationConfig(accepted_statuses=statuses))[0]
    assert {e.id: e.equalisation and e.equalisation.to_dict() for e in judged.indicators} == {
        ref: ev["equalisation"] for ref, ev in full.indicators.items()}
    assert full.indicators[f"p{plans['a']}-i{ids['a'][1]}"]["equalisation"]["weighted"]
    # a row stored before the spread was worked out on read (no baseline in its detail) is not fresh for
    # a page that shows its sub-regions: that page evaluates the plan again
    with transaction(engine) as s:
        old = s.scalars(select(Evaluation).where(Evaluation.plan_id == plans["a"], Evaluation.subregions.is_not(None))
                        .order_by(Evaluation.indicator_id)).first()
        assert old is not None and "baseline" in old.detail
        old.detail, shown = {k: v for k, v in old.detail.items() if k != "baseline"}, old.indicator_id
        old.digest = None  # as stored before 0021 (which came after 0019)
    with transaction(engine) as s:
        assert evaluations.stored(s, plans["a"]) is not None
        assert evaluations.stored(s, plans["a"], subregions=[shown]) is None
        again = evaluations.plan_evaluation(s, plans["a"], subregions=[shown])
    ref = f"p{plans['a']}-i{shown}"
    assert not again.stored and again.indicators[ref] == full.indicators[ref]
    with transaction(engine) as s:  # and stored again, with the baseline
        assert evaluations.stored(s, plans["a"], subregions=[shown]) is not None
    with transaction(engine) as s:
        details = s.scalars(select(Evaluation.detail)).all()
    assert details and not any(set(evaluations.APART) & set(d) for d in details)
    assert any(r for r in together["evaluations"] if '"value_at_target": null' not in str(r))
    assert len({r[0] for r in together["plan_evaluations"]}) == 2
    # the region rollup counts each plan's own statuses in its region and its sub-region statuses in theirs
    expected: dict[str, dict[str, int]] = {}
    for _plan, region, _domain, _dep, status, n, *_ in together["status_counts"]:
        expected.setdefault(str(region), {}).setdefault(str(status), 0)
        expected[str(region)][str(status)] += int(n)  # type: ignore[call-overload]
    for region, status in subs:
        expected.setdefault(region, {}).setdefault(status, 0)
        expected[region][status] += 1
    with transaction(engine) as s:
        assert summary.region_statuses(s) == expected
        # a viewer's counts read the sub-region rows of its indicators' stored evaluations: all of them, the same
        every = frozenset(i for p in ids.values() for i in p)
        assert summary.region_statuses(s, every) == expected
        assert summary.region_statuses(s, every, [str(towns[0])]) == {str(towns[0]): expected[str(towns[0])]}
        # a township's dashboard rows: the indicators of the county plan with a row for it, and no others
        with_row = {(int(str(p)), int(str(i))) for p, i, rows in _sub_rows(together) if any(r == towns[0] for r, _ in rows)}
        assert with_row and set(summary.dashboard_page(s, 0, 500, region=str(towns[0]))[0]) == with_row
        assert summary.dashboard_page(s, 0, 500, region=str(towns[0]))[1] == len(with_row)
    assert set(expected) > {str(t) for t in towns}
    # the register-wide sums the writes keep: status_counts summed by domain × department × status, and
    # each region's totals in the tiles' order (stored after a store alone and a store of every plan)
    sums: dict[tuple[object, ...], list[int]] = {}
    for _plan, _region, domain, dep, status, n, binding, risk, binding_risk, main, _first in together["status_counts"]:
        acc = sums.setdefault((domain, dep, status), [0, 0, 0, 0, 0])
        for k, v in enumerate((n, binding, risk, binding_risk, main)):
            acc[k] += int(v)  # type: ignore[call-overload]
    assert together["status_totals"] == sorted([(*k, *v) for k, v in sums.items()], key=repr)
    own: dict[str, tuple[int, int]] = {}  # plan region → (its plans' indicators, of them at risk)
    for _plan, region, _d, _dep, _st, n, _b, risk, *_ in together["status_counts"]:
        was = own.get(str(region), (0, 0))
        own[str(region)] = (was[0] + int(n), was[1] + int(risk))  # type: ignore[call-overload]
    assert together["region_totals"] == sorted(
        [tuple(r.values()) for r in evaluations.region_totals(expected, own)], key=repr)
    # and how many regions there are, with and without own plans (kept, not counted, by the dashboard)
    assert together["region_counts"] == [(len(expected), len(own))]
    with transaction(engine) as s:
        tally = sorted(own, key=lambda c: summary.tally_key(c, own[c][0], own[c][1]))
        assert [r["key"] for r in summary.region_tally(s, 2)[0]] == tally[:2]
        assert summary.region_tally(s, 2)[1] == len(own) >= 2
    # the database orders the tiles as the rule says: worst status, most at risk, code (no outlines here)
    with transaction(engine) as s:
        tiles, total = summary.region_tiles(s, limit=3)
    order = sorted(expected, key=lambda c: summary._tile_key(c, expected[c]))
    assert (list(tiles), total) == (order[:3], len(order))
    assert tiles == {c: expected[c] for c in order[:3]}


def test_the_dashboard_list_counts_what_it_lists_for_every_filter(engine: Engine, plans: dict[str, int]) -> None:
    """`dashboard_page`'s total comes from the kept sums (`status_totals`) when no region or viewer scope
    narrows it: for every status, domain, lead department, 约束性 and at-risk filter it is the number of
    rows the list holds."""
    with transaction(engine) as s:
        inds = s.execute(select(Indicator.id, Plan.region_code).join(Plan, Plan.id == Indicator.plan_id)
                         .where(Indicator.plan_id == plans["a"])).all()
        write_observations(s, [ObservationInput(i, region, y, value=10.0 * (n % 9), status="approved")
                               for n, (i, region) in enumerate(inds) if n % 4 for y in (2021, 2022)], by="t")
    evaluations.evaluate_register(engine)
    with transaction(engine) as s:
        rows = s.execute(select(Evaluation.status, Evaluation.domain, Evaluation.department)).all()
        statuses = [None, *sorted({r[0] for r in rows})]
        domains = [None, "", *sorted({r[1] for r in rows if r[1]})[:3]]
        departments = [None, "", *sorted({r[2] for r in rows if r[2]})[:2]]
        assert len(statuses) > 3
        seen = 0
        for status, domain, department, binding, risk in itertools.product(
                statuses, domains, departments, (None, True, False), (False, True)):
            keys, total = summary.dashboard_page(s, 0, 100_000, status=status, domain=domain, department=department,
                                                 binding=binding, risk_only=risk)
            assert total == len(keys), (status, domain, department, binding, risk)
            seen += total
        assert seen > 0
        everything, total = summary.dashboard_page(s, 0, 100_000)
        assert total == len(everything) == s.scalar(select(func.count()).select_from(Evaluation))


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_a_batch_pauses_the_collector_then_frees_its_cycles_and_restores_it() -> None:
    """`evaluate_register` runs each batch with the cyclic collector paused, then one pass frees what
    the batch left in cycles, and the collector is left as the caller had it."""
    import gc
    import weakref

    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            with evaluations._one_collection():
                assert not gc.isenabled()
                left = weakref.ref(_Node())
                assert left() is not None  # kept alive by its cycle while the batch runs
            assert left() is None
            assert gc.isenabled() is enabled
        finally:
            gc.enable()


def test_a_store_plans_its_statements_for_their_values_until_it_commits(engine: Engine, plans: dict[str, int]) -> None:
    """On PostgreSQL a store's transaction plans each statement for its own parameters: a generic plan
    kept from when the evaluation tables were small scanned them row by row against a whole array of
    region codes. The setting ends with the transaction; SQLite has no such thing to set."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    def mode(s: Session) -> str | None:
        return s.execute(text("SHOW plan_cache_mode")).scalar_one() if engine.dialect.name == "postgresql" else None

    with transaction(engine) as s:
        results = evaluations.compute_many(s, [plans["a"]])
        before = mode(s)
    with transaction(engine) as s:
        evaluations.save_many(s, results)
        inside = mode(s)
    with transaction(engine) as s:
        after = mode(s)
        assert evaluations.stored(s, plans["a"]) is not None
    if engine.dialect.name == "postgresql":
        assert (before, inside, after) == ("auto", "force_custom_plan", "auto")
    else:
        assert (before, inside, after) == (None, None, None)
