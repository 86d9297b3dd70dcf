"""Observations in bulk: many chunks written in one transaction through the one write path.

A national register holds ~20 million values. `write_observation_chunks` takes them chunk by
chunk (memory bounded by the chunk) and hands every chunk to `observations.write_observations`,
so the status, duplicate and version rules are exactly those of a single
form's import; nothing here decides whether a value is accepted. The storage is the bulk form of
each database: COPY on PostgreSQL, executemany on SQLite (`history.insert_tuples`), with ids
reserved up front (`observations.reserve_ids`) so nothing is read back. A chunk's created values are
logged as one history row (`history.LOADED`), their updates one row a value.

Everything happens in the caller's transaction: an error in chunk N rolls back chunks 1..N-1 too.

The audit log gets ONE entry for the whole load (`auditlog.record_load`: the file, the counts, the status,
the user), written with the values, so it commits or rolls back with them; every value keeps its history
(measured at scale 0.01 on PostgreSQL: the per-value audit rows were ~20 % of the load's time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from planwatch.register import auditlog
from planwatch.register.observations import (
    COPY_FROZEN,
    ObservationInput,
    WriteResult,
    WrittenKeys,
    lock_writes,
    write_observations,
)

CHUNK_ROWS = 50_000


def write_observation_chunks(
    session: Session,
    chunks: Iterable[Sequence[ObservationInput]],
    *,
    by: str | None = None,
    reason: str | None = None,
    overwrite: bool = False,
    on_chunk: Callable[[int], None] | None = None,
    source: str | None = None,
    status: str | None = None,
    exclusive: bool = False,
) -> WriteResult:
    """Write every chunk in the caller's transaction; `on_chunk(rows)` after each (a progress bar).
    `source` (the file's name) and `status` go into the load's one audit entry.

    `exclusive` (PostgreSQL; a first load or a maintenance window): the values table is locked against
    readers too for the whole load, and its foreign keys are checked once, over the whole table, at the
    end (`_deferred_foreign_keys`) instead of row by row. Measured at scale 0.01: the per-row checks were
    ~19 µs of the server's ~27 µs a value. Nothing is checked less: a value whose indicator, metric or
    region does not exist still fails the load, and the transaction rolls back whole."""
    total = WriteResult()
    lock_writes(session)  # once, for the whole load: other writers wait rather than interleave
    deferred = _defer_foreign_keys(session) if exclusive else []
    indexes = _defer_indexes(session) if exclusive else []
    if indexes:  # a first load: the unique key is dropped, the load's own keys answer `existing_for`
        session.info[WrittenKeys.INFO] = WrittenKeys()
        _write_frozen(session)
    analysed = _row_estimate(session)
    try:
        for rows in chunks:
            if not rows:
                continue
            r = write_observations(session, rows, by=by, reason=reason, overwrite=overwrite, audit=False)
            total.inserted += r.inserted
            total.updated += r.updated
            total.unchanged += r.unchanged
            if analysed is not None and total.inserted > 2 * max(analysed, CHUNK_ROWS // 2):
                analysed = _analyse(session)
            if on_chunk is not None:
                on_chunk(len(rows))
    finally:
        session.info.pop(WrittenKeys.INFO, None)
        session.info.pop(COPY_FROZEN, None)
    _restore_foreign_keys(session, deferred)
    _restore_indexes(session, indexes)
    if total.inserted or total.updated:  # re-sending only unchanged values writes nothing, so logs nothing
        auditlog.record_load(session, by, "observation", {
            "file": source, "rows": total.inserted + total.updated + total.unchanged, "inserted": total.inserted,
            "updated": total.updated, "unchanged": total.unchanged, "status": status}, note=reason)
    return total


_TABLE = "observations"


def _row_estimate(session: Session) -> int | None:
    """PostgreSQL: the planner's row count of the values table (None elsewhere, nothing to keep)."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return None
    n = conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": _TABLE}).scalar()
    return max(int(n or 0), 0)


def _analyse(session: Session) -> int:
    """PostgreSQL: refresh the values table's statistics inside the load (ANALYZE counts this
    transaction's own rows). Without it a first load into an empty table keeps the empty table's
    estimates, the planner reads each chunk's stored values (`existing_for`) by scanning the whole
    table instead of the unique index, and the load grows quadratic: at scale 1 (20 M values) it
    stalled on those scans. Called each time the rows written double: ~10 times for 20 M."""
    session.connection().exec_driver_sql(f"ANALYZE {_TABLE}")
    return _row_estimate(session) or 0


def _defer_foreign_keys(session: Session) -> list[tuple[str, str]]:
    """PostgreSQL: take the values table for this transaction alone (ACCESS EXCLUSIVE) and drop its
    foreign keys until `_restore_foreign_keys` adds them back (validated). Transactional DDL: a failed
    load rolls the drop back with everything else. Other databases: nothing."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return []
    conn.exec_driver_sql(f"LOCK TABLE {_TABLE} IN ACCESS EXCLUSIVE MODE")
    keys = [(str(n), str(d)) for n, d in conn.execute(text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
        "AND contype = 'f' ORDER BY conname"), {"t": _TABLE})]
    for name, _ in keys:
        conn.exec_driver_sql(f'ALTER TABLE {_TABLE} DROP CONSTRAINT "{name}"')
    return keys


def _restore_foreign_keys(session: Session, keys: list[tuple[str, str]]) -> None:
    """Add the dropped foreign keys back: each checks every row in one pass (a join, not a query a row);
    a violation raises and the caller's transaction rolls back."""
    conn = session.connection()
    for name, definition in keys:
        conn.exec_driver_sql(f'ALTER TABLE {_TABLE} ADD CONSTRAINT "{name}" {definition}')


def _defer_indexes(session: Session) -> list[str]:
    """PostgreSQL, a first load (the values table empty at the start of an exclusive load): drop the
    secondary indexes of the values table and its unique (metric, region, year) key for the load, and
    return the statements that build them again
    (`_restore_indexes`, in the same transaction). Building an index over the loaded rows is one sort;
    keeping it through the load is an index insert a row (the unique key, in random order, was ~1/3 of
    the values' COPY). Adding a key back checks every row: a duplicate fails the load. Meanwhile the
    load's duplicate and version rules read its own rows by primary key (`observations.WrittenKeys`).
    History keeps its indexes: the load logs one row a chunk there. Other databases, or values already
    stored (rebuilding would cost the whole table): nothing."""
    conn = session.connection()
    if conn.dialect.name != "postgresql" or conn.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {_TABLE})").scalar():
        return []
    rebuild: list[str] = []
    conn.exec_driver_sql(f"LOCK TABLE {_TABLE} IN ACCESS EXCLUSIVE MODE")
    found = conn.execute(text(
        "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
        "WHERE x.indrelid = CAST(:t AS regclass) AND NOT x.indisprimary AND NOT x.indisunique "
        "ORDER BY c.relname"), {"t": _TABLE}).all()
    for name, definition in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
        rebuild.append(str(definition))
    # The primary key stays: `WrittenKeys` reads the load's own rows by it.
    for name, definition in conn.execute(text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
            "AND contype = 'u' ORDER BY conname"), {"t": _TABLE}).all():
        conn.exec_driver_sql(f'ALTER TABLE {_TABLE} DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE {_TABLE} ADD CONSTRAINT "{name}" {definition}')
    return rebuild


