"""`planwatch data import`: check every row of a reporting file, then write all of it or none.

With `accept_valid=True` the valid rows are written and the invalid ones
reported; by default a single problem refuses the whole file.
"""

from __future__ import annotations

import gc
import math
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, cast

import numpy as np
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
    ObservationColumns,
    ObservationInput,
    column,
    distinct,
    existing_for,
    is_unchanged,
    lock_writes,
    natural_keys,
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


class _Loaded:
    """Every indicator, plan and region of the register, read in one go (`_Lookup.load_all`), answering
    the few session calls the look-ups make (`get`) from memory: the checks then need no connection."""

    def __init__(self, session: Session) -> None:
        self.indicators = {r.id: _Ind(r.id, r.plan_id, r.metric_id, Indicator.ref.fget(r),  # type: ignore[attr-defined]
                                      r.name, r.unit, bool(r.active), r.target_op)
                           for r in session.execute(select(Indicator.id, Indicator.plan_id, Indicator.metric_id,
                                                           Indicator.name, Indicator.unit, Indicator.active,
                                                           Indicator.target_op))}
        self.plans = {p.id: p for p in session.scalars(select(Plan))}
        self.regions = {str(c): _Reg(str(c), str(n)) for c, n in session.execute(select(Region.code, Region.name))}
        self.named: dict[str, list[_Reg]] = {}
        for r in self.regions.values():
            self.named.setdefault(r.name, []).append(r)

    def get(self, kind: type, ident: Any) -> Any:
        """`Session.get` for the three kinds the look-ups read (None when there is no such row)."""
        found: dict[Any, Any] = {Indicator: self.indicators, Plan: self.plans, Region: self.regions}[kind]
        return found.get(ident)


class _Lookup:
    """Register look-ups for one import, cached (a bulk load keeps one for all its chunks)."""

    def __init__(self, session: Session) -> None:
        self.s: Session | _Loaded = session
        self.indicators: dict[str, _Ind | None] = {}
        self.plans: dict[int, Plan] = {}
        self.regions: dict[str, _Reg | None] = {}
        self.by_name: dict[str, list[_Ind]] | None = None
        self.prefetched: dict[int, _Ind] = {}

    def load_all(self) -> None:
        """Read every indicator, plan and region now (a few hundred thousand small rows at scale 1) and
        answer every later look-up from memory: the checks can then run in a thread while the load's
        one connection writes, and while `--exclusive` has dropped the foreign keys, which locks these
        tables against any other connection. A row missing here is missing from the register."""
        if isinstance(self.s, Session):
            self.s = loaded = _Loaded(self.s)
            self.prefetched = loaded.indicators

    def prefetch(self, table: Table) -> None:
        """Load the file's indicators and regions not seen yet with a few IN queries, instead of one query
        per distinct id."""
        if not isinstance(self.s, Session):  # everything is loaded already
            return
        refs: set[int] = set()
        codes: set[str] = set()
        id_col, code_col = _columns(table, ("indicator_id", "region_code"))
        for ref in set(id_col or ()):  # each distinct cell once
            if ref not in (None, "") and (key := str(ref).strip().removesuffix(".0")) not in self.indicators:
                if key.isdigit():
                    refs.add(int(key))
                elif key.startswith("p") and "-i" in key and key.split("-i", 1)[1].isdigit():
                    refs.add(int(key.split("-i", 1)[1]))
        for code in set(code_col or ()):
            if code not in (None, "") and (key := str(code).strip().removesuffix(".0")) not in self.regions:
                codes.add(key)
        ids, regions = sorted(refs), sorted(codes)
        self.prefetched = {}
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
                pre = self.prefetched
                if key.isdigit() and int(key) in pre:
                    self.indicators[key] = pre[int(key)]
                else:
                    try:
                        self.indicators[key] = _Ind.of(indicator_by_ref(self.s, key))  # type: ignore[arg-type]
                    except RegisterError:
                        self.indicators[key] = None
            ind = self.indicators[key]
            if ind is None:
                raise _Bad(f"未知指标编号 {key}", f"unknown indicator {key}")
        elif name not in (None, ""):
            if self.by_name is None:
                self.by_name = {}
                active = ([i for i in self.s.indicators.values() if i.active] if isinstance(self.s, _Loaded)
                          else self.s.scalars(select(Indicator).where(Indicator.active)))
                for i in active:
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
            found: list[Any] = (self.s.named.get(str(name).strip(), []) if isinstance(self.s, _Loaded)
                                else list(self.s.scalars(select(Region).where(Region.name == str(name).strip()))))
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
_MISS = object()


