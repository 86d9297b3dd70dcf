"""PostgreSQL: work sent to the server without waiting for it, so the server runs it while Python goes on.

A first load's history rows are built by the server from the values just written
(`observations._copy_created`). Waiting for that statement was a fifth of the load at scale 0.1
(7.6 of ~37 s). Sent ahead through psycopg's pipeline mode (`send`), it runs while the next chunk is
checked and formatted. A COPY cannot go through pipeline mode: `run` does a chunk's COPY and its
history statement in a thread of their own, which waits for the server (without Python's lock) while
the load's threads make the next chunk (at scale 1 the COPY's wait was ~12 % of the load's main thread).

Its outcome is read before the connection does anything else: on SQLAlchemy's `before_cursor_execute`,
`commit` and `rollback` events of that connection, and by `settle` before raw driver use (a COPY,
which pipeline mode refuses). An error it raised comes out there, as the error of the statement
that follows, and the transaction rolls back as for any failed statement. On a rollback it is
read and dropped: the rollback undoes it anyway.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from contextlib import ExitStack, suppress
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

_pending: weakref.WeakKeyDictionary[Connection, ExitStack | _Running] = weakref.WeakKeyDictionary()
_listening: weakref.WeakSet[Connection] = weakref.WeakSet()


def send(conn: Connection, statement: str, params: dict[str, Any]) -> None:
    """Send `statement` (psycopg's `%(name)s` placeholders) on `conn`, a psycopg connection, and return
    without its result. With a libpq older than 14 (no pipeline mode) it runs at once."""
    from psycopg import Pipeline  # here: the register's SQLite users never load the driver

    settle(conn)
    if not Pipeline.is_supported():
        conn.exec_driver_sql(statement, params)
        return
    _listen(conn)
    raw = conn.connection.driver_connection
    stack = ExitStack()
    stack.enter_context(raw.pipeline())  # type: ignore[union-attr]
    try:
        raw.execute(statement, params, prepare=False)  # type: ignore[union-attr]  # sent, not waited for
    except BaseException:
        stack.close()
        raise
    _pending[conn] = stack


class _Running:
    """`work(raw connection)` in a thread; `close` waits for it and raises its error."""

    def __init__(self, work: Callable[[Any], None], raw: Any) -> None:
        self.error: BaseException | None = None

        def target() -> None:
            try:
                work(raw)
            except BaseException as exc:  # handed to the connection's own thread at `settle`
                self.error = exc

        self.thread = threading.Thread(target=target, name="planwatch-sent-ahead", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error


def run(conn: Connection, work: Callable[[Any], None]) -> None:
    """Run `work(driver connection)` (a psycopg connection: a COPY, statements) in a thread and return at
    once. The connection is the thread's alone until `settle`: the caller's next statement, commit or
    rollback on `conn` waits for it first, and gets its error."""
    settle(conn)
    _listen(conn)
    _pending[conn] = _Running(work, conn.connection.driver_connection)


def _listen(conn: Connection) -> None:
    if conn not in _listening:
        event.listen(conn, "before_cursor_execute", _before_cursor_execute)
        event.listen(conn, "commit", settle)
        event.listen(conn, "rollback", _drop)
        _listening.add(conn)


def settle(conn: Connection) -> None:
    """Wait for what was sent ahead on `conn`, if anything; raise its error."""
    stack = _pending.pop(conn, None)
    if stack is not None:
        stack.close()  # leaves pipeline mode (syncs and reads the result), or joins the thread


def _drop(conn: Connection) -> None:
    with suppress(Exception):  # rolled back with everything else: the rollback's own cause is what counts
        settle(conn)


def _before_cursor_execute(conn: Connection, *_args: Any) -> None:
    settle(conn)
