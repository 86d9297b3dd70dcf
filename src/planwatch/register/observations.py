"""Writing reported values: bulk upsert with version checks, single edits, status changes.

Every write leaves a history row. A writer states the version it last saw
(`expected_version`); if the stored row has moved on since, the write is a
conflict and nothing is written — two people can't silently overwrite each other.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from itertools import repeat
from operator import attrgetter
from typing import Any

import numpy as np
from sqlalchemy import and_, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from planwatch.register import auditlog, history, rounds, sent_ahead, versions
from planwatch.register.errors import ConflictError, NotFound, RegisterError
from planwatch.register.schema import OBSERVATION_STATUSES, History, Indicator, Observation, utcnow

# Fields a report sets; comparing them decides whether a re-submitted row changes anything.
PAYLOAD = ("value", "judgement", "status", "source_note", "evidence_file", "evidence_name", "simulated",
           "series_break")
_T = Observation.__table__
# What a report says; an unchanged value is the same figure or judgement, source and evidence.
REPORTED = ("value", "judgement", "source_note", "evidence_file")
# How far along the workflow a status is: re-sending what is already submitted or approved moves nothing.
_STATUS_STEP = {"draft": 0, "returned": 0, "submitted": 1, "approved": 2}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def same_content(old: Any, new: Any) -> bool:
    """Whether `new` reports what `old` (a stored row as a mapping, or an object) already says."""
    def get(o: Any, f: str) -> Any:
        return o.get(f) if isinstance(o, dict) else getattr(o, f)
    return all(_same(get(old, f), get(new, f)) for f in REPORTED)


def is_unchanged(old: Any, new: Any) -> bool:
    """The one rule for "an unchanged value is no update": the same content, and a status that does not
    move the row forward (re-sending a submitted or approved value; a draft of what is stored). Such a
    write keeps the stored row as it is: no new version, no history row, its flags (simulated, series
    break) and its approval untouched. Every writer (form, API, spreadsheet, command line) goes through
    `write_observations`, which applies it; the importer and `register.reporting` ask it before refusing
    an approved row."""
    def get(o: Any, f: str) -> Any:
        return o.get(f) if isinstance(o, dict) else getattr(o, f)
    if not same_content(old, new):
        return False
    return _STATUS_STEP.get(get(new, "status"), 0) <= _STATUS_STEP.get(get(old, "status"), 0)


@dataclass(slots=True)
class ObservationInput:
    """A value reported through a plan target (`indicator_id`); it is stored on the target's metric,
    so every plan on that metric reads it. `metric_id` is filled in by `resolve_metrics`."""

    indicator_id: int
    region_code: str
    year: int
    value: float | None = None
    judgement: str | None = None
    status: str = "submitted"
    source_note: str | None = None
    evidence_file: str | None = None
    evidence_name: str | None = None  # the uploaded file's name, for display only
    reporter_id: int | None = None
    reporter_name: str | None = None
    simulated: bool = False
    series_break: bool = False
    # The version the writer last saw; None means "I believe there is no value yet".
    expected_version: int | None = None
    metric_id: int | None = None

    @property
    def key(self) -> tuple[int, str, int]:
        """The natural key of the stored value: metric × region × year (after `resolve_metrics`)."""
        if self.metric_id is None:
            raise RegisterError(f"指标 {self.indicator_id} 尚未对应到度量 / indicator {self.indicator_id} has no "
                                "metric resolved yet (call resolve_metrics)")
        return (self.metric_id, self.region_code, self.year)


FIELDS = tuple(f.name for f in fields(ObservationInput))  # its fields, in order


class ObservationColumns(Sequence[ObservationInput]):
    """A chunk of values held as columns (a bulk load's 50,000): the same rows as a list of
    `ObservationInput`, which it turns into, once and for good, as soon as a caller reads a row. Until then
    the bulk path reads whole columns (`column`): the keys, the checks that find nothing stored, the
    COPY text. Measured at scale 1 on PostgreSQL: building each row's object and reading its fields back
    was ~1.5 µs of a bulk load's ~10 µs a value.

    Each column is a list of one cell a row, or `same(value)` for a value every row has."""

    __slots__ = ("_columns", "_keys", "_n", "_rows")

    def __init__(self, n: int, columns: dict[str, Any], keys: list[tuple[int, str, int]] | None = None) -> None:
        """`keys`: the rows' natural keys if the caller made them already (`natural_keys` keeps them)."""
        if set(columns) != set(FIELDS):
            raise ValueError(f"columns {sorted(set(FIELDS) ^ set(columns))} missing or unknown")
        self._n = n
        self._columns: dict[str, Any] | None = columns
        self._rows: list[ObservationInput] | None = None
        self._keys = keys

    @staticmethod
    def same(value: Any) -> _Same:
        return _Same(value)

    @property
    def columns(self) -> dict[str, Any] | None:
        """The columns, or None once the rows were read one by one (a caller may have changed a row)."""
        return self._columns

    def column(self, name: str) -> Sequence[Any]:
        """One column as a sequence of its cells (a row object's field, once rows were read)."""
        if self._columns is None:
            return list(map(attrgetter(name), self.rows))
        c = self._columns[name]
        return [c.value] * self._n if type(c) is _Same else c

    def constant(self, name: str) -> _Same | None:
        c = None if self._columns is None else self._columns[name]
        return c if type(c) is _Same else None

    def set_column(self, name: str, cells: list[Any]) -> None:
        if self._columns is None:
            raise RegisterError("rows already read one by one")
        self._columns[name] = cells
        if name in ("metric_id", "region_code", "year"):
            self._keys = None

    @property
    def rows(self) -> list[ObservationInput]:
        if self._rows is None:
            assert self._columns is not None
            self._rows = list(map(ObservationInput, *(self.column(f) for f in FIELDS)))
            self._columns = self._keys = None
        return self._rows

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: Any) -> Any:
        return self.rows[i]

    def __iter__(self) -> Iterator[ObservationInput]:
        return iter(self.rows)