class _Err:
    """A rule's refusal of a cell, kept in a per-chunk memo: (field key, Chinese, English)."""

    __slots__ = ("en", "key", "zh")

    def __init__(self, key: str, zh: str, en: str) -> None:
        self.key, self.zh, self.en = key, zh, en


def _strip(v: Any) -> Any:
    return v.strip() if isinstance(v, str) else v


def _outcome(key: str, rule: Callable[..., Any], *cells: Any) -> Any:
    """`rule(*stripped cells)`, or its refusal as an `_Err` naming the field (`key`, or the field a
    `FieldError` names). `check_rows` asks it once per distinct cell (or cell and indicator) of a chunk."""
    try:
        return rule(*(_strip(c) for c in cells))
    except _Bad as b:
        return _Err(key, b.zh, b.en)
    except FieldError as exc:
        return _Err(exc.field if exc.field in BY_KEY else key, exc.zh, exc.en)


def _columns(table: Table, keys: tuple[str, ...]) -> list[Iterable[Any] | None]:
    """The table's cells for `keys`, column by column (None for a column the table does not have, a None
    cell where a row is short): one C-level pass per column (`itemgetter` over the rows) instead of a
    Python loop a cell."""
    cells = list(map(itemgetter(1), table.rows))
    shortest = min(map(len, cells), default=0)
    out: list[Iterable[Any] | None] = []
    for k in keys:
        i = table.columns.get(k)
        if i is None:
            out.append(None)
        elif i < shortest:
            out.append(map(itemgetter(i), cells))
        else:
            out.append([c[i] if i < len(c) else None for c in cells])
    return out


def check_rows(session: Session, table: Table, status: str, reporter: str | None, reporter_id: int | None,
               actor: Actor | None = None, conflicts: list[Conflict] | None = None, look: _Lookup | None = None
               ) -> tuple[Sequence[ObservationInput], list[Problem], int]:
    """Every row checked against the register: (valid rows, problems, empty rows).

    The cell rules are `register.reporting`'s, the same as for a form or the API. With an `actor`
    (the web upload) each row must also be in its department's scope, its round must take it, and an
    approved value is refused unless the actor may approve. A row that says what is stored already is
    valid (it writes nothing: `observations.is_unchanged`). With a `conflicts` list, a row changed by
    someone else since the form was made goes there (with both values) instead of into the problems.

    Column-wise over the table: each rule runs once per distinct cell of its column (once per distinct
    indicator and cell where the rule reads the indicator: year, unit), its outcome kept in a memo for
    the table; only the value (distinct in nearly every row) is checked row by row. A row's problem is
    still its first failing field in the order indicator, region, year, unit, value, judgement, source,
    evidence, version, as a row-by-row check would find it (measured at scale 0.01: the checks were
    ~11 µs of the bulk load's ~21 µs a value)."""
    checked = _check_cells(session, table, status, reporter, reporter_id, actor, look or _Lookup(session))
    return _check_stored(session, checked, actor, conflicts), checked.problems, checked.empty


@dataclass
class _Checked:
    """One table after the cell rules (`_check_cells`): the rows that passed them and their row numbers;
    the indicators and regions they name (by id and code: what a conflict or a round check shows); the
    problems so far; the empty rows."""

    table: Table
    numbers: list[int]
    rows: Sequence[ObservationInput]
    indicators: dict[int, _Ind]
    regions: dict[str, _Reg]
    problems: list[Problem]
    empty: int

    def bad(self, row: int, key: str | None, zh: str, en: str) -> None:
        table = self.table
        col = table.where(key) if key and key in table.columns else (BY_KEY[key].zh if key else None)
        self.problems.append(Problem(table.file, zh, en, sheet=table.sheet, row=row, column=col))


