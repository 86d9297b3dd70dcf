"""`planwatch serve` ends on SIGTERM while a request's build is stuck (here: waiting on a table lock
another session holds on PostgreSQL), instead of waiting for the build for as long as it takes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest
import web_seed

from planwatch.register.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited before it was ready"
        try:
            if httpx.get(base + "/public", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("server did not start")


@pytest.mark.postgres
def test_sigterm_ends_the_server_while_a_build_waits(pg_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = pg_server.create_database()
    engine = make_engine(url)
    seed = web_seed.build(engine)
    engine.dispose()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PLANWATCH_DATABASE_URL": url, "PLANWATCH_HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "planwatch.cli", "serve", "--port", str(port)], env=env,
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lock = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        _wait_ready(base, server)  # the public overview: every plan evaluated and stored
        lock.execute("LOCK TABLE plan_evaluations IN ACCESS EXCLUSIVE MODE")  # held until rollback
        answers: list[object] = []

        def fetch() -> None:  # a plan page not cached yet: its build waits on the lock
            try:
                answers.append(httpx.get(f"{base}/api/public/plans/{seed.plan_id}", timeout=120).status_code)
            except httpx.HTTPError as exc:
                answers.append(exc)

        t = threading.Thread(target=fetch, daemon=True)
        t.start()
        time.sleep(1.5)
        assert not answers, "the build did not wait on the lock: nothing to test"
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)  # the lock is still held: only the shutdown can end it
        assert time.monotonic() - started < 20
    finally:
        lock.rollback()
        lock.close()
        if server.poll() is None:
            server.kill()
            server.wait()
