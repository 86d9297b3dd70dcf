"""`planwatch data import`: check every row of a reporting file, then write all of it or none.

With `accept_valid=True` the valid rows are written and the invalid ones
reported; by default a single problem refuses the whole file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.exchange.columns import BY_KEY
from planwatch.exchange.problems import ImportRejected, Problem
from planwatch.exchange.reader import FORMULA, Table, iter_csv_tables, read_table
from planwatch.exchange.safety import MAX_BULK_ROWS, MAX_ROWS
from planwatch.register import reporting as rp
from planwatch.register import rounds
from planwatch.register.bulk import CHUNK_ROWS, write_observation_chunks
from planwatch.register.errors import ConflictError, FieldError, RegisterError
from planwatch.register.observations import (
    BUSY_EN,
    BUSY_ZH,
    ObservationInput,
    existing_for,
    is_unchanged,
    lock_writes,
    same_content,
    write_observations,
)
from planwatch.register.permissions import Actor
from planwatch.register.queries import indicator_by_ref
from planwatch.register.rounds import RoundClosed
from planwatch.register.rules import normalize_name
from planwatch.register.schema import Indicator, Plan, Region

MAX_TEXT = 500


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    empty: int = 0  # rows with neither a value nor a judgement: not reported yet
    rejected_rows: int = 0
    problems: list[Problem] = field(default_factory=list)


class _Bad(Exception):
    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en


def _number(v: Any, *, integer: bool = False) -> float | None:
    if v is None or v == "":
        return None
    if v is FORMULA:
        raise _Bad("不允许使用公式,请填写数值", "formulas are not allowed; enter the value")
    if isinstance(v, bool | datetime | date):
        raise _Bad(f"应为数字,实为{type(v).__name__}", f"a number is expected, got {type(v).__name__}")
    if isinstance(v, int | float):
        x = float(v)
    elif isinstance(v, str):
        try:  # a plain number as written (what the removals below leave unchanged)
            quick: float | None = float(v)
        except ValueError:
            quick = None
        if quick is not None:
            return _finite(quick, v, integer)
        s = v.strip().replace(",", "").replace(",", "").replace("\u2009", "").replace(" ", "")
        s = s[:-1] if s.endswith("%") else s
        try:
            x = float(s)
        except ValueError:
            raise _Bad(f"数字单元格中有文字:{v!r}", f"text in a number cell: {v!r}") from None
    else:
        raise _Bad(f"应为数字:{v!r}", f"a number is expected: {v!r}")
    return _finite(x, v, integer)


def _finite(x: float, v: Any, integer: bool) -> float:
    if not math.isfinite(x):
        raise _Bad("数值不是有限数", "the value is not a finite number")
    if integer and x != int(x):
        raise _Bad(f"应为整数:{v!r}", f"a whole number is expected: {v!r}")
    return x


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if v is FORMULA:
        raise _Bad("不允许使用公式", "formulas are not allowed")
    s = str(v).strip()
    if len(s) > MAX_TEXT:
        raise _Bad(f"文字过长(超过{MAX_TEXT}字)", f"text too long (over {MAX_TEXT} characters)")
    return s or None


@dataclass(slots=True, frozen=True)
class _Ind:
    """What the checks read of an indicator, copied once per import: a row's look-ups are plain attribute
    reads (an ORM attribute costs ~0.4 µs, and a row read ~15 of them: ~6 µs a row of a bulk load)."""

    id: int
    plan_id: int
    metric_id: int
    ref: str
    name: str
    unit: str | None
    active: bool
    target_op: str | None

    @staticmethod
    def of(i: Indicator) -> _Ind:
        return _Ind(i.id, i.plan_id, i.metric_id, i.ref, i.name, i.unit, bool(i.active), i.target_op)


@dataclass(slots=True, frozen=True)
class _Reg:
    code: str
    name: str


class _Lookup:
    """Register look-ups for one import, cached (a bulk load keeps one for all its chunks)."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.indicators: dict[str, _Ind | None] = {}
        self.plans: dict[int, Plan] = {}
        self.regions: dict[str, _Reg | None] = {}
        self.by_name: dict[str, list[_Ind]] | None = None

    def prefetch(self, table: Table) -> None:
        """Load the file's indicators and regions not seen yet with a few IN queries, instead of one query
        per distinct id."""
        refs: set[int] = set()
        codes: set[str] = set()
        ref_at, code_at = table.columns.get("indicator_id"), table.columns.get("region_code")
        for _, cells in table.rows:
            n = len(cells)
            ref = cells[ref_at] if ref_at is not None and ref_at < n else None
            if ref not in (None, "") and (key := str(ref).strip().removesuffix(".0")) not in self.indicators:
                if key.isdigit():
                    refs.add(int(key))
                elif key.startswith("p") and "-i" in key and key.split("-i", 1)[1].isdigit():
                    refs.add(int(key.split("-i", 1)[1]))
            code = cells[code_at] if code_at is not None and code_at < n else None
            if code not in (None, "") and (key := str(code).strip().removesuffix(".0")) not in self.regions:
                codes.add(key)
        ids, regions = sorted(refs), sorted(codes)
        self.prefetched: dict[int, _Ind] = {}
        for i in range(0, len(ids), 500):
            for ind in self.s.scalars(select(Indicator).where(Indicator.id.in_(ids[i:i + 500]))):
                self.prefetched[ind.id] = _Ind.of(ind)
        for i in range(0, len(regions), 500):
            for r in self.s.scalars(select(Region).where(Region.code.in_(regions[i:i + 500]))):
                if re.fullmatch(r"\d{6}(\d{3})?", r.code):
                    self.regions[r.code] = _Reg(r.code, r.name)

    def indicator(self, ref: Any, name: Any) -> _Ind:
        key = str(ref).strip() if ref not in (None, "") else ""
        if key.endswith(".0"):
            key = key[:-2]
        if key:
            if key not in self.indicators:
                pre = getattr(self, "prefetched", {})
                if key.isdigit() and int(key) in pre:
                    self.indicators[key] = pre[int(key)]
                else:
                    try:
                        self.indicators[key] = _Ind.of(indicator_by_ref(self.s, key))
                    except RegisterError:
                        self.indicators[key] = None
            ind = self.indicators[key]
            if ind is None:
                raise _Bad(f"未知指标编号 {key}", f"unknown indicator {key}")
        elif name not in (None, ""):
            if self.by_name is None:
                self.by_name = {}
                for i in self.s.scalars(select(Indicator).where(Indicator.active)):
                    self.by_name.setdefault(normalize_name(i.name), []).append(_Ind.of(i))
            found = self.by_name.get(normalize_name(str(name)), [])
            if not found:
                raise _Bad(f"未知指标 {name}", f"unknown indicator {name}")
            if len(found) > 1:
                raise _Bad(f"指标名称“{name}”对应多个规划,请填写指标编号",
                           f"indicator name {name!r} is in several plans; give indicator_id")
            ind = found[0]
        else:
            raise _Bad("缺少指标编号", "indicator_id is missing")
        if not ind.active:
            raise _Bad(f"指标 {ind.ref} 已被规划修订删除", f"indicator {ind.ref} was removed by a plan revision")
        return ind

    def plan(self, ind: _Ind) -> Plan:
        if ind.plan_id not in self.plans:
            plan = self.s.get(Plan, ind.plan_id)
            assert plan is not None
            self.plans[ind.plan_id] = plan
        return self.plans[ind.plan_id]

    def region(self, code: Any, name: Any) -> _Reg:
        key = str(code).strip() if code not in (None, "") else ""
        if key.endswith(".0"):
            key = key[:-2]
        if key in self.regions and self.regions[key] is not None:  # seen, and well-formed: the rule ran once
            return self.regions[key]  # type: ignore[return-value]
        if not key and name not in (None, ""):
            found = list(self.s.scalars(select(Region).where(Region.name == str(name).strip())))
            if len(found) == 1:
                return _Reg(found[0].code, found[0].name)
            raise _Bad(f"未知或不唯一的地区 {name},请填写地区代码", f"unknown or ambiguous region {name}; give its code")
        if not re.fullmatch(r"\d{6}(\d{3})?", key):
            raise _Bad(f"地区代码应为6位或9位数字:{code!r}", f"region code must have 6 or 9 digits: {code!r}")
        if key not in self.regions:
            r = self.s.get(Region, key)
            self.regions[key] = None if r is None else _Reg(r.code, r.name)
        region = self.regions[key]
        if region is None:
            raise _Bad(f"未知地区代码 {key}", f"unknown region code {key}")
        return region