class _Rules:
    """The cell rules of one chunk, each outcome kept in a memo: a rule runs once per distinct cell of its
    column (once per distinct indicator and cell where it reads the indicator: year, unit, range). The row
    loop and the column-wise pass of `_check_cells` read the same memos, so they cannot disagree."""

    def __init__(self, look: _Lookup) -> None:
        self.look = look
        self.ind: dict[Any, Any] = {}  # (indicator id cell, name cell) -> _Ind | _Err
        self.reg: dict[Any, Any] = {}  # (region code cell, name cell) -> _Reg | _Err
        self.year: dict[Any, Any] = {}  # (plan id, year cell) -> int | _Err
        self.unit: dict[Any, Any] = {}  # (indicator id, unit cell) -> True | _Err
        self.range: dict[int, tuple[float, float]] = {}  # indicator id -> `rp.plausible_range`
        self.judgement: dict[Any, Any] = {}
        self.source: dict[Any, Any] = {}
        self.evidence: dict[Any, Any] = {}
        self.version: dict[Any, Any] = {}

    def indicator_of(self, id_cell: Any, name_cell: Any) -> Any:
        return _outcome("indicator_id", self.look.indicator, id_cell, name_cell)

    def region_of(self, code_cell: Any, name_cell: Any) -> Any:
        return _outcome("region_code", self.look.region, code_cell, name_cell)

    def year_of(self, ind: _Ind, cell: Any) -> Any:
        return _outcome("year", self._year_rule, ind, cell)

    def _year_rule(self, ind: _Ind, cell: Any) -> int:
        year_f = _number(cell, integer=True)
        if year_f is None:
            raise _Bad("缺少年份", "year is missing")
        return rp.check_year(self.look.plan(ind), int(year_f))

    @staticmethod
    def unit_of(ind: _Ind, cell: Any) -> Any:
        def rule(ind: _Ind, cell: Any) -> bool:
            rp.check_unit(ind, _text(cell))
            return True
        return _outcome("unit", rule, ind, cell)

    def range_of(self, ind: _Ind) -> tuple[float, float]:
        rng = self.range.get(ind.id)
        if rng is None:
            rng = self.range[ind.id] = rp.plausible_range(ind)
        return rng

    @staticmethod
    def judgement_of(cell: Any) -> Any:
        return _outcome("judgement", lambda c: rp.check_judgement(_text(c)), cell)

    @staticmethod
    def source_of(cell: Any) -> Any:
        return _outcome("source", _text, cell)

    @staticmethod
    def evidence_of(cell: Any) -> Any:
        return _outcome("evidence", _text, cell)

    @staticmethod
    def version_of(cell: Any) -> Any:
        def rule(c: Any) -> int | None:
            v = _number(c, integer=True)
            return None if v is None else int(v)
        return _outcome("version", rule, cell)

    @staticmethod
    def value_of(ind: _Ind, cell: Any) -> Any:
        """The value rule for a cell the range test did not pass: `_number`, then `check_value`."""
        try:
            value = _number(cell.strip() if type(cell) is str else cell)
            try:
                return rp.check_value(ind, value)
            except FieldError as exc:
                raise _Bad(f"不可能的数值 {value:g}:{exc.zh}", f"impossible value {value:g}: {exc.en}") from None
        except _Bad as b:
            return _Err("value", b.zh, b.en)
        except FieldError as exc:
            return _Err(exc.field if exc.field in BY_KEY else "value", exc.zh, exc.en)

    def named(self) -> tuple[dict[int, _Ind], dict[str, _Reg]]:
        """The indicators and regions the chunk's rows passed with, by id and by code."""
        return ({i.id: i for i in self.ind.values() if type(i) is _Ind},
                {r.code: r for r in self.reg.values() if type(r) is _Reg})


def _each(memo: dict[Any, Any], keys: Sequence[Any], outcome: Callable[..., Any], *, spread: bool = True
          ) -> list[Any] | None:
    """Each key's outcome (`outcome(*key)`, or `outcome(key)` when not `spread`), computed once per
    distinct key into `memo`; None when any is a refusal (`_Err`)."""
    distinct = set(keys)
    for k in distinct.difference(memo):
        memo[k] = outcome(*k) if spread else outcome(k)
    if any(type(memo[k]) is _Err for k in distinct):
        return None
    return list(map(memo.__getitem__, keys))


def _each_of_pair(memo: dict[Any, Any], first: list[Any], second: list[Any] | None, outcome: Callable[..., Any]
                  ) -> list[Any] | None:
    """`_each` over (first, second) cell pairs; with no second column, over the first's cells alone (a
    tuple a row costs more than the rule's memo: measured ~250 against ~90 ns a row)."""
    if second is not None:
        return _each(memo, list(zip(first, second, strict=True)), outcome)
    alone: dict[Any, Any] = {}
    for c in set(first):
        k = (c, None)
        alone[c] = memo[k] if k in memo else memo.setdefault(k, outcome(c, None))
    if any(type(v) is _Err for v in alone.values()):
        return None
    return list(map(alone.__getitem__, first))


