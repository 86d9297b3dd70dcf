"""The web's door to the register: one `Services` object per app.

It owns the engine and caches read models, so a burst of readers on one plan costs one
evaluation, and any write — from this process, another worker or the CLI — is seen on the
next request (within `STAMP_TTL`).

What a cached entry depends on is tracked, so a write makes stale only what read it:

- Every entry depends on the register's *structure* (plans, indicators, targets, assignments,
  users): a change there makes every entry stale.
- An entry depends on the *values* (observations, progress reports) of a set of plans, or of
  every plan. Read models declare it with `reads` (undeclared ones read every plan's values);
  an entry built from other cached entries (a page from its plan's read model) depends on what
  those depend on, collected as they are read during its build.

Every write bumps the data version of the plans it touched, or the register's structure sequence,
in its own transaction (`register.versions`); a refresh reads one row and, when it moved, the
plans whose version moved. Each refresh that learns something is one step of a local sequence
number, and an entry is fresh while nothing it depends on changed after the step its build started at.

Concurrent misses on one key build once: the others wait for that build (bounded by
`WAIT_LIMIT`), then use its result if it is still fresh.

Signed-in accounts (`logins.session_account`, asked on every staff request) are kept per session
token while the register's change sequence stays where it was before the row was read: sign-out,
a password or role change and disabling an account all move it (`register.versions`), so each
worker reads the account again within `STAMP_TTL`, and a warm page costs no database round trip.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from planwatch.register import changes, logins, versions
from planwatch.register.db import make_engine, session_factory

T = TypeVar("T")
MISS = object()

# A scope: the plans whose values an entry reads; None for every plan.
Scope = frozenset[int] | None
STRUCTURE: Scope = frozenset()  # reads no plan's values (targets, assignments, documents)
EVERY_PLAN: Scope = None

# How long the register's state is trusted before the database is asked again. Short
# enough that another process's write shows within a blink, long enough that
# a load burst does not query it on every request.
STAMP_TTL = 0.5
# How long a request waits for another request's build of the same entry before building it itself.
WAIT_LIMIT = 15.0
MAX_ENTRIES = 2000
MAX_ACCOUNTS = 10_000  # signed-in sessions kept per worker (then all are dropped and read again)
# A kept account is read again at least this often even when the change sequence did not move: a
# change made in the database behind the register's back (plain SQL) is seen within it.
ACCOUNT_RECHECK = 30.0


def reads(scope: Scope | Callable[..., Scope]) -> Callable[[T], T]:
    """Declare which plans' values a read model `fn(session, *args)` reads: a scope, or a function
    `(services, *args) -> scope`. A read model without a declaration reads every plan's values."""
    def mark(fn: T) -> T:
        fn.cache_scope = scope  # type: ignore[attr-defined]
        return fn
    return mark


@dataclass(frozen=True)
class _Account:
    seq: int  # the register's change sequence, read before the row
    read_at: float  # time.monotonic() when the row was read
    row: Any  # a `logins.session_account` row


@dataclass(frozen=True)
class Entry:
    step: int  # the sequence step the build started at
    plans: Scope  # the plans whose values it read
    value: Any


class _Frame:
    """The dependencies collected while one entry is built."""

    def __init__(self) -> None:
        self.plans: set[int] | None = set()

    def add(self, plans: Scope) -> None:
        if plans is None:
            self.plans = None
        elif self.plans is not None:
            self.plans |= plans

    def scope(self) -> Scope:
        return None if self.plans is None else frozenset(self.plans)


