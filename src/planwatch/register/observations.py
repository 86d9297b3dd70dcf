"""Writing reported values: bulk upsert with version checks, single edits, status changes.

Every write leaves a history row. A writer states the version it last saw
(`expected_version`); if the stored row has moved on since, the write is a
conflict and nothing is written — two people can't silently overwrite each other.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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


def resolve_metrics(session: Session, rows: Sequence[ObservationInput]) -> None:
    """Fill in each row's metric from its indicator (one query per 500 indicators)."""
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


def lock_writes(session: Session, what: str = "observations") -> None:
    """Take the write lock for `what` in the caller's transaction, before reading what a write compares.

    Two writers that both read "no value yet" and then insert would collide on the unique key; with
    the lock the second reads after the first commits and sees a version conflict instead.
    SQLite: BEGIN IMMEDIATE (the database's single write lock; busy_timeout bounds the wait).
    PostgreSQL: a transaction-scoped advisory lock per kind of row, waited for at most
    LOCK_WAIT_SECONDS. Waiting longer raises `ConflictError` with a "busy, try again" message."""
    conn = session.connection()
    dialect = conn.dialect.name
    try:
        if dialect == "sqlite":
            raw = conn.connection.driver_connection
            if raw is not None and not raw.in_transaction:  # already writing: the lock is held
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif dialect == "postgresql":
            key = LOCK_KEYS[what]
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            pause = 0.01
            while not conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key}).scalar():
                if time.monotonic() > deadline:
                    raise ConflictError(BUSY)
                time.sleep(pause)
                pause = min(pause * 2, 0.2)
    except OperationalError as exc:  # SQLite: still locked after busy_timeout
        raise ConflictError(BUSY) from exc


class WrittenKeys:
    """The natural keys a first load has written so far, by hash, with their ids: while the unique
    (metric, region, year) key is dropped for the load (`bulk`), `existing_for` finds a stored row here
    and reads it by primary key. A hash says only "maybe": the row read back is compared by its key, so
    a collision costs a read, never a wrong answer. Sorted numpy levels merged (in linear time) as they
    double: 12 bytes a value (~250 MB at scale 1), a look-up is a binary search a level (~log2 of the
    chunks written)."""

    INFO = "planwatch.written_keys"  # its place in `Session.info` for the load's transaction

    def __init__(self) -> None:
        self.levels: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted hashes, their ids)
        # Keys found unwritten since the last `add`: a chunk's keys are looked up twice (its checks, then
        # its write), and the second look-up of a subset is then a set test, not a search of every level.
        self.absent: set[tuple[int, str, int]] | None = None

    @staticmethod
    def _hashes(keys: Sequence[tuple[int, str, int]]) -> np.ndarray:
        return np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))

    def add(self, keys: Sequence[tuple[int, str, int]], ids: Sequence[int]) -> None:
        self.absent = None
        h = self._hashes(keys)
        order = np.argsort(h, kind="stable")
        self.levels.append((h[order], np.asarray(ids, dtype=np.int32)[order]))  # ids are int4 columns
        while len(self.levels) > 1 and len(self.levels[-1][0]) >= len(self.levels[-2][0]):
            (h2, i2), (h1, i1) = self.levels.pop(), self.levels.pop()
            # Two sorted levels merged in linear time: where each of the second's goes among the first's.
            at = np.searchsorted(h1, h2, "right") + np.arange(len(h2))
            second = np.zeros(len(h1) + len(h2), dtype=bool)
            second[at] = True
            h, i = np.empty(len(second), dtype=np.int64), np.empty(len(second), dtype=np.int32)
            h[at], i[at] = h2, i2
            h[~second], i[~second] = h1, i1
            self.levels.append((h, i))

    def ids_for(self, keys: Sequence[tuple[int, str, int]]) -> list[int]:
        """Ids of the written rows whose key hash matches one of `keys` (a superset of the stored ones)."""
        if not self.levels or not keys:
            return []
        h = np.sort(self._hashes(keys))  # sorted, the searches walk each level in order (~5x faster)
        found: list[int] = []
        for hashes, ids in self.levels:
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
    keys = set(keys)
    out: dict[tuple[int, str, int], dict[str, Any]] = {}
    cols = [_T.c.id, _T.c.metric_id, _T.c.region_code, _T.c.year, _T.c.version, *(_T.c[f] for f in PAYLOAD)]
    written: WrittenKeys | None = session.info.get(WrittenKeys.INFO)
    if written is not None:
        if written.absent is not None and keys <= written.absent:
            return out
        maybe = sorted(set(written.ids_for(list(keys))))
        for i in range(0, len(maybe), 1000):
            for row in session.execute(select(*cols).where(_T.c.id.in_(maybe[i:i + 1000]))).mappings():
                if (k := (row["metric_id"], row["region_code"], row["year"])) in keys:
                    out[k] = dict(row)
        if not out:
            written.absent = keys
        return out
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
    for status in {r.status for r in rows}:
        if status not in OBSERVATION_STATUSES:
            raise RegisterError(f"未知状态 / unknown status: {status}")
    resolve_metrics(session, rows)
    keys = [(r.metric_id, r.region_code, r.year) for r in rows]  # each row's `key`, in row order
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
    inserts: list[ObservationInput] = [] if stored else list(rows)  # nothing stored: every row is new
    updates: list[tuple[ObservationInput, dict[str, Any]]] = []
    for r, key in zip(rows if stored else (), keys, strict=False):
        old = stored.get(key)
        if old is None:
            inserts.append(r)
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
    rounds.check_indicator_writes(session, ((r.indicator_id, r.year) for r in (*inserts, *(u for u, _ in updates))),
                                  by)

    now = utcnow()
    if inserts:
        try:
            _insert_with_history(session, inserts, now, by, reason, audit)
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