def _check_cells(session: Session, table: Table, status: str, reporter: str | None, reporter_id: int | None,
                 actor: Actor | None, look: _Lookup, *, columnwise: bool = True) -> _Checked:
    """`check_rows`' first part: every cell rule, the scope and the duplicate rule; nothing read of the
    stored values (the register is read through `look` only: plans, indicators, regions).

    A chunk is first checked column by column (`_all_at_once`: each rule over a column's distinct cells,
    the rows then put together in C-level passes). A chunk where any cell fails a rule, or two rows give
    the same value, goes through the row loop (`_row_by_row`), which names each row's first problem in
    the documented order; both read the same memos (`_Rules`). Measured at scale 1 on PostgreSQL: the row
    loop was ~2.5 µs of a bulk load's ~10 µs a value."""
    scope = None if actor is None else rp.indicator_scope(
        actor, lambda d: rp.department_indicator_ids(session, d))
    look.prefetch(table)
    rules = _Rules(look)
    numbers = list(map(itemgetter(0), table.rows))
    # The table's columns as lists (None for a column it does not have: one outcome serves every row).
    present = [None if c is None else c if isinstance(c, list) else list(c) for c in _columns(table, _ROW_KEYS)]
    values = present[_ROW_KEYS.index("value")] or [None] * len(numbers)
    # The value cells as `float` parses them, the first step of `_number`, in one C-level pass; a cell
    # it refuses (a blank, "1,234", a formula) sends the chunk's values through `_number` one by one.
    floats: list[float] | None = None
    if set(map(type, values)) <= {str, int, float}:  # not bool: float(True) is 1.0, `_number` refuses it
        with suppress(ValueError, OverflowError):
            floats = list(map(float, values))
    at_once = _all_at_once(rules, numbers, present, floats, status, reporter, reporter_id, scope) if columnwise \
        else None
    if at_once is not None:
        numbers, rows, empty = at_once
        checked = _Checked(table, numbers, rows, {}, {}, [], empty)
    else:
        checked = _Checked(table, [], [], {}, {}, [], 0)
        columns = [repeat(None, len(numbers)) if c is None else c for c in present]
        _row_by_row(rules, checked, numbers, columns, floats, status, reporter, reporter_id, scope)
    checked.indicators, checked.regions = rules.named()
    return checked