class Services:
    def __init__(self, database_url: str | None = None) -> None:
        self.engine = make_engine(database_url)
        self._in_process = self.engine.dialect.name == "sqlite"  # no network round trip to ask it
        self._sessions = session_factory(self.engine)
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._local = threading.local()
        self._cache: dict[tuple[Any, ...], Entry] = {}
        self._inflight: dict[tuple[Any, ...], Future[Entry]] = {}
        # what is known of the register: the sequence step at which each thing last changed
        self._step = 0
        self._structure_step = 0
        self._values_step = 0  # any plan's values
        self._plan_step: dict[int, int] = {}
        self._state: versions.State | None = None
        self._checked_at = 0.0
        self._dirty = False
        self._accounts: dict[str, _Account] = {}
        self.builds = 0  # entries built (for tests and benches: how many misses did the work)
        self.account_reads = 0  # sessions read from the register (for tests and benches)

    # -- sessions -------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A plain connection for a one-statement read on every request (no ORM session to set up)."""
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction; what it changed is looked up on the next read."""
        with self._sessions() as session, session.begin():
            yield session
        with self._lock:
            self._dirty = True

    # -- signed-in accounts ---------------------------------------------
    def _kept_account(self, token: str) -> Any:
        """The kept row for `token` if it is still good, else MISS. Caller holds the lock, after a refresh."""
        kept = self._accounts.get(token)
        if kept is None or self._state is None or kept.seq != self._state.seq \
                or time.monotonic() - kept.read_at >= ACCOUNT_RECHECK or logins.session_expired(kept.row):
            return MISS
        return kept.row

    def known_account(self, token: str) -> Any:
        """`account(token)` if it is kept and still good, else MISS (never reads a session, never waits for
        another thread's refresh): what an async route asks before it hops to the thread pool."""
        if not self.refresh(block=False):
            return MISS
        with self._lock:
            return self._kept_account(token)

    def account(self, token: str) -> Any | None:
        """The signed-in account of a session token (`logins.session_account`; None: no such session now),
        kept until the register's change sequence moves, the session expires or `ACCOUNT_RECHECK` passes."""
        self.refresh()
        with self._lock:
            row = self._kept_account(token)
            if row is not MISS:
                return row
            assert self._state is not None
            seq = self._state.seq  # read before the row: a session ended after this moves the sequence
        with self.connect() as conn:
            row = logins.session_account(conn, token)
        with self._lock:
            self.account_reads += 1
            if row is None:
                self._accounts.pop(token, None)
            else:
                if len(self._accounts) >= MAX_ACCOUNTS:
                    self._accounts.clear()
                self._accounts[token] = _Account(seq, time.monotonic(), row)
        return row

    def forget_account(self, token: str) -> None:
        """This worker ended the session: drop it now, and look at the register on the next request."""
        with self._lock:
            self._accounts.pop(token, None)
            self._dirty = True

    # -- what changed ---------------------------------------------------
    def refresh(self, block: bool = True) -> bool:
        """Learn what changed in the register since last asked (at most every `STAMP_TTL`, at once
        after a write through `write`). False when `block` is false (the event loop asks) and another
        thread is at it, or the register is on a database server: the round trips are the thread pool's,
        so a slow answer never stalls every request of the worker (a SQLite file answers in place)."""
        with self._lock:
            if not self._dirty and self._state is not None and time.monotonic() - self._checked_at < STAMP_TTL:
                return True
        if not block and not self._in_process:
            return False
        if not self._refresh_lock.acquire(blocking=block):
            return False
        try:
            with self._lock:
                if not self._dirty and self._state is not None and time.monotonic() - self._checked_at < STAMP_TTL:
                    return True
                dirty, self._dirty = self._dirty, False
            try:
                self._learn(dirty)
            except BaseException:
                with self._lock:
                    self._dirty = self._dirty or dirty  # not learnt: look again next time
                raise
        finally:
            self._refresh_lock.release()
        return True

    def _learn(self, _dirty: bool) -> None:
        """One row (the register's change sequence) and, when it moved, the plans whose data version
        moved (`register.versions`): bounded by what changed, never by the register's size."""
        now = time.monotonic()
        old = self._state
        plans: set[int] = set()
        structure = False
        with self.read() as s:
            state = versions.current(s)
            if old is None or state.seq < old.seq:
                structure = True  # first look, or the sequence went back (a restore)
            elif state.seq > old.seq:
                if state.structure_seq > old.seq:
                    structure = True
                else:
                    moved = versions.changed_plans(s, old.seq, state.seq)
                    if moved is None:
                        structure = True
                    else:
                        plans = moved
        with self._lock:
            if structure or plans:
                self._step += 1
                if structure:
                    self._structure_step = self._step
                if plans:
                    self._values_step = self._step
                    for p in plans:
                        self._plan_step[p] = self._step
            self._state, self._checked_at = state, now

    def _fresh(self, e: Entry) -> bool:
        if self._structure_step > e.step:
            return False
        if e.plans is None:
            return self._values_step <= e.step
        return all(self._plan_step.get(p, 0) <= e.step for p in e.plans)

    # -- caching --------------------------------------------------------
    def _frames(self) -> list[_Frame]:
        frames = getattr(self._local, "frames", None)
        if frames is None:
            frames = self._local.frames = []
        return frames

    def _note(self, plans: Scope) -> None:
        """An entry being built read a cached entry: it depends on what that one depends on."""
        frames = self._frames()
        if frames:
            frames[-1].add(plans)

    def _build(self, build: Callable[[], T], scope: Scope | Callable[[], Scope]) -> Entry:
        with self._lock:
            step = self._step
            self.builds += 1
        frame = _Frame()
        frames = self._frames()
        frames.append(frame)
        try:
            frame.add(scope() if callable(scope) else scope)
            value = build()
        finally:
            frames.pop()
        return Entry(step, frame.scope(), value)

    def cached(self, key: tuple[Any, ...], build: Callable[[], T],
               scope: Scope | Callable[[], Scope] = STRUCTURE) -> T:
        """The entry for `key`, built by `build()` if missing or stale. `scope`: the plans whose values
        `build` reads besides those of the cached entries it reads (a scope, or a function giving it)."""
        for _ in range(3):
            self.refresh()
            with self._lock:
                hit = self._cache.get(key)
                if hit is not None and self._fresh(hit):
                    self._note(hit.plans)
                    return hit.value
                fut = self._inflight.get(key)
                mine = fut is None
                if fut is None:
                    fut = self._inflight[key] = Future()
            if not mine:
                try:
                    entry = fut.result(timeout=WAIT_LIMIT)
                except FutureTimeout:
                    break
                with self._lock:
                    fresh = self._fresh(entry)
                if fresh:
                    self._note(entry.plans)
                    return entry.value
                continue  # written to while it was built: look again
            try:
                entry = self._build(build, scope)
            except BaseException as exc:
                with self._lock:
                    self._inflight.pop(key, None)
                with suppress(Exception):
                    fut.set_exception(exc)
                raise
            with self._lock:
                if len(self._cache) >= MAX_ENTRIES:  # bounded: drop everything rather than track LRU
                    self._cache.clear()
                self._cache[key] = entry
                self._inflight.pop(key, None)
            with suppress(Exception):
                fut.set_result(entry)
            self._note(entry.plans)
            return entry.value
        # Waited too long, or the data kept changing under the builds: build this one alone.
        entry = self._build(build, scope)
        self._note(entry.plans)
        return entry.value

    def peek(self, key: tuple[Any, ...]) -> Any:
        """The cached value for `key` if it is still fresh, else MISS (never builds, never waits
        for another thread's refresh, never asks a database server: see `refresh`)."""
        if not self.refresh(block=False):
            return MISS
        with self._lock:
            hit = self._cache.get(key)
            return hit.value if hit is not None and self._fresh(hit) else MISS

    async def _await_inflight(self, key: tuple[Any, ...]) -> bool:
        """Wait (without holding a thread) for another request's build of `key`; False if none."""
        with self._lock:
            fut = self._inflight.get(key)
        if fut is None:
            return False
        with suppress(Exception):  # a failed or slow build: the caller builds or raises itself
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), WAIT_LIMIT)
        return True

    async def acached(self, key: tuple[Any, ...], build: Callable[[], T],
                      scope: Scope | Callable[[], Scope] = STRUCTURE) -> T:
        """`cached` for async routes: a hit costs a dict lookup on the event loop;
        a miss (database and evaluation) runs in the thread pool."""
        hit = self.peek(key)
        if hit is not MISS:
            return hit
        if await self._await_inflight(key):
            hit = self.peek(key)
            if hit is not MISS:
                return hit
        return await run_in_threadpool(self.cached, key, build, scope)

    def _view_scope(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Scope:
        scope = getattr(fn, "cache_scope", EVERY_PLAN)
        return scope(self, *args) if callable(scope) else scope

    async def aview(self, fn: Callable[..., T], *args: Any) -> T:
        key = (fn.__name__, *args)
        hit = self.peek(key)
        if hit is not MISS:
            return hit
        if await self._await_inflight(key):
            hit = self.peek(key)
            if hit is not MISS:
                return hit
        return await run_in_threadpool(self.view, fn, *args)

    def view(self, fn: Callable[..., T], *args: Any) -> T:
        """A read model `fn(session, *args)`, cached until what it reads changes."""
        def build() -> T:
            with self.read() as session:
                return fn(session, *args)
        return self.cached((fn.__name__, *args), build, lambda: self._view_scope(fn, args))


# The register's own look-ups the read models' scopes use: structure only.
reads(STRUCTURE)(changes.plans_read_by_indicator)