@dataclass(frozen=True, slots=True)
class _Same:
    value: Any


def column(rows: Sequence[ObservationInput], name: str) -> Sequence[Any]:
    """One field of every row, in row order, in one C-level pass (or the chunk's own column)."""
    if isinstance(rows, ObservationColumns):
        return rows.column(name)
    return list(map(attrgetter(name), rows))


def distinct(rows: Sequence[ObservationInput], name: str) -> set[Any]:
    """The values one field takes over the rows."""
    same = rows.constant(name) if isinstance(rows, ObservationColumns) else None
    return {same.value} if same is not None else set(column(rows, name))


def natural_keys(rows: Sequence[ObservationInput]) -> list[tuple[int, str, int]]:
    """Each row's `key`, in row order, in one C-level pass (a bulk load asks for 50,000 at a time); a
    chunk of columns keeps its list, so that a load's look-ups know it again (`WrittenKeys`)."""
    if isinstance(rows, ObservationColumns) and rows._keys is not None and rows.columns is not None:
        return rows._keys
    metrics = column(rows, "metric_id")
    if None in metrics:
        return [r.key for r in rows]  # raises, naming the first row without its metric
    keys = list(zip(metrics, column(rows, "region_code"), column(rows, "year"), strict=True))
    if isinstance(rows, ObservationColumns) and rows.columns is not None:
        rows._keys = keys
    return keys


def resolve_metrics(session: Session, rows: Sequence[ObservationInput]) -> None:
    """Fill in each row's metric from its indicator (one query per 500 indicators)."""
    if None not in distinct(rows, "metric_id"):
        return
    wanted = sorted({r.indicator_id for r in rows if r.metric_id is None})
    found: dict[int, int] = {}
    for i in range(0, len(wanted), 500):
        found.update(session.execute(select(Indicator.id, Indicator.metric_id)
                                     .where(Indicator.id.in_(wanted[i:i + 500]))).all())
    for r in rows:
        if r.metric_id is None:
            if r.indicator_id not in found:
                raise NotFound(f"未知指标 / unknown indicator {r.indicator_id}")
            r.metric_id = found[r.indicator_id]


@dataclass
class WriteResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


# PostgreSQL advisory lock keys, one per kind of versioned row ("planwatch" in hex, then a number).
LOCK_KEYS = {"observations": 0x706C616E7701, "progress": 0x706C616E7702}
LOCK_WAIT_SECONDS = 60.0
BUSY_ZH, BUSY_EN = "登记库正忙于另一项写入,请稍后重试", "the register is busy with another write; try again shortly"
BUSY = f"{BUSY_ZH} / {BUSY_EN}"


_HELD = "planwatch.write_locks"  # (the transaction, the kinds it holds): `Session.info`, PostgreSQL