def _cell(table: Table, cells: list[Any], key: str) -> Any:
    idx = table.columns.get(key)
    if idx is None or idx >= len(cells):
        return None
    v = cells[idx]
    return v.strip() if isinstance(v, str) else v


@dataclass
class Conflict:
    """A row whose value someone changed since the form was made: what the file says and what is stored."""

    row: int
    indicator_id: int
    indicator_ref: str
    indicator: str
    unit: str | None
    region_code: str
    region: str
    year: int
    value: float | None
    judgement: str | None
    source: str | None
    evidence: str | None
    current_value: float | None
    current_judgement: str | None
    current_source: str | None
    current_status: str
    current_version: int
    form_version: int | None


_ROW_KEYS = ("indicator_id", "indicator", "region_code", "region", "year", "unit", "value", "judgement", "source",
             "evidence", "version")


def _picker(table: Table, keys: tuple[str, ...]) -> Callable[[list[Any]], list[Any]]:
    """`_cell` for several keys at once: the row's cells for `keys`, in that order."""
    where = [table.columns.get(k) for k in keys]

    def pick(cells: list[Any]) -> list[Any]:
        n = len(cells)
        return [None if i is None or i >= n else (v.strip() if isinstance(v := cells[i], str) else v)
                for i in where]
    return pick