def _all_at_once(rules: _Rules, numbers: list[int], columns: list[list[Any] | None], floats: list[float] | None,
                 status: str, reporter: str | None, reporter_id: int | None, scope: set[int] | None
                 ) -> tuple[list[int], ObservationColumns, int] | None:
    """The chunk's rows checked a column at a time: (their numbers, the rows, the empty rows), or None when a cell fails a
    rule, a value repeats a row's, or a row is out of scope (the row loop then names each problem)."""
    (c_indicator_id, c_indicator, c_region_code, c_region, c_year, c_unit, c_value, c_judgement, c_source,
     c_evidence, c_version) = columns  # None for a column the table does not have
    n = len(numbers)
    inds = _each_of_pair(rules.ind, c_indicator_id, c_indicator, rules.indicator_of)
    if inds is None:
        return None
    regions = _each_of_pair(rules.reg, c_region_code, c_region, rules.region_of)
    if regions is None:
        return None
    distinct: list[_Ind] = list(rules.ind.values())  # the chunk's indicators (its memo: none refused)
    by_plan = {i.plan_id: i for i in distinct}
    years = _years(rules, by_plan, inds, c_year)
    if years is None:
        return None
    ids = list(map(attrgetter("id"), inds))
    if c_unit is not None and any(c is not None for c in c_unit):
        by_id = {i.id: i for i in distinct}
        units = [(i, c) for i, c in zip(ids, c_unit, strict=True) if c is not None]
        if _each(rules.unit, units, lambda i, c: rules.unit_of(by_id[i], c)) is None:
            return None
    # Values: the range test over the column (`rp.plausible_range`, what `check_value` passes unchanged);
    # the rest, and every value of a chunk `float` refused, through the value rule one by one.
    value_list: list[Any]
    if floats is not None:
        ranges = {i.id: rules.range_of(i) for i in distinct}
        lo = np.fromiter(map(itemgetter(0), map(ranges.__getitem__, ids)), float, n)
        hi = np.fromiter(map(itemgetter(1), map(ranges.__getitem__, ids)), float, n)
        x = np.asarray(floats, dtype=float)
        with np.errstate(invalid="ignore"):  # NaN is outside, as `lo <= x <= hi` says
            outside = np.flatnonzero(~((lo <= x) & (x <= hi)))
        value_list = floats
    else:
        outside = range(n)
        value_list = [None] * n
    if len(outside):
        value_list = list(value_list)
        for k in outside.tolist() if isinstance(outside, np.ndarray) else outside:
            v = rules.value_of(inds[k], c_value[k])
            if type(v) is _Err:
                return None
            value_list[k] = v
    judgements = _each_cell(rules.judgement, c_judgement, n, rules.judgement_of)
    if judgements is None:
        return None
    empty = 0
    keep: list[bool] | None = None
    if None in value_list and None in judgements:  # rows with neither are not reported yet: skipped
        keep = [v is not None or j is not None for v, j in zip(value_list, judgements, strict=True)]
        empty = n - sum(keep)
        numbers, inds, regions, years, value_list, judgements = (
            list(compress(c, keep)) for c in (numbers, inds, regions, years, value_list, judgements))
        c_source, c_evidence, c_version = (None if c is None else list(compress(c, keep))
                                           for c in (c_source, c_evidence, c_version))
    kept = len(numbers)
    sources = _each_cell(rules.source, c_source, kept, rules.source_of)
    evidences = _each_cell(rules.evidence, c_evidence, kept, rules.evidence_of)
    versions = _each_cell(rules.version, c_version, kept, rules.version_of)
    if sources is None or evidences is None or versions is None:
        return None
    ids = list(map(attrgetter("id"), inds))
    if scope is not None and not scope.issuperset(ids):
        return None
    metrics = list(map(attrgetter("metric_id"), inds))
    codes = list(map(attrgetter("code"), regions))
    keys = list(zip(metrics, codes, years, strict=True))
    if len(set(keys)) != len(numbers):  # two rows, one value: the loop names them
        return None
    same = ObservationColumns.same  # what `_row_by_row` gives every row

    def packed(cells: list[Any]) -> Any:  # a column every row shares is one value (one COPY cell for all)
        return same(cells[0]) if cells and cells.count(cells[0]) == len(cells) else cells

    return numbers, ObservationColumns(len(numbers), {
        "indicator_id": ids, "region_code": codes, "year": years, "value": value_list,
        "judgement": packed(judgements), "status": same(status), "source_note": packed(sources),
        "evidence_file": packed(evidences), "evidence_name": same(None),
        "reporter_id": same(reporter_id), "reporter_name": same(reporter), "simulated": same(False),
        "series_break": same(False), "expected_version": packed(versions), "metric_id": metrics}, keys), empty


def _each_cell(memo: dict[Any, Any], cells: list[Any] | None, n: int, outcome: Callable[[Any], Any]
               ) -> list[Any] | None:
    """`_each` over one column's cells; a column the table does not have is one outcome for every row."""
    if cells is None:
        k = None
        if k not in memo:
            memo[k] = outcome(k)
        return None if type(memo[k]) is _Err else [memo[k]] * n
    return _each(memo, cells, outcome, spread=False)


def _years(rules: _Rules, by_plan: dict[int, _Ind], inds: list[_Ind], cells: list[Any] | None) -> list[int] | None:
    """The year rule a row at a time, by (plan, cell). A year cell every plan of the chunk takes as the same
    year (the plans' windows agree) is mapped by the cell alone; otherwise by (plan, cell) pairs."""
    column = cells if cells is not None else [None] * len(inds)
    alone: dict[Any, Any] = {}
    for c in set(column):
        outcomes = set()
        for plan_id, ind in by_plan.items():
            k = (plan_id, c)
            outcomes.add(rules.year[k] if k in rules.year else rules.year.setdefault(k, rules.year_of(ind, c)))
        if len(outcomes) != 1 or any(type(o) is _Err for o in outcomes):
            break
        alone[c] = outcomes.pop()
    else:
        return list(map(alone.__getitem__, column))
    return _each(rules.year, list(zip(map(attrgetter("plan_id"), inds), column, strict=True)),
                 lambda plan_id, cell: rules.year_of(by_plan[plan_id], cell))