def lock_writes(session: Session, what: str = "observations") -> None:
    """Take the write lock for `what` in the caller's transaction, before reading what a write compares.

    Two writers that both read "no value yet" and then insert would collide on the unique key; with
    the lock the second reads after the first commits and sees a version conflict instead.
    SQLite: BEGIN IMMEDIATE (the database's single write lock; busy_timeout bounds the wait).
    PostgreSQL: a transaction-scoped advisory lock per kind of row, waited for at most
    LOCK_WAIT_SECONDS, asked for once a transaction (or savepoint: rolling one back releases what it
    took). Waiting longer raises `ConflictError` with a "busy, try again" message."""
    conn = session.connection()
    dialect = conn.dialect.name
    try:
        if dialect == "sqlite":
            raw = conn.connection.driver_connection
            if raw is not None and not raw.in_transaction:  # already writing: the lock is held
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif dialect == "postgresql":
            txn = session.get_nested_transaction() or session.get_transaction()
            held = session.info.get(_HELD)
            if held is not None and held[0] is txn and what in held[1]:
                return  # taken in this transaction already (a bulk load asks once a chunk)
            key = LOCK_KEYS[what]
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            pause = 0.01
            while not conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key}).scalar():
                if time.monotonic() > deadline:
                    raise ConflictError(BUSY)
                time.sleep(pause)
                pause = min(pause * 2, 0.2)
            kinds = held[1] if held is not None and held[0] is txn else set()
            session.info[_HELD] = (txn, kinds | {what})
    except OperationalError as exc:  # SQLite: still locked after busy_timeout
        raise ConflictError(BUSY) from exc