def check_rows(session: Session, table: Table, status: str, reporter: str | None, reporter_id: int | None,
               actor: Actor | None = None, conflicts: list[Conflict] | None = None, look: _Lookup | None = None
               ) -> tuple[list[ObservationInput], list[Problem], int]:
    """Every row checked against the register: (valid rows, problems, empty rows).

    The cell rules are `register.reporting`'s, the same as for a form or the API. With an `actor`
    (the web upload) each row must also be in its department's scope, its round must take it, and an
    approved value is refused unless the actor may approve. A row that says what is stored already is
    valid (it writes nothing: `observations.is_unchanged`). With a `conflicts` list, a row changed by
    someone else since the form was made goes there (with both values) instead of into the problems."""
    look = look or _Lookup(session)
    scope = None if actor is None else rp.indicator_scope(
        actor, lambda d: rp.department_indicator_ids(session, d))
    look.prefetch(table)
    good: list[tuple[int, ObservationInput]] = []
    problems: list[Problem] = []
    seen: dict[tuple[int, str, int], int] = {}
    names: dict[int, tuple[str, str, str | None, str, int]] = {}
    years: dict[tuple[int, float], int] = {}
    empty = 0

    def bad(row: int, key: str | None, zh: str, en: str) -> None:
        col = table.where(key) if key and key in table.columns else (BY_KEY[key].zh if key else None)
        problems.append(Problem(table.file, zh, en, sheet=table.sheet, row=row, column=col))

    pick = _picker(table, _ROW_KEYS)
    for number, cells in table.rows:
        (c_indicator_id, c_indicator, c_region_code, c_region, c_year, c_unit, c_value, c_judgement, c_source,
         c_evidence, c_version) = pick(cells)  # in _ROW_KEYS order
        key = "indicator_id"
        try:
            ind = look.indicator(c_indicator_id, c_indicator)
            key = "region_code"
            region = look.region(c_region_code, c_region)
            key = "year"
            year_f = _number(c_year, integer=True)
            if year_f is None:
                raise _Bad("缺少年份", "year is missing")
            year = years.get((ind.plan_id, year_f))
            if year is None:  # the rule once per plan and year (it raises on a year out of the plan's window)
                year = years[(ind.plan_id, year_f)] = rp.check_year(look.plan(ind), int(year_f))
            key = "unit"
            rp.check_unit(ind, _text(c_unit))
            key = "value"
            value = _number(c_value)
            try:
                value = rp.check_value(ind, value)
            except FieldError as exc:
                raise _Bad(f"不可能的数值 {value:g}:{exc.zh}", f"impossible value {value:g}: {exc.en}") from None
            key = "judgement"
            judgement = rp.check_judgement(_text(c_judgement))
            if value is None and judgement is None:
                empty += 1
                continue
            key = "source"
            source = _text(c_source)
            key = "evidence"
            evidence = _text(c_evidence)
            key = "version"
            version_f = _number(c_version, integer=True)
            key = "indicator_id"
            if scope is not None and ind.id not in scope:
                raise _Bad(f"指标 {ind.ref} 不属于本部门", f"indicator {ind.ref} is not assigned to your department")
        except _Bad as b:
            bad(number, key, b.zh, b.en)
            continue
        except FieldError as exc:
            bad(number, exc.field if exc.field in BY_KEY else key, exc.zh, exc.en)
            continue
        natural = (ind.metric_id, region.code, year)  # two plans' targets on one metric share the value
        if natural in seen:
            bad(number, "indicator_id", f"与第{seen[natural]}行重复(同一指标口径、地区、年份)",
                f"duplicate of row {seen[natural]} (same metric, region and year)")
            continue
        seen[natural] = number
        names[number] = (ind.ref, ind.name, ind.unit, region.name, ind.plan_id)
        good.append((number, ObservationInput(
            ind.id, region.code, year, value=value, judgement=judgement, status=status, source_note=source,
            evidence_file=evidence, reporter_id=reporter_id, reporter_name=reporter,
            expected_version=int(version_f) if version_f is not None else None, metric_id=ind.metric_id,
        )))

    # Version check: a value someone changed since this form was made is a conflict, not an overwrite.
    stored = existing_for(session, (o.key for _, o in good))
    valid: list[ObservationInput] = []
    for number, o in good:
        old = stored.get(o.key)
        try:
            o.evidence_file = rp.check_evidence_reference(o.evidence_file, old["evidence_file"] if old else None)
            if old is not None and o.evidence_file == old["evidence_file"]:
                o.evidence_name = old["evidence_name"]
            unchanged = old is not None and is_unchanged(old, o)
            if actor is not None and not unchanged:
                rp.check_open(actor, old["status"] if old else None, "value")
                rounds.check_writable(session, names[number][4], o.year, actor)
        except FieldError as exc:
            bad(number, exc.field, exc.zh, exc.en)
            continue
        if old is not None and o.expected_version != old["version"] and not same_content(old, o):
            if conflicts is not None:
                ref, name, unit, region_name, _ = names[number]
                conflicts.append(Conflict(
                    number, o.indicator_id, ref, name, unit, o.region_code, region_name, o.year, o.value,
                    o.judgement, o.source_note, o.evidence_file, old["value"], old["judgement"], old["source_note"],
                    old["status"], old["version"], o.expected_version))
                continue
            bad(number, "version",
                f"该数值已被他人修改(系统版本 {old['version']},表格版本 {o.expected_version}),请重新下载模板",
                f"changed by someone else since this form was made (stored version {old['version']}, "
                f"form version {o.expected_version}); download a fresh template")
            continue
        if old is not None:
            o.expected_version = old["version"]  # same version, or a no-op resubmission
        valid.append(o)
    return valid, problems, empty


