"""The web's door to the register: one `Services` object per app.

It owns the engine and caches read models keyed by a cheap
"data stamp" of the database, so a burst of readers on one plan costs one
evaluation, and any write — from this process, another worker or the CLI —
is seen on the next request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from planwatch.register import schema as db
from planwatch.register.db import make_engine, session_factory

T = TypeVar("T")
MISS = object()

# How long a data stamp is trusted before the database is asked again. Short
# enough that another process's write shows within a blink, long enough that
# a load burst does not query the stamp on every request.
STAMP_TTL = 0.5


class Services:
    def __init__(self, database_url: str | None = None) -> None:
        self.engine = make_engine(database_url)
        self._sessions = session_factory(self.engine)
        self._lock = threading.Lock()
        self._cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self._stamp: tuple[Any, ...] | None = None
        self._stamp_at = 0.0
        self._local_writes = 0

    # -- sessions -------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction; the caches are invalidated when it commits."""
        with self._sessions() as session, session.begin():
            yield session
        with self._lock:
            self._local_writes += 1
            self._stamp = None

    # -- caching --------------------------------------------------------
    def data_stamp(self) -> tuple[Any, ...]:
        now = time.monotonic()
        with self._lock:
            if self._stamp is not None and now - self._stamp_at < STAMP_TTL:
                return self._stamp
        with self.read() as s:
            row = s.execute(select(
                select(func.max(db.History.id)).scalar_subquery(),
                select(func.count(db.Observation.id)).scalar_subquery(),
                select(func.max(db.Observation.version)).scalar_subquery(),
                select(func.max(db.Plan.updated_at)).scalar_subquery(),
                select(func.count(db.Indicator.id)).scalar_subquery(),
                select(func.count(db.Responsibility.id)).scalar_subquery(),
                select(func.count(db.User.id)).scalar_subquery(),
            )).one()
        stamp = (*tuple(row), self._local_writes)
        with self._lock:
            self._stamp, self._stamp_at = stamp, now
        return stamp

    def cached(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        stamp = self.data_stamp()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == stamp:
                return hit[1]
        value = build()
        with self._lock:
            if len(self._cache) > 2000:  # bounded: drop everything rather than track LRU
                self._cache.clear()
            self._cache[key] = (stamp, value)
        return value

    def peek(self, key: tuple[Any, ...]) -> Any:
        """The cached value for `key` if it is still fresh, else MISS (never builds)."""
        stamp = self.data_stamp()
        with self._lock:
            hit = self._cache.get(key)
        return hit[1] if hit is not None and hit[0] == stamp else MISS

    async def acached(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        """`cached` for async routes: a hit costs a dict lookup on the event loop;
        a miss (database and evaluation) runs in the thread pool."""
        hit = self.peek(key)
        if hit is not MISS:
            return hit
        return await run_in_threadpool(self.cached, key, build)

    async def aview(self, fn: Callable[..., T], *args: Any) -> T:
        hit = self.peek((fn.__name__, *args))
        if hit is not MISS:
            return hit
        return await run_in_threadpool(self.view, fn, *args)

    def view(self, fn: Callable[..., T], *args: Any) -> T:
        """A read model `fn(session, *args)`, cached until the data changes."""
        def build() -> T:
            with self.read() as session:
                return fn(session, *args)
        return self.cached((fn.__name__, *args), build)