class WrittenKeys:
    """The natural keys a first load has written so far, by hash, with their ids: while the unique
    (metric, region, year) key is dropped for the load (`bulk`), `existing_for` finds a stored row here
    and reads it by primary key. A hash says only "maybe": the row read back is compared by its key, so
    a collision costs a read, never a wrong answer.

    Sorted numpy levels (12 bytes a value, ~250 MB at scale 1), merged four at a time, and a bitmap of
    the hashes (16 bits or more a key, grown as keys come): a key whose bit is not set was not written,
    which answers nearly every look-up without searching the levels. Measured at scale 1 (400 chunks of
    50,000): searching every level was ~0.5 µs a key on average and grew with the load, the bitmap ~10 ns."""

    INFO = "planwatch.written_keys"  # its place in `Session.info` for the load's transaction
    MERGED = 4  # levels of one tier merged into one: at most MERGED - 1 of each tier wait
    BITS_PER_KEY = 16  # the bitmap's size: ~1 in 16 absent keys passes to the search (e^(-1/16) unset)

    def __init__(self) -> None:
        self.levels: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted hashes, their ids)
        self.tiers: list[int] = []  # each level's: how many merges made it
        self.bits = np.zeros(1 << 10, dtype=np.uint64)
        self.count = 0
        # Keys found unwritten since the last `add`: a chunk's keys are looked up twice (its checks, then
        # its write), and the second look-up, of the same list (`natural_keys` keeps a chunk's) or of a
        # subset, is then no search.
        self.absent: list[tuple[int, str, int]] | None = None
        self._absent_set: set[tuple[int, str, int]] | None = None
        self._hashed: tuple[Sequence[tuple[int, str, int]], np.ndarray, np.ndarray] | None = None

    def _sorted_hashes(self, keys: Sequence[tuple[int, str, int]]) -> tuple[np.ndarray, np.ndarray]:
        """The keys' hashes in order, and that order; kept for the same list (its look-up, then its `add`)."""
        if self._hashed is not None and self._hashed[0] is keys:
            return self._hashed[1], self._hashed[2]
        h = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))
        order = np.argsort(h)  # equal hashes in any order: `ids_for` returns them all
        self._hashed = (keys, h[order], order)
        return h[order], order

    def found_absent(self, keys: list[tuple[int, str, int]]) -> None:
        self.absent, self._absent_set = keys, None

    def known_absent(self, keys: list[tuple[int, str, int]]) -> bool:
        """Whether every key was looked up and found unwritten since the last `add`."""
        if self.absent is None:
            return False
        if keys is self.absent:
            return True
        if self._absent_set is None:
            self._absent_set = set(self.absent)
        return self._absent_set.issuperset(keys)

    def _words(self, sorted_hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each hash's bitmap word (its high bits: in the hashes' order, so equal words are adjacent) and bit."""
        shift = np.uint64(64 - (len(self.bits).bit_length() - 1))
        unsigned = sorted_hashes.view(np.uint64) ^ np.uint64(1 << 63)  # signed order as unsigned order
        return (unsigned >> shift).astype(np.int64), np.left_shift(np.uint64(1), unsigned & np.uint64(63))

    def _mark(self, sorted_hashes: np.ndarray) -> None:
        if not len(sorted_hashes):
            return
        words, bits = self._words(sorted_hashes)
        starts = np.flatnonzero(np.r_[True, words[1:] != words[:-1]])
        self.bits[words[starts]] |= np.bitwise_or.reduceat(bits, starts)

    def add(self, keys: Sequence[tuple[int, str, int]], ids: Sequence[int]) -> None:
        self.absent = self._absent_set = None
        h, order = self._sorted_hashes(keys)
        self._hashed = None
        self.levels.append((h, np.asarray(ids, dtype=np.int32)[order]))  # ids are int4 columns
        self.count += len(h)
        need = self.count * self.BITS_PER_KEY
        if need > len(self.bits) * 64:  # grown: a bitmap at least 4 times the size (a power of two), redrawn
            words = 1 << ((need - 1) // 64).bit_length()
            self.bits = np.zeros(max(words, len(self.bits) * 4), dtype=np.uint64)
            for hashes, _ in self.levels:
                self._mark(hashes)
        else:
            self._mark(self.levels[-1][0])
        self.tiers.append(0)
        while len(self.tiers) >= self.MERGED and len(set(self.tiers[-self.MERGED:])) == 1:
            # MERGED sorted runs of one tier become one of the next: a stable sort merges the runs in
            # linear time, and each key is merged log_MERGED(chunks) times (~4 at scale 1).
            runs = self.levels[-self.MERGED:]
            del self.levels[-self.MERGED:]
            tier = self.tiers[-1] + 1
            del self.tiers[-self.MERGED:]
            both = np.concatenate([h for h, _ in runs])
            merged = np.argsort(both, kind="stable")
            self.levels.append((both[merged], np.concatenate([i for _, i in runs])[merged]))
            self.tiers.append(tier)

    def ids_for(self, keys: Sequence[tuple[int, str, int]]) -> list[int]:
        """Ids of the written rows whose key hash matches one of `keys` (a superset of the stored ones)."""
        if not self.levels or not keys:
            return []
        h = self._sorted_hashes(keys)[0]  # sorted, the searches walk each level in order (~5x faster)
        words, bits = self._words(h)
        h = h[(self.bits[words] & bits) != 0]  # the rest were not written
        found: list[int] = []
        for hashes, ids in self.levels if len(h) else ():
            lo = np.searchsorted(hashes, h, "left")
            hit = lo < len(hashes)
            hit[hit] = hashes[lo[hit]] == h[hit]
            if hit.any():
                hi = np.searchsorted(hashes, h[hit], "right")
                for a, b in zip(lo[hit].tolist(), hi.tolist(), strict=True):
                    found.extend(ids[a:b].tolist())
        return found


def existing_for(session: Session, keys: Iterable[tuple[int, str, int]]) -> dict[tuple[int, str, int], dict[str, Any]]:
    """Stored rows for the given natural keys (metric, region, year).

    Read by metric × region batches through the unique (metric, region, year) index, so the cost follows
    the keys asked for, not the size of the register (a metric every county shares holds millions).
    In a first load that dropped that key (`WrittenKeys` in the session): by primary key, of the rows
    the load wrote with a matching key hash (none, nearly always)."""
    out: dict[tuple[int, str, int], dict[str, Any]] = {}
    cols = [_T.c.id, _T.c.metric_id, _T.c.region_code, _T.c.year, _T.c.version, *(_T.c[f] for f in PAYLOAD)]
    written: WrittenKeys | None = session.info.get(WrittenKeys.INFO)
    if written is not None:
        listed = keys if isinstance(keys, list) else list(keys)
        if written.known_absent(listed):
            return out
        maybe = sorted(set(written.ids_for(listed)))
        wanted = set(listed) if maybe else set()
        for i in range(0, len(maybe), 1000):
            for row in session.execute(select(*cols).where(_T.c.id.in_(maybe[i:i + 1000]))).mappings():
                if (k := (row["metric_id"], row["region_code"], row["year"])) in wanted:
                    out[k] = dict(row)
        if not out:
            written.found_absent(listed)
        return out
    keys = set(keys)
    metrics = sorted({k[0] for k in keys})
    regions = sorted({k[1] for k in keys})
    for i in range(0, len(metrics), 500):
        for j in range(0, len(regions), 500):
            q = select(*cols).where(_T.c.metric_id.in_(metrics[i:i + 500]), _T.c.region_code.in_(regions[j:j + 500]))
            for row in session.execute(q).mappings():
                k = (row["metric_id"], row["region_code"], row["year"])
                if k in keys:
                    out[k] = dict(row)
    return out


def write_observations(
    session: Session,
    rows: Sequence[ObservationInput],
    *,
    by: str | None = None,
    reason: str | None = None,
    overwrite: bool = False,
    audit: bool = True,
) -> WriteResult:
    """Insert new values and update changed ones in the caller's transaction.

    Every written value gets its history row; `audit=False` is for a bulk load (`register.bulk`), which
    writes one audit entry for the whole load instead of one per value (`auditlog.record_load`).

    With `overwrite=False` (the default) a row whose stored version differs from
    its `expected_version` raises `ConflictError` before anything is written.
    """
    for status in distinct(rows, "status"):
        if status not in OBSERVATION_STATUSES:
            raise RegisterError(f"未知状态 / unknown status: {status}")
    resolve_metrics(session, rows)
    keys = natural_keys(rows)
    if len(set(keys)) != len(keys):  # name the first pair
        seen: dict[tuple[int, str, int], ObservationInput] = {}
        for r in rows:
            if (first := seen.setdefault(r.key, r)) is not r:
                raise RegisterError(
                    f"同一数据报送了两次:指标 {first.indicator_id} 与 {r.indicator_id} 属同一度量,地区 {r.region_code},"
                    f"{r.year}年 / the same value twice: indicators {first.indicator_id} and {r.indicator_id} "
                    f"measure one metric, region {r.region_code}, {r.year}")
    lock_writes(session)
    stored = existing_for(session, keys)
    result = WriteResult()
    inserts: Sequence[ObservationInput] = [] if stored else rows  # nothing stored: every row is new
    updates: list[tuple[ObservationInput, dict[str, Any]]] = []
    for r, key in zip(rows if stored else (), keys, strict=False):
        old = stored.get(key)
        if old is None:
            inserts.append(r)  # type: ignore[attr-defined]  # a list when anything is stored
            continue
        if all(old[f] == getattr(r, f) for f in PAYLOAD) or is_unchanged(old, r):
            result.unchanged += 1
            continue
        if not overwrite and r.expected_version != old["version"]:
            result.conflicts.append(
                f"指标 {r.indicator_id} 地区 {r.region_code} {r.year}年: 已被他人修改(当前版本 {old['version']},"
                f"你的版本 {r.expected_version}) / changed by someone else (stored version {old['version']}, "
                f"yours {r.expected_version})"
            )
            continue
        updates.append((r, old))
    if result.conflicts:
        raise ConflictError("\n".join(result.conflicts))
    # Only what is written answers to the rounds: re-sending an unchanged value after the lock date is no write.
    def written() -> Iterator[tuple[int, int]]:  # read only when a plan has a round
        yield from zip(column(inserts, "indicator_id"), column(inserts, "year"), strict=True)
        yield from ((u.indicator_id, u.year) for u, _ in updates)

    now = utcnow()
    # The new rows' ids and, for a bulk load on PostgreSQL, their COPY text, made before the next
    # statement: it waits for the previous chunk's history rows (`sent_ahead`), which the server builds
    # meanwhile.
    prepared = _prepare_inserts(session, inserts, now, audit, by, reason) if inserts else None
    rounds.check_indicator_writes(session, written(), by)

    if prepared is not None:
        try:
            _insert_with_history(session, inserts, prepared, by, reason, audit)
        except IntegrityError as exc:  # a writer that did not take the lock inserted the same key first
            raise ConflictError("数据刚被他人同时报送,请刷新后重试 / the value was reported concurrently by "
                                "someone else; reload and retry") from exc
        result.inserted = len(inserts)
    if updates:
        params = [{**_row(r, now), "b_id": old["id"], "b_version": old["version"]} for r, old in updates]
        stmt = (
            update(_T)
            .where(and_(_T.c.id == bindparam("b_id"), _T.c.version == bindparam("b_version")))
            .values(**{c: bindparam(c) for c in params[0] if not c.startswith("b_")}, version=_T.c.version + 1)
        )
        done = session.connection().execute(stmt, params).rowcount
        if done != len(updates):
            # Someone committed between our read and our write.
            raise ConflictError("数据已被他人同时修改,请重试 / the values were changed concurrently, try again")
        history.record_many(session, [
            {"entity": "observation", "entity_id": old["id"], "action": "update", "changed_by": by, "reason": reason,
             "old": {f: old[f] for f in PAYLOAD if old[f] != getattr(r, f)} | {"version": old["version"]},
             "new": {f: getattr(r, f) for f in PAYLOAD if old[f] != getattr(r, f)} | {"version": old["version"] + 1}}
            for r, old in updates
        ], audit=audit)
        result.updated = len(updates)
    return result


_INSERT_COLS = ("metric_id", "indicator_id", "region_code", "year", "value", "judgement", "status", "source_note",
                "evidence_file", "evidence_name", "reporter_id", "reporter_name", "reported_at", "series_break", "simulated", "version")
_HISTORY_COLS = ("entity", "entity_id", "action", "changed_by", "changed_at", "old", "new", "reason")
_str = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _created_json(r: ObservationInput) -> str:
    """The history's "new" for a created value (`history.CREATED_FIELDS`), written by hand: json.dumps per
    row costs ~10 s a million."""
    value = "null" if r.value is None else repr(float(r.value))
    judgement = "null" if r.judgement is None else _str(r.judgement)
    note = "null" if r.source_note is None else _str(r.source_note)
    return f'{{"value": {value}, "judgement": {judgement}, "status": {_str(r.status)}, "source_note": {note}}}'


@dataclass
class _Prepared:
    """What a write of new rows needs before it is sent: the stored time, the ids, the COPY text (or None)."""

    stamp: Any
    ids: Sequence[int]
    copy: _CopyText | None


def _bulk_copy(session: Session, audit: bool) -> bool:
    """A bulk load (no audit row a value) on PostgreSQL through psycopg: COPY text (`_copy_created`)."""
    conn = session.connection()
    return not audit and conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def _prepare_inserts(session: Session, rows: Sequence[ObservationInput], now: Any, audit: bool, by: str | None,
                     reason: str | None) -> _Prepared:
    bulk = _bulk_copy(session, audit)
    stamp = history.stored_time(session, now)
    ids = reserve_ids(session, len(rows), grow=bulk)  # known up front: no read-back of what was just written
    return _Prepared(stamp, ids, _created_copy_text(rows, ids, by, reason) if bulk else None)


def _insert_with_history(session: Session, rows: Sequence[ObservationInput], prepared: _Prepared, by: str | None,
                         reason: str | None, audit: bool = True) -> None:
    """The bulk path: plain tuples through the driver's executemany, then one history row each, or, for a
    bulk load (no audit row a value), one for the chunk (`history.record_load`). PostgreSQL, a bulk load:
    `_copy_created`."""
    stamp, ids = prepared.stamp, prepared.ids
    if (written := session.info.get(WrittenKeys.INFO)) is not None:
        written.add(natural_keys(rows), ids)
    if prepared.copy is not None:
        _copy_created(session, prepared.copy, ids)
        return
    history.insert_tuples(session, _T, ("id", *_INSERT_COLS), [
        (oid, r.metric_id, r.indicator_id, r.region_code, r.year, r.value, r.judgement, r.status,
         r.source_note, r.evidence_file, r.evidence_name, r.reporter_id, r.reporter_name, stamp, r.series_break, r.simulated, 1)
        for oid, r in zip(ids, rows, strict=True)
    ])
    if not audit:
        history.record_load(session, ids, by=by, reason=reason, at=stamp)
        return
    created = [_created_json(r) for r in rows]
    history.insert_tuples(session, History.__table__, _HISTORY_COLS, [
        ("observation", oid, "create", by, stamp, None, new, reason)
        for oid, new in zip(ids, created, strict=True)
    ])
    auditlog.record_rows(session, [(by, "observation.create", "observation", oid, None, new, reason)
                                   for oid, new in zip(ids, created, strict=True)], stamp)


def _copy_text(v: Any) -> str:
    """One cell in COPY's text format: \\N for NULL, backslash, tab, newline and return escaped."""
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