def import_file(session: Session, path: Path, *, accept_valid: bool = False, status: str = "submitted",
                reporter: str | None = None, reporter_id: int | None = None, max_rows: int = MAX_ROWS,
                reason: str | None = None) -> ImportReport:
    """Check and import one file in the caller's transaction. Raises `ImportRejected` when refused."""
    table, problems = read_table(path, max_rows)
    if table is None:
        raise ImportRejected(problems)
    try:
        # The write lock before the rows are checked against stored versions: a concurrent import waits,
        # then compares with what the other one wrote.
        lock_writes(session)
    except ConflictError as exc:
        raise ImportRejected([Problem(str(path), BUSY_ZH, BUSY_EN)]) from exc
    rows, problems, empty = check_rows(session, table, status, reporter, reporter_id)
    report = ImportReport(str(path), rows=len(table.rows), empty=empty, problems=problems,
                          rejected_rows=len({p.row for p in problems}))
    if problems and not accept_valid:
        raise ImportRejected(problems)
    try:
        written = write_observations(session, rows, by=reporter, reason=reason or f"import {path.name}")
    except ConflictError as exc:  # a concurrent writer got in between check and write
        raise ImportRejected([Problem(str(path), str(exc), "concurrent change")]) from exc
    except RoundClosed as exc:  # a reporting round past its lock date, locked or closed (register.rounds)
        raise ImportRejected([Problem(str(path), exc.zh, exc.en, column="year")]) from exc
    report.inserted, report.updated, report.unchanged = written.inserted, written.updated, written.unchanged
    return report


MAX_BULK_PROBLEMS = 1000  # problems kept in memory and shown; the count goes on


