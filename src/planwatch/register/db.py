"""Where the register lives and how to open it.

`PLANWATCH_DATABASE_URL` selects the database (e.g. ``postgresql://user@host/db``);
without it the register is the SQLite file ``var/planwatch.sqlite3`` under
`PLANWATCH_HOME` or the current directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, any_, create_engine, event, literal, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def default_sqlite_path() -> Path:
    home = Path(os.environ.get("PLANWATCH_HOME") or Path.cwd())
    return home / "var" / "planwatch.sqlite3"


def files_root(explicit: str | Path | None = None) -> Path:
    """Where uploaded files live (evidence, plans under review): `explicit`, PLANWATCH_FILES, or
    var/files beside the default database. The web and backups both use this one rule."""
    return Path(explicit or os.environ.get("PLANWATCH_FILES") or default_sqlite_path().parent / "files")


def database_url(url: str | None = None) -> str:
    """The URL to use, with the psycopg 3 driver made explicit for PostgreSQL."""
    url = url or os.environ.get("PLANWATCH_DATABASE_URL") or f"sqlite:///{default_sqlite_path()}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (web) do not block the importer
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache: bulk imports keep their index pages in memory
    cur.execute("PRAGMA temp_store=MEMORY")
    # A checkpoint copies the WAL into the file and syncs both. At the default 1,000 pages (4 MB) a
    # whole-register evaluation (~220 KB of stored results a plan) checkpointed every batch, rewriting
    # the same index and summary pages each time: ~1 ms of CPU a plan. 10,000 pages (~40 MB of WAL).
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    cur.close()


def make_engine(url: str | None = None, **kwargs: object) -> Engine:
    from planwatch.register.history import dumps  # the register's one JSON text (history imports the schema)

    url = database_url(url)
    parsed = make_url(url)
    kwargs.setdefault("json_serializer", dumps)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **{**pool_settings(), **kwargs})  # type: ignore[arg-type]


def pool_settings() -> dict[str, object]:
    """The server database's connection pool, per process (see docs/deployment.md).

    PLANWATCH_DB_POOL_SIZE (default 5) connections kept open, PLANWATCH_DB_MAX_OVERFLOW (default 10) more
    under a burst; PLANWATCH_DB_PGBOUNCER=1 when the URL points at pgbouncer in transaction pooling, which
    cannot keep the server-side prepared statements psycopg makes for repeated queries."""
    out: dict[str, object] = {}
    for env, key in (("PLANWATCH_DB_POOL_SIZE", "pool_size"), ("PLANWATCH_DB_MAX_OVERFLOW", "max_overflow")):
        raw = os.environ.get(env, "").strip()
        if raw:
            if not raw.isdigit():
                raise ValueError(f"{env} 应为非负整数 / must be a whole number ≥ 0: {raw!r}")
            out[key] = int(raw)
    if os.environ.get("PLANWATCH_DB_PGBOUNCER", "").strip().lower() in ("1", "true", "yes", "on"):
        out["connect_args"] = {"prepare_threshold": None}
    return out


def session_factory(engine: Engine) -> sessionmaker[Session]:
    import planwatch.register.versions  # noqa: F401  (its session events bump plan data versions)

    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed on success, rolled back whole on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session


def custom_plans(session: Session) -> None:
    """On PostgreSQL, plan every statement of the rest of the session's transaction for its own
    parameters (`SET LOCAL plan_cache_mode = force_custom_plan`), for a transaction that reads tables
    it and its like are filling fast. psycopg prepares a statement run five times on a connection, and
    PostgreSQL may then keep one generic plan for it, made without the parameters' values and while the
    table was small: for `among`'s `= ANY(array)` that was a sequential scan testing each row against
    the whole array, whose time grew with the table (a 500-code lookup of `status_counts`, 39,000 rows:
    507 ms with the generic plan against 3.6 ms planned each time, where the array is hashed)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def among(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """`column IN values` for a long list of keys. On PostgreSQL `column = ANY(array)`: one parameter,
    where an IN list has one a value, and psycopg re-parses a statement of more than 50 parameters on
    every run (~2 µs a parameter); SQLAlchemy's expanding IN adds its own rewrite. The plans it gets
    are the IN list's: PostgreSQL turns an IN list into `= ANY(ARRAY[...])` itself."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(values)