COPY_SLICE = 5_000  # lines a COPY write sends; the server parses one slice while the next is formatted


_COPIED = ("metric_id", "indicator_id", "region_code", "year", "value", "judgement", "source_note", "evidence_file",
           "status", "evidence_name", "reporter_id", "reporter_name", "series_break", "simulated")  # and id, time, version


def _created_copy_text(rows: Sequence[ObservationInput], ids: Sequence[int], by: str | None, reason: str | None
                       ) -> _CopyText:
    """PostgreSQL, a bulk load: the new values as COPY text in slices, and the chunk's log row
    (`history.LOADED`).

    The text is made a column at a time, in C-level passes (measured at scale 1: a Python step a row was
    ~1.4 µs of a bulk load's ~10 µs a value): text cells escaped once per distinct value; the columns
    every row of the chunk shares (`ObservationColumns.constant`: status, reporter, flags, often the
    judgement or the evidence) sent as one suffix a line, listed last in the COPY, or left out when they
    are NULL (the column's default). The time is left out: the server fills in its transaction's
    (migration 0016; parsing a timestamp a row was ~0.5 µs of the server's ~1.8 µs a value)."""
    n = len(rows)
    shared = {f: c.value for f in _COPIED
              if (c := rows.constant(f) if isinstance(rows, ObservationColumns) else None) is not None}
    varying = [f for f in _COPIED if f not in shared]
    sent = {f: v for f, v in shared.items() if v is not None or not _T.c[f].nullable or _T.c[f].server_default}
    suffix = "\t".join([*map(_copy_text, sent.values()), "1"]) + "\n"
    cells = {f: column(rows, f) for f in varying}
    null = _copy_text(None)
    escaped: dict[str, dict[Any, str]] = {f: {} for f in varying}  # by column: 1 and True share a dict key

    def texts(f: str, a: int, b: int) -> Iterable[str]:
        part = cells[f][a:b]
        if f in ("metric_id", "indicator_id", "year"):  # whole numbers: nothing to escape
            return map(str, part)
        if f == "value":
            return map(repr, map(float, part)) if None not in part else [null if v is None else repr(float(v))
                                                                          for v in part]
        esc = escaped[f]
        for v in set(part).difference(esc):
            esc[v] = _copy_text(v)
        return map(esc.__getitem__, part)

    slices = ["".join(map("\t".join, zip(map(str, ids[a:b]), *(texts(f, a, b) for f in varying),
                                         repeat(suffix, b - a), strict=True)))
              for a, b in ((a, min(a + COPY_SLICE, n)) for a in range(0, n, COPY_SLICE))]
    entity, first, action, new = history.load_row(ids)
    history_sql = (  # now(): the transaction's time, which the COPY's rows take as reported_at (migration 0016)
        "INSERT INTO history (entity, entity_id, action, changed_by, changed_at, new, reason) "
        "VALUES (%(entity)s, %(first)s, %(action)s, %(by)s, now(), CAST(%(new)s AS json), %(reason)s)")
    return _CopyText(("id", *varying, *sent, "version"), slices, history_sql,
                     {"entity": entity, "first": first, "action": action, "new": new, "by": by, "reason": reason})