def import_csv_bulk(session: Session, path: Path, *, accept_valid: bool = False, status: str = "submitted",
                    reporter: str | None = None, reporter_id: int | None = None, reason: str | None = None,
                    chunk_rows: int = CHUNK_ROWS, max_rows: int = MAX_BULK_ROWS,
                    on_rows: Callable[[int], None] | None = None, exclusive: bool = False) -> ImportReport:
    """`import_file` for a CSV of millions of values, read as a stream of chunks in the caller's transaction.

    Each chunk is checked by `check_rows` (the same rules as one form) and written by the register's bulk
    path (`register.bulk`). All or nothing by default: one problem anywhere and nothing is kept (the
    caller's transaction rolls back); the file is still read to the end so every problem is reported
    (the first MAX_BULK_PROBLEMS in full). A duplicate across chunks with a different value is reported
    as a changed-since conflict, like a form resubmitted after someone else's change.
    Expunges the session after each chunk: memory stays bounded by the chunk."""
    try:
        lock_writes(session)
    except ConflictError as exc:
        raise ImportRejected([Problem(str(path), BUSY_ZH, BUSY_EN)]) from exc
    report = ImportReport(str(path))
    look = _Lookup(session)  # one for the whole file: each indicator and region is read once

    def valid_chunks() -> Iterator[list[ObservationInput]]:
        for table, problems in iter_csv_tables(path, chunk_rows, max_rows):
            if table is None:
                raise ImportRejected(problems)
            rows, problems, empty = check_rows(session, table, status, reporter, reporter_id, look=look)
            report.rows += len(table.rows)
            report.empty += empty
            report.rejected_rows += len({p.row for p in problems})
            room = MAX_BULK_PROBLEMS - len(report.problems)
            report.problems.extend(problems[:max(room, 0)])
            if on_rows is not None:
                on_rows(len(table.rows))
            if report.rejected_rows and not accept_valid:
                continue  # keep reading to report every problem; nothing will be kept
            yield rows

    try:
        written = write_observation_chunks(session, valid_chunks(), by=reporter, reason=reason or f"import {path.name}",
                                           on_chunk=lambda _n: session.expunge_all(), source=path.name,
                                           status=status, exclusive=exclusive)
    except ConflictError as exc:  # a concurrent writer got in between check and write
        raise ImportRejected([Problem(str(path), str(exc), "concurrent change")]) from exc
    if report.rejected_rows and not accept_valid:
        raise ImportRejected(report.problems)
    report.inserted, report.updated, report.unchanged = written.inserted, written.updated, written.unchanged
    return report


@dataclass
class PartialImport:
    """A department's form imported row by row: the valid rows written, the rest listed.

    `problems`: rows refused, each with its row, column and message; `conflicts`: rows someone else
    changed since the form was made, with both values, for the reporter to keep either."""

    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    empty: int = 0
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def import_valid_rows(session: Session, table: Table, actor: Actor, *, reporter: str | None,
                      reason: str, status: str = "submitted") -> PartialImport:
    """Import the valid rows of `table` for `actor` in the caller's transaction; list the others.

    Every row passes `check_rows` with the actor (its department, the approved-value rule, its
    round) and is written by `observations.write_observations` (versions, history, the unchanged
    rule). A row changed by someone else since the form was made is not written: it comes back as a
    `Conflict`. Resolving one ("keep mine") is this same call on a table of the chosen rows carrying
    the version the reporter was shown, so it answers to every rule again."""
    lock_writes(session)  # before the rows are compared with stored versions
    conflicts: list[Conflict] = []
    rows, problems, empty = check_rows(session, table, status, reporter, actor.id, actor=actor,
                                       conflicts=conflicts)
    written = write_observations(session, rows, by=reporter, reason=reason)
    return PartialImport(rows=len(table.rows), inserted=written.inserted, updated=written.updated,
                         unchanged=written.unchanged, empty=empty, problems=problems, conflicts=conflicts)


CHOICE_COLUMNS = ("indicator_id", "region_code", "year", "value", "judgement", "source", "evidence", "version")


def choice_table(name: str, rows: list[tuple[int, dict[str, Any]]]) -> Table:
    """Rows a reporter chose to keep after a conflict, as a table `import_valid_rows` reads: each row
    (its number in the uploaded file, its cells by column key) with `version` the current version shown."""
    cols = {k: i for i, k in enumerate(CHOICE_COLUMNS)}
    return Table(name, None, cols, [(n, [cells.get(k) for k in CHOICE_COLUMNS]) for n, cells in rows])
