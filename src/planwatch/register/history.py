"""Append-only change log: every create/update of an observation or indicator leaves a row.

One exception keeps a national load from writing its 20 million values twice: the values a bulk load
creates are logged as one row per written chunk (`LOADED`: who, when, why, and the chunk's ids, which are
contiguous), not one a value. The stored value is its created state until its first change, and every
later change keeps the changed fields' old values, so `with_creations` gives each such value the
"create" row it stands for, and the readers (`history_of`, `queries.indicator_history`) show it like any
other. Measured at scale 1 on PostgreSQL (20.5 M values, a first load; docs/scale.md): 152.5 s against
187-202 s with a row a value, and a register of 4.5 GB against 9.6 GB.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from planwatch.register import auditlog, versions
from planwatch.register.schema import History, Observation, utcnow


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    """JSON text as the register stores it (every JSON column: `db.make_engine` sets it as the JSON
    type's serialiser): orjson, ~8x faster than the standard library for the evaluation's ~100 rows
    a plan; UTF-8 text rather than \\u escapes, NaN as null (PostgreSQL refuses NaN in JSON)."""
    return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS).decode()


def record(
    session: Session,
    entity: str,
    entity_id: int,
    action: str,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    by: str | None = None,
    reason: str | None = None,
) -> None:
    versions.note_log(session, entity, entity_id)
    session.execute(
        insert(History).values(
            entity=entity,
            entity_id=entity_id,
            action=action,
            changed_by=by,
            changed_at=utcnow(),
            old=jsonable(old),
            new=jsonable(new),
            reason=reason,
        )
    )
    auditlog.record(session, by, auditlog.action_name(entity, action, old, new), entity, entity_id, old, new,
                    note=reason)


def record_many(session: Session, rows: list[dict[str, Any]], *, audit: bool = True) -> None:
    """Bulk form of `record`: rows with entity, entity_id, action, old, new, changed_by, reason.
    `audit=False`: a bulk load's part, whose one audit entry the load writes (`auditlog.record_load`)."""
    if not rows:
        return
    now = stored_time(session, utcnow())
    bulk_insert(session, History.__table__, [
        {
            "entity": r["entity"],
            "entity_id": r["entity_id"],
            "action": r["action"],
            "changed_by": r.get("changed_by"),
            "changed_at": now,
            "old": None if r.get("old") is None else dumps(r["old"]),
            "new": None if r.get("new") is None else dumps(r["new"]),
            "reason": r.get("reason"),
        }
        for r in rows
    ])
    if not audit:
        return
    auditlog.record_rows(session, [
        (r.get("changed_by"), auditlog.action_name(r["entity"], r["action"], r.get("old"), r.get("new")),
         r["entity"], r["entity_id"], None if r.get("old") is None else dumps(r["old"]),
         None if r.get("new") is None else dumps(r["new"]), r.get("reason"))
        for r in rows
    ], now)


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany straight through the driver: the register's bulk path (a million rows in seconds).

    Values must already be in storage form: JSON as text, timestamps through `stored_time`.
    """
    if not rows:
        return
    cols = tuple(rows[0])
    get = itemgetter(*cols)
    insert_tuples(session, table, cols, [get(r) for r in rows] if len(cols) > 1 else [(get(r),) for r in rows])


def insert_tuples(session: Session, table: Table, cols: tuple[str, ...], tuples: list[tuple[Any, ...]]) -> None:
    """`bulk_insert` for rows already laid out as tuples in `cols` order."""
    if not tuples:
        return
    if table.name == History.__tablename__:  # what the logged writes touch: bumped at commit
        e, i = cols.index("entity"), cols.index("entity_id")
        versions.note_log_rows(session, [(t[e], t[i]) for t in tuples])
    _write_tuples(session, table, cols, tuples)


def _write_tuples(session: Session, table: Table, cols: tuple[str, ...], tuples: list[tuple[Any, ...]]) -> None:
    conn = session.connection()
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        # COPY is PostgreSQL's bulk path: ~10x executemany.
        with conn.connection.dbapi_connection.cursor() as cur, cur.copy(  # type: ignore[union-attr]
            f"COPY {table.name} ({', '.join(cols)}) FROM STDIN"
        ) as copy:
            for t in tuples:
                copy.write_row(t)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
    for i in range(0, len(tuples), 50_000):
        conn.exec_driver_sql(sql, tuples[i:i + 50_000])


def stored_time(session: Session, when: datetime) -> Any:
    """A timestamp as `bulk_insert` must pass it: SQLite has no datetime type, so the text
    SQLAlchemy's DateTime reads back; other databases take the datetime itself."""
    if session.connection().dialect.name == "sqlite":
        return when.strftime("%Y-%m-%d %H:%M:%S.%f")
    return when


LOADED = "observation_load"  # a bulk load's chunk of created values: entity_id its first id, new {"last": id}
CREATED_FIELDS = ("value", "judgement", "status", "source_note")  # a created value's "new", in order


def load_row(ids: Sequence[int]) -> tuple[str, int, str, str]:
    """The log row of a bulk load's chunk of created values (`ids`, one contiguous range: a chunk's ids are
    drawn together, `observations.reserve_ids`): entity, entity_id, action, new (JSON text). Its writer
    notes the values themselves (`versions.note_log_ids`), not this row, which is no structure."""
    if not ids or ids[-1] - ids[0] + 1 != len(ids):
        raise ValueError("a load's chunk logs one contiguous range of ids")
    return LOADED, ids[0], "create", dumps({"last": ids[-1]})


def record_load(session: Session, ids: Sequence[int], *, by: str | None, reason: str | None, at: Any) -> None:
    """Log a bulk load's chunk of created values (`ids` contiguous) as one row (`LOADED`)."""
    if not ids:
        return
    entity, first, action, new = load_row(ids)
    versions.note_log_ids(session, "observation", ids)  # what the row logs; the row itself is no structure
    _write_tuples(session, History.__table__, ("entity", "entity_id", "action", "changed_by", "changed_at", "new",
                                               "reason"), [(entity, first, action, by, at, new, reason)])


def with_creations(session: Session, values: Sequence[Any], logged: Sequence[History]) -> list[History]:
    """`logged` (log rows read for the `values`, stored observations, with all of their rows) with the
    "create" row of each value a bulk load logged by chunk (`LOADED`), oldest first; a load's values,
    which share its row, in id order. A made row is not stored: the load's id, who, when and why, and
    the value as created, i.e. its stored fields with its later changes undone, newest first. Two reads
    of history's (entity, entity_id) index."""
    made: list[History] = []
    ids = sorted(v.id for v in values) or [0]
    start = session.scalar(select(History.entity_id).where(History.entity == LOADED, History.entity_id <= ids[0])
                           .order_by(History.entity_id.desc()).limit(1))
    loads = list(session.scalars(select(History).where(
        History.entity == LOADED, History.entity_id >= (ids[0] if start is None else start),
        History.entity_id <= ids[-1]).order_by(History.entity_id)))
    firsts = [h.entity_id for h in loads]
    later: dict[int, list[History]] = defaultdict(list)
    for h in logged:
        if h.entity == "observation":
            later[h.entity_id].append(h)
    for v in values if loads else ():
        k = bisect_right(firsts, v.id) - 1
        if k < 0 or v.id > (loads[k].new or {}).get("last", -1):
            continue
        state = {f: getattr(v, f) for f in CREATED_FIELDS}
        for h in sorted(later[v.id], key=lambda h: h.id, reverse=True):
            state.update((f, old) for f, old in (h.old or {}).items() if f in state)
        if state["value"] is not None:
            state["value"] = float(state["value"])
        load = loads[k]
        made.append(History(id=load.id, entity="observation", entity_id=v.id, action="create",
                            changed_by=load.changed_by, changed_at=load.changed_at, old=None, new=state,
                            reason=load.reason))
    return sorted([*logged, *made], key=lambda h: (h.id, h.entity_id))


def history_of(session: Session, entity: str, entity_id: int) -> list[History]:
    """Every log row of one row, oldest first (a value a bulk load created: its "create" row made from
    the load's, `with_creations`)."""
    rows = list(session.scalars(
        select(History).where(History.entity == entity, History.entity_id == entity_id).order_by(History.id)))
    if entity != "observation":
        return rows
    stored = session.get(Observation, entity_id)
    if stored is None:
        return rows
    return with_creations(session, [stored], rows)