@dataclass
class _CopyText:
    columns: tuple[str, ...]
    slices: list[str]
    history_sql: str
    history_params: dict[str, Any]


def _copy_created(session: Session, copy_text: _CopyText, ids: Sequence[int]) -> None:
    """PostgreSQL, a bulk load: the new values' COPY text (`_created_copy_text`), then the chunk's log row,
    both sent ahead (`sent_ahead.run`): the server stores them while the next chunk is checked and made."""
    frozen = " WITH (FREEZE)" if session.info.get(COPY_FROZEN) else ""
    sql = f"COPY {_T.name} ({', '.join(copy_text.columns)}) FROM STDIN{frozen}"

    def work(raw: Any) -> None:
        with raw.cursor() as cur, cur.copy(sql) as copy:
            for text_ in copy_text.slices:  # in slices: the server parses one while the next is sent
                copy.write(text_)
        raw.execute(copy_text.history_sql, copy_text.history_params, prepare=False)

    sent_ahead.run(session.connection(), work)
    versions.note_log_ids(session, "observation", ids)


COPY_FROZEN = "planwatch.copy_frozen"  # set by a first load that truncated the values table (`bulk._write_frozen`)
_IDS = "planwatch.observation_ids"  # (the transaction, next id, end, drawn so far): ids drawn ahead
IDS_AHEAD_MAX = 1_000_000