def _row_by_row(rules: _Rules, checked: _Checked, numbers: list[int], columns: list[Iterable[Any]],
                floats: list[float] | None, status: str, reporter: str | None, reporter_id: int | None,
                scope: set[int] | None) -> None:
    """The cell rules a row at a time, each row's first failing field in the order indicator, region, year,
    unit, value, judgement, source, evidence, version, then the scope and the duplicate rule."""
    bad = checked.bad
    good_numbers, good = checked.numbers, cast(list[ObservationInput], checked.rows)
    seen: dict[tuple[int, str, int], int] = {}
    m_ind, m_reg, m_year, m_unit = rules.ind, rules.reg, rules.year, rules.unit
    m_judgement, m_source, m_evidence, m_version = rules.judgement, rules.source, rules.evidence, rules.version
    for (number, c_indicator_id, c_indicator, c_region_code, c_region, c_year, c_unit, c_value, c_judgement,
         c_source, c_evidence, c_version, x) in zip(numbers, *columns,
                                                   repeat(None, len(numbers)) if floats is None else floats,
                                                   strict=True):
        ind = m_ind.get(k := (c_indicator_id, c_indicator), _MISS)
        if ind is _MISS:
            ind = m_ind[k] = rules.indicator_of(c_indicator_id, c_indicator)
        if type(ind) is _Err:
            bad(number, ind.key, ind.zh, ind.en)
            continue
        region = m_reg.get(k := (c_region_code, c_region), _MISS)
        if region is _MISS:
            region = m_reg[k] = rules.region_of(c_region_code, c_region)
        if type(region) is _Err:
            bad(number, region.key, region.zh, region.en)
            continue
        year = m_year.get(k := (ind.plan_id, c_year), _MISS)
        if year is _MISS:
            year = m_year[k] = rules.year_of(ind, c_year)
        if type(year) is _Err:
            bad(number, year.key, year.zh, year.en)
            continue
        if c_unit is not None:
            unit = m_unit.get(k := (ind.id, c_unit), _MISS)
            if unit is _MISS:
                unit = m_unit[k] = rules.unit_of(ind, c_unit)
            if type(unit) is _Err:
                bad(number, unit.key, unit.zh, unit.en)
                continue
        rng = rules.range_of(ind)
        if x is not None and rng[0] <= x <= rng[1]:
            value = x  # what `_number` and then `check_value` return for this cell (`rp.plausible_range`)
        else:
            value = rules.value_of(ind, c_value)
            if type(value) is _Err:
                bad(number, value.key, value.zh, value.en)
                continue
        judgement = m_judgement.get(c_judgement, _MISS)
        if judgement is _MISS:
            judgement = m_judgement[c_judgement] = rules.judgement_of(c_judgement)
        if type(judgement) is _Err:
            bad(number, judgement.key, judgement.zh, judgement.en)
            continue
        if value is None and judgement is None:
            checked.empty += 1
            continue
        source = m_source.get(c_source, _MISS)
        if source is _MISS:
            source = m_source[c_source] = rules.source_of(c_source)
        if type(source) is _Err:
            bad(number, source.key, source.zh, source.en)
            continue
        evidence = m_evidence.get(c_evidence, _MISS)
        if evidence is _MISS:
            evidence = m_evidence[c_evidence] = rules.evidence_of(c_evidence)
        if type(evidence) is _Err:
            bad(number, evidence.key, evidence.zh, evidence.en)
            continue
        version = m_version.get(c_version, _MISS)
        if version is _MISS:
            version = m_version[c_version] = rules.version_of(c_version)
        if type(version) is _Err:
            bad(number, version.key, version.zh, version.en)
            continue
        if scope is not None and ind.id not in scope:
            bad(number, "indicator_id", f"指标 {ind.ref} 不属于本部门",
                f"indicator {ind.ref} is not assigned to your department")
            continue
        natural = (ind.metric_id, region.code, year)  # two plans' targets on one metric share the value
        if natural in seen:
            bad(number, "indicator_id", f"与第{seen[natural]}行重复(同一指标口径、地区、年份)",
                f"duplicate of row {seen[natural]} (same metric, region and year)")
            continue
        seen[natural] = number
        good_numbers.append(number)
        good.append(ObservationInput(  # positional (a third of the keywords' cost), in field order:
            ind.id, region.code, year, value, judgement, status, source,  # indicator, region, year, value,
            evidence, None, reporter_id, reporter,  # judgement, status, source_note, evidence_file, evidence_name,
            False, False, version, ind.metric_id,  # reporter_id, reporter_name, simulated, series_break,
        ))  # expected_version, metric_id