CREATED_FIELDS = ("value", "judgement", "status", "source_note")  # a created value's history "new", in order


def _created_json(r: ObservationInput) -> str:
    """The history's "new" for a created value (`CREATED_FIELDS`), written by hand: json.dumps per row
    costs ~10 s a million."""
    value = "null" if r.value is None else repr(float(r.value))
    judgement = "null" if r.judgement is None else _str(r.judgement)
    note = "null" if r.source_note is None else _str(r.source_note)
    return f'{{"value": {value}, "judgement": {judgement}, "status": {_str(r.status)}, "source_note": {note}}}'


def _insert_with_history(session: Session, rows: list[ObservationInput], now: Any, by: str | None,
                         reason: str | None, audit: bool = True) -> None:
    """The bulk path: plain tuples through the driver's executemany, then one history row each.
    PostgreSQL without per-value audit rows (a bulk load): `_copy_created`."""
    stamp = history.stored_time(session, now)
    ids = reserve_ids(session, len(rows))  # known up front: no read-back of what was just written
    if (written := session.info.get(WrittenKeys.INFO)) is not None:
        written.add([(r.metric_id, r.region_code, r.year) for r in rows], ids)  # type: ignore[misc]
    conn = session.connection()
    if not audit and conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _copy_created(session, rows, ids, stamp, by, reason)
        return
    history.insert_tuples(session, _T, ("id", *_INSERT_COLS), [
        (oid, r.metric_id, r.indicator_id, r.region_code, r.year, r.value, r.judgement, r.status,
         r.source_note, r.evidence_file, r.evidence_name, r.reporter_id, r.reporter_name, stamp, r.series_break, r.simulated, 1)
        for oid, r in zip(ids, rows, strict=True)
    ])
    created = [_created_json(r) for r in rows]
    history.insert_tuples(session, History.__table__, _HISTORY_COLS, [
        ("observation", oid, "create", by, stamp, None, new, reason)
        for oid, new in zip(ids, created, strict=True)
    ])
    if audit:
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