def _write_frozen(session: Session) -> None:
    """PostgreSQL, a first load (`_defer_indexes` found the values table empty and holds it): truncate the
    empty table in the load's transaction so that its COPYs may write the rows frozen (`COPY ... FREEZE`,
    which PostgreSQL allows only into a table created or truncated in the same transaction). Rows loaded
    plain are rewritten after the load: the first read of each page sets its hint bits (a write of the
    whole table), and the autovacuum that 20 M inserts set off reads and writes every page again (at
    scale 1 on PostgreSQL the values' VACUUM ran 16-29 s beside the first `evaluate --all`; frozen, it
    has nothing to do; the evaluation's time did not change measurably either way). Frozen rows are
    visible at once to every other transaction, even one whose snapshot is older than the load
    (PostgreSQL's documented exception to MVCC for FREEZE); the table was empty and no other transaction
    could write it, so no reader sees anything but an empty table or the whole load."""
    session.connection().exec_driver_sql(f"TRUNCATE {_TABLE}")
    session.info[COPY_FROZEN] = True


RESTORE_SORT_MEMORY = "1GB"  # what each index build may sort in memory (PostgreSQL's default: 64MB)


def _restore_indexes(session: Session, statements: list[str]) -> None:
    """Build the deferred indexes and keys. Each is a sort of every loaded row; with the default 64MB
    the sort spills to disk from ~2 M values on (scale 0.1), so this transaction may use more memory
    for it (`SET LOCAL`: only until the load commits; one build at a time)."""
    conn = session.connection()
    if statements:
        conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{RESTORE_SORT_MEMORY}'")
    for statement in statements:
        conn.exec_driver_sql(statement)


def chunked(rows: Iterable[ObservationInput], size: int = CHUNK_ROWS) -> Iterable[list[ObservationInput]]:
    """Group a stream of rows into lists of at most `size`."""
    chunk: list[ObservationInput] = []
    for r in rows:
        chunk.append(r)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