def _check_stored(session: Session, checked: _Checked, actor: Actor | None, conflicts: list[Conflict] | None
                  ) -> Sequence[ObservationInput]:
    """`check_rows`' second part, against the stored values (read in `session`, under the write lock):
    the evidence reference, the actor's rules, the version rule. Its problems join `checked`'s."""
    rows, bad = checked.rows, checked.bad
    # Version check: a value someone changed since this form was made is a conflict, not an overwrite.
    stored = existing_for(session, natural_keys(rows))
    m_ref: dict[tuple[str | None, str | None], Any] = {}  # the evidence rule once a distinct (cell, stored)
    if not stored and actor is None:
        # Nothing stored for these rows (a first load): only the evidence rule applies, once per distinct cell.
        cells = distinct(rows, "evidence_file")
        for cell in cells:
            try:
                m_ref[(cell, None)] = rp.check_evidence_reference(cell, None)
            except FieldError:
                break  # the loop below names each row
        else:
            if any(m_ref[(c, None)] is not c for c in cells):
                refs = [m_ref[(c, None)] for c in column(rows, "evidence_file")]
                if isinstance(rows, ObservationColumns) and rows.columns is not None:
                    rows.set_column("evidence_file", refs)
                else:
                    for o, ref in zip(rows, refs, strict=True):
                        o.evidence_file = ref
            return rows
    valid: list[ObservationInput] = []
    for number, o in zip(checked.numbers, rows, strict=True):
        old = stored.get(o.key) if stored else None
        try:
            ref = m_ref.get(k := (o.evidence_file, old["evidence_file"] if old else None), _MISS)
            if ref is _MISS:
                try:
                    ref = m_ref[k] = rp.check_evidence_reference(*k)
                except FieldError as exc:
                    ref = m_ref[k] = _Err(exc.field, exc.zh, exc.en)
            if type(ref) is _Err:
                raise FieldError(ref.key, ref.zh, ref.en)
            o.evidence_file = ref
            if old is not None and o.evidence_file == old["evidence_file"]:
                o.evidence_name = old["evidence_name"]
            unchanged = old is not None and is_unchanged(old, o)
            if actor is not None and not unchanged:
                rp.check_open(actor, old["status"] if old else None, "value")
                rounds.check_writable(session, checked.indicators[o.indicator_id].plan_id, o.year, actor)
        except FieldError as exc:
            bad(number, exc.field, exc.zh, exc.en)
            continue
        if old is not None and o.expected_version != old["version"] and not same_content(old, o):
            if conflicts is not None:
                ind, region = checked.indicators[o.indicator_id], checked.regions[o.region_code]
                conflicts.append(Conflict(
                    number, o.indicator_id, ind.ref, ind.name, ind.unit, o.region_code, region.name, o.year, o.value,
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
    return valid


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


@contextmanager
def _no_cycle_collector() -> Iterator[None]:
    """Python's cycle collector paused for a bulk load, then restored as it was.

    A chunk is ~10 container objects a row (the CSV row, its number, the checked value, the write's
    tuples), all freed by reference counting when the chunk is done; the collector's passes over them
    found nothing to free and cost more than the checks themselves (measured at scale 0.01: reading
    2.8 -> 1.2 µs a row, checking 6.6 -> 3.2 µs). Memory stays bounded by the chunk."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def import_csv_bulk(session: Session, path: Path, *, accept_valid: bool = False, status: str = "submitted",
                    reporter: str | None = None, reporter_id: int | None = None, reason: str | None = None,
                    chunk_rows: int = CHUNK_ROWS, max_rows: int = MAX_BULK_ROWS,
                    on_rows: Callable[[int], None] | None = None, exclusive: bool = False,
                    pipelined: bool | None = None) -> ImportReport:
    """`import_file` for a CSV of millions of values, read as a stream of chunks in the caller's transaction.

    Each chunk is checked by `check_rows` (the same rules as one form) and written by the register's bulk
    path (`register.bulk`). All or nothing by default: one problem anywhere and nothing is kept (the
    caller's transaction rolls back); the file is still read to the end so every problem is reported
    (the first MAX_BULK_PROBLEMS in full). A duplicate across chunks with a different value is reported
    as a changed-since conflict, like a form resubmitted after someone else's change.
    Expunges the session after each chunk: memory stays bounded by the chunk.

    `pipelined` (default: on PostgreSQL): the next chunk is read and its cell rules run in a second
    thread (`_ahead`) while one is written. Without `exclusive` that thread reads plans, indicators and
    regions through its own connection, so it sees them as committed: call it in a transaction that has
    not changed them (the command line opens one for the import alone), or pass `pipelined=False`.
    With `exclusive` it reads none: every plan, indicator and region is read first, in the load's own
    transaction (`_Lookup.load_all`), because the foreign keys the load drops lock those tables against
    any other connection (a second connection waited for ever: measured)."""
    try:
        lock_writes(session)
    except ConflictError as exc:
        raise ImportRejected([Problem(str(path), BUSY_ZH, BUSY_EN)]) from exc
    report = ImportReport(str(path))
    if pipelined is None:
        pipelined = session.connection().dialect.name == "postgresql"
    own = pipelined and not exclusive  # the cell rules' own connection
    reader = Session(bind=session.get_bind()) if own else session
    look = _Lookup(reader)  # one for the whole file: each indicator and region is read once
    if pipelined and exclusive:
        look.load_all()  # before the keys are dropped; the thread then reads nothing of the database

    def cells() -> Iterator[_Checked]:
        for table, problems in iter_csv_tables(path, chunk_rows, max_rows):
            if table is None:
                raise ImportRejected(problems)
            yield _check_cells(reader, table, status, reporter, reporter_id, None, look)

    def valid_chunks() -> Iterator[list[ObservationInput]]:
        with _ahead(cells(), pipelined) as checked_chunks:
            for checked in checked_chunks:
                rows = _check_stored(session, checked, None, None)
                report.rows += len(checked.table.rows)
                report.empty += checked.empty
                report.rejected_rows += len({p.row for p in checked.problems})
                room = MAX_BULK_PROBLEMS - len(report.problems)
                report.problems.extend(checked.problems[:max(room, 0)])
                if on_rows is not None:
                    on_rows(len(checked.table.rows))
                if report.rejected_rows and not accept_valid:
                    continue  # keep reading to report every problem; nothing will be kept
                yield rows

    chunks = valid_chunks()
    try:
        with _no_cycle_collector():
            written = write_observation_chunks(session, chunks, by=reporter,
                                               reason=reason or f"import {path.name}",
                                               on_chunk=lambda _n: session.expunge_all(), source=path.name,
                                               status=status, exclusive=exclusive)
    except ConflictError as exc:  # a concurrent writer got in between check and write
        raise ImportRejected([Problem(str(path), str(exc), "concurrent change")]) from exc
    finally:
        chunks.close()  # stops the reading thread before its connection goes
        if reader is not session:
            reader.close()
    if report.rejected_rows and not accept_valid:
        raise ImportRejected(report.problems)
    report.inserted, report.updated, report.unchanged = written.inserted, written.updated, written.unchanged
    return report


_DONE = object()


@contextmanager
def _ahead(items: Iterator[Any], threaded: bool) -> Iterator[Iterator[Any]]:
    """`items`, produced one ahead in a second thread when `threaded`: while the caller writes chunk N
    (and waits for the database server), the thread reads and checks chunk N+1. At most two chunks
    wait (memory stays bounded by the chunk); an error in the thread is raised in the caller; leaving
    the block early stops the thread."""
    if not threaded:
        yield items
        return
    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            result: tuple[Any, BaseException | None] = (_DONE, None)
        except BaseException as exc:  # handed to the caller's thread
            result = (_DONE, exc)
        while not stop.is_set():
            try:
                ready.put(result, timeout=0.1)
                return
            except queue.Full:
                continue

    def consume() -> Iterator[Any]:
        while True:
            item, exc = ready.get()
            if exc is not None:
                raise exc
            if item is _DONE:
                return
            yield item

    worker = threading.Thread(target=produce, name="planwatch-import-reader", daemon=True)
    worker.start()
    try:
        yield consume()
    finally:
        stop.set()
        worker.join()


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
