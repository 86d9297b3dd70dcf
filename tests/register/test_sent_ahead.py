"""A statement sent ahead (PostgreSQL pipeline mode): its effect and its error come out before the
connection's next statement, commit or rollback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from planwatch.register import sent_ahead
from planwatch.register.db import make_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_server) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    eng = make_engine(pg_server.create_database())
    with eng.begin() as c:
        c.exec_driver_sql("CREATE TABLE t (n integer PRIMARY KEY)")
    yield eng
    eng.dispose()


def _count(eng: Engine) -> int:
    with eng.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM t")).scalar_one())


def test_what_is_sent_ahead_is_seen_by_the_next_statement_and_committed(pg: Engine) -> None:
    with pg.begin() as c:
        sent_ahead.send(c, "INSERT INTO t SELECT generate_series(1, %(n)s)", {"n": 1000})
        assert c.execute(text("SELECT count(*) FROM t")).scalar_one() == 1000
        sent_ahead.send(c, "INSERT INTO t VALUES (%(n)s)", {"n": 5000})
    assert _count(pg) == 1001  # the second, never waited for by a statement, was read at commit


def test_its_error_is_raised_at_the_next_statement_and_the_transaction_rolls_back(pg: Engine) -> None:
    with pytest.raises(Exception, match="duplicate key"), pg.begin() as c:
        c.exec_driver_sql("INSERT INTO t VALUES (1)")
        sent_ahead.send(c, "INSERT INTO t VALUES (%(n)s)", {"n": 1})
        c.exec_driver_sql("INSERT INTO t VALUES (2)")
    assert _count(pg) == 0
    with pytest.raises(Exception, match="duplicate key"), pg.begin() as c:  # or at commit
        c.exec_driver_sql("INSERT INTO t VALUES (1)")
        sent_ahead.send(c, "INSERT INTO t VALUES (%(n)s)", {"n": 1})
    assert _count(pg) == 0
    with pg.begin() as c:  # the pooled connection is clean again
        c.exec_driver_sql("INSERT INTO t VALUES (3)")
    assert _count(pg) == 1


def test_a_rollback_drops_it_quietly_whatever_it_did(pg: Engine) -> None:
    for statement in ("INSERT INTO t VALUES (%(n)s)", "INSERT INTO t VALUES (%(n)s / 0)"):
        with pytest.raises(RuntimeError, match="the caller's own error"), pg.begin() as c:
            sent_ahead.send(c, statement, {"n": 7})
            raise RuntimeError("the caller's own error")
        assert _count(pg) == 0


def test_sqlalchemy_errors_of_the_next_statement_still_come_as_themselves(pg: Engine) -> None:
    with pytest.raises(SQLAlchemyError), pg.begin() as c:
        sent_ahead.send(c, "INSERT INTO t VALUES (%(n)s)", {"n": 9})
        c.exec_driver_sql("SELECT no_such_column FROM t")
    assert _count(pg) == 0


def _copy(rows: range, then: str | None = None):  # type: ignore[no-untyped-def]
    def work(raw) -> None:  # type: ignore[no-untyped-def]
        with raw.cursor() as cur, cur.copy("COPY t (n) FROM STDIN") as copy:
            copy.write("".join(f"{n}\n" for n in rows))
        if then is not None:
            raw.execute(then, prepare=False)
    return work


def test_work_run_ahead_in_a_thread_is_seen_by_the_next_statement_and_committed(pg: Engine) -> None:
    """`run`: a COPY and a statement after it, in a thread of their own; the connection's next statement
    waits for them, and a commit too."""
    with pg.begin() as c:
        sent_ahead.run(c, _copy(range(1, 1001), "INSERT INTO t VALUES (5000)"))
        assert c.execute(text("SELECT count(*) FROM t")).scalar_one() == 1001
        sent_ahead.run(c, _copy(range(6000, 6010)))
    assert _count(pg) == 1011


def test_the_threads_error_comes_out_at_the_next_statement_or_commit_and_nothing_is_kept(pg: Engine) -> None:
    with pytest.raises(Exception, match="duplicate key"), pg.begin() as c:
        c.exec_driver_sql("INSERT INTO t VALUES (1)")
        sent_ahead.run(c, _copy(range(1, 3)))
        c.exec_driver_sql("INSERT INTO t VALUES (2000)")
    assert _count(pg) == 0
    with pytest.raises(Exception, match="duplicate key"), pg.begin() as c:
        sent_ahead.run(c, _copy(range(1, 3), "INSERT INTO t VALUES (1)"))
    assert _count(pg) == 0
    for work in (_copy(range(1, 3)), _copy(range(1, 3), "INSERT INTO t VALUES (1 / 0)")):
        with pytest.raises(RuntimeError, match="the caller's own error"), pg.begin() as c:
            sent_ahead.run(c, work)
            raise RuntimeError("the caller's own error")
        assert _count(pg) == 0
    with pg.begin() as c:  # the pooled connection is clean again
        sent_ahead.run(c, _copy(range(3, 4)))
    assert _count(pg) == 1