def reserve_ids(session: Session, n: int, *, grow: bool = False) -> Sequence[int]:
    """`n` new observation ids for the caller's transaction, so a bulk insert needs no read-back.

    PostgreSQL: one contiguous range taken from the column's sequence in one step (`setval` past
    `nextval`), under a SHARE ROW EXCLUSIVE lock on the table: no other transaction can insert (and so
    draw from the sequence) until this one ends; readers are not blocked. Drawing `n` values one by one
    cost ~3 µs a value (0.15 s a 50,000-row chunk). With `grow` (a bulk load's chunks) it draws ahead as
    many as it drew so far in the transaction (at most IDS_AHEAD_MAX) and serves later chunks from them
    without a statement, which would wait for the previous chunk's history rows (`sent_ahead`). Drawn ids
    are never drawn again, so the ones a load does not use are only a gap in the sequence, at most the
    load's own size. SQLite: the write lock (`lock_writes`, BEGIN IMMEDIATE) is held, so max(id) cannot
    move."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        txn = session.get_transaction()
        pool = session.info.get(_IDS)
        if pool is None or pool[0] is not txn:
            pool = (txn, 0, 0, 0)
        if grow and pool[2] - pool[1] >= n:
            session.info[_IDS] = (txn, pool[1] + n, pool[2], pool[3])
            return range(pool[1], pool[1] + n)
        take = n + (min(pool[3], IDS_AHEAD_MAX) if grow else 0)
        conn.exec_driver_sql("LOCK TABLE observations IN SHARE ROW EXCLUSIVE MODE")
        first = int(conn.execute(text(
            "SELECT setval(s, nextval(s) + :n - 1) - :n + 1 FROM pg_get_serial_sequence('observations', 'id') AS s"),
            {"n": take}).scalar_one())
        if grow:
            session.info[_IDS] = (txn, first + n, first + take, pool[3] + take)
        return range(first, first + n)
    top = int(conn.execute(select(func.max(_T.c.id))).scalar() or 0)
    return range(top + 1, top + 1 + n)


def _row(r: ObservationInput, now: Any) -> dict[str, Any]:
    # The metric, region and year are the row's key and never change; `indicator_id` keeps the
    # target the value was first reported through.
    return {
        "region_code": r.region_code, "year": r.year, "value": r.value,
        "judgement": r.judgement, "status": r.status, "source_note": r.source_note,
        "evidence_file": r.evidence_file, "evidence_name": r.evidence_name, "reporter_id": r.reporter_id, "reporter_name": r.reporter_name,
        "reported_at": now, "series_break": r.series_break, "simulated": r.simulated,
    }


def update_observation(
    session: Session,
    observation_id: int,
    expected_version: int,
    changes: dict[str, Any],
    *,
    by: str | None = None,
    reason: str | None = None,
) -> Observation:
    """Edit one value. Raises `ConflictError` if it changed since the editor read `expected_version`."""
    bad = set(changes) - set(PAYLOAD) - {"reporter_id", "reporter_name"}
    if bad:
        raise RegisterError(f"不能修改这些字段 / fields not editable: {', '.join(sorted(bad))}")
    if "status" in changes and changes["status"] not in OBSERVATION_STATUSES:
        raise RegisterError(f"未知状态 / unknown status: {changes['status']}")
    obs = session.get(Observation, observation_id)
    if obs is None:
        raise NotFound(f"数据不存在 / no observation {observation_id}")
    if obs.version != expected_version:
        raise ConflictError(
            f"该数据已被他人修改(当前版本 {obs.version},你的版本 {expected_version}),请刷新后再改 / "
            f"observation {observation_id} was changed by someone else (version {obs.version}, "
            f"you edited version {expected_version}); reload and retry"
        )
    old = {k: getattr(obs, k) for k in changes if getattr(obs, k) != changes[k]}
    if not old:
        return obs
    decision = set(old) <= {"status", "reporter_id", "reporter_name"} and changes.get("status") in \
        rounds.DECISION_STATUSES
    rounds.check_indicator_writes(session, [(obs.indicator_id, obs.year)], by, decision=decision)
    old_version = obs.version
    stmt = (
        update(_T)
        .where(_T.c.id == observation_id, _T.c.version == expected_version)
        .values(**{k: changes[k] for k in old}, reported_at=utcnow(), version=_T.c.version + 1)
    )
    if session.connection().execute(stmt).rowcount != 1:
        raise ConflictError(f"该数据刚被他人修改 / observation {observation_id} was changed concurrently")
    history.record(session, "observation", observation_id, "update", old=old | {"version": old_version},
                   new={k: changes[k] for k in old} | {"version": old_version + 1}, by=by, reason=reason)
    session.expire(obs)
    return obs


def set_status(session: Session, observation_id: int, expected_version: int, status: str, *,
               by: str | None = None, reason: str | None = None) -> Observation:
    """Move a value through the workflow (draft → submitted → approved, or returned with a reason)."""
    return update_observation(session, observation_id, expected_version, {"status": status}, by=by, reason=reason)

