"""The shared deployment: `planwatch serve --workers 2` on PostgreSQL, and the pool settings it reads."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import web_seed as seed_mod

from planwatch.register.db import make_engine, pool_settings

PLANWATCH = str(Path(sys.executable).with_name("planwatch"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.postgres
def test_several_workers_serve_one_postgresql_register(pg_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = pg_server.create_database()
    engine = make_engine(url)
    seed = seed_mod.build(engine)
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "PLANWATCH_DATABASE_URL": url, "PLANWATCH_HOME": str(tmp_path),
           "PLANWATCH_SECRET_KEY": "shared-by-the-workers-0123456789", "PLANWATCH_DB_POOL_SIZE": "2",
           "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    server = subprocess.Popen([PLANWATCH, "serve", "--port", str(port), "--workers", "2"], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/public", timeout=10).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=30) as c:  # fresh connections: both workers answer
            for _ in range(12):
                plans = c.get("/api/public/plans", headers={"Connection": "close"})
                assert plans.status_code == 200
                assert [p["id"] for p in plans.json()] == [seed.plan_id]
                page = c.get(f"/public/plans/{seed.plan_id}", headers={"Connection": "close"})
                assert page.status_code == 200 and "测试" in page.text
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            pytest.fail("serve did not stop on SIGTERM")


def test_pool_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWATCH_DB_POOL_SIZE", "3")
    monkeypatch.setenv("PLANWATCH_DB_MAX_OVERFLOW", "0")
    monkeypatch.setenv("PLANWATCH_DB_PGBOUNCER", "1")
    assert pool_settings() == {"pool_size": 3, "max_overflow": 0, "connect_args": {"prepare_threshold": None}}
    engine = make_engine("postgresql://planwatch@127.0.0.1:1/none")  # no connection is made here
    assert (engine.pool.size(), engine.pool._max_overflow) == (3, 0)  # type: ignore[attr-defined]
    monkeypatch.setenv("PLANWATCH_DB_POOL_SIZE", "lots")
    with pytest.raises(ValueError, match="PLANWATCH_DB_POOL_SIZE"):
        pool_settings()