def _copy_created(session: Session, rows: list[ObservationInput], ids: Sequence[int], stamp: Any,
                  by: str | None, reason: str | None) -> None:
    """PostgreSQL, a bulk load: the new values as COPY text, then their history rows in one statement.

    Measured (100,000 rows, this machine): `write_row` of the 17-column tuple ~2.3 µs a row; a line
    formatted here ~0.8 µs, because the cells a load repeats (status, reporter, time, flags; a source
    note, a region) are escaped once per distinct value, not dumped row by row. The history rows
    ("create", the value's reported fields, as `_created_json`) are built by the server from the rows
    just written (`json_build_object` over the reserved id range) instead of a second COPY from here."""
    conn = session.connection()
    esc: dict[Any, str] = {}
    tails: dict[tuple[Any, ...], str] = {}
    stamp_text = _copy_text(stamp.isoformat() if hasattr(stamp, "isoformat") else stamp)

    def e(v: str | int | None) -> str:  # never a bool here: True would share 1's entry
        t = esc.get(v)
        if t is None:
            t = esc[v] = _copy_text(v)
        return t

    null = _copy_text(None)
    cols = ("id", "metric_id", "indicator_id", "region_code", "year", "value", "judgement", "source_note",
            "evidence_file", "status", "evidence_name", "reporter_id", "reporter_name", "reported_at",
            "series_break", "simulated", "version")
    sent_ahead.settle(conn)  # the previous chunk's history rows: COPY is refused while a statement is out
    with conn.connection.dbapi_connection.cursor() as cur, cur.copy(  # type: ignore[union-attr]
            f"COPY {_T.name} ({', '.join(cols)}) FROM STDIN") as copy:
        lines: list[str] = []
        for oid, r in zip(ids, rows, strict=True):
            tail = tails.get(k := (r.status, r.evidence_name, r.reporter_id, r.reporter_name, r.series_break,
                                   r.simulated))
            if tail is None:
                tail = tails[k] = "\t".join([*map(_copy_text, k[:4]), stamp_text, *map(_copy_text, k[4:]), "1\n"])
            v = r.value
            lines.append(f"{oid}\t{r.metric_id}\t{e(r.indicator_id)}\t{e(r.region_code)}\t{r.year}\t"
                         f"{null if v is None else repr(float(v))}\t{e(r.judgement)}\t{e(r.source_note)}\t"
                         f"{e(r.evidence_file)}\t{tail}")
            if len(lines) == COPY_SLICE:  # sent while the next slice is formatted: the server stores as we go
                copy.write("".join(lines))
                lines.clear()
        copy.write("".join(lines))
    # Sent ahead: the server builds these rows while the next chunk is checked (`sent_ahead`).
    sent_ahead.send(conn, (
        "INSERT INTO history (entity, entity_id, action, changed_by, changed_at, old, new, reason) "
        "SELECT 'observation', id, 'create', %(by)s, %(at)s, NULL, json_build_object("
        + ", ".join(f"'{f}', {f}" for f in CREATED_FIELDS) + f"), %(reason)s FROM {_T.name} "
        "WHERE id BETWEEN %(first)s AND %(last)s"), {"by": by, "at": stamp, "reason": reason, "first": ids[0],
                                                     "last": ids[-1]})
    versions.note_log_ids(session, "observation", ids)


def reserve_ids(session: Session, n: int) -> Sequence[int]:
    """`n` new observation ids for the caller's transaction, so a bulk insert needs no read-back.

    PostgreSQL: one contiguous range taken from the column's sequence in one step (`setval` past
    `nextval`), under a SHARE ROW EXCLUSIVE lock on the table: no other transaction can insert (and so
    draw from the sequence) until this one ends; readers are not blocked. Drawing `n` values one by one
    cost ~3 µs a value (0.15 s a 50,000-row chunk). SQLite: the write lock (`lock_writes`, BEGIN
    IMMEDIATE) is held, so max(id) cannot move."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE observations IN SHARE ROW EXCLUSIVE MODE")
        first = int(conn.execute(text(
            "SELECT setval(s, nextval(s) + :n - 1) - :n + 1 FROM pg_get_serial_sequence('observations', 'id') AS s"),
            {"n": n}).scalar_one())
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

