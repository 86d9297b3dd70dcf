"""A throwaway PostgreSQL server for tests and benchmarks (the real server, started from its binaries).

    with TempPostgres() as pg:
        url = pg.create_database()   # a fresh, empty database each call

Runs `initdb`/`pg_ctl` from /usr/lib/postgresql/*/bin (or PATH) in a temporary
directory on a free port. PostgreSQL refuses to run as root, so as root the
server runs as the `postgres` user through `runuser`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import sqlalchemy as sa

from planwatch.register.pgtools import find_pg_bin


def why_unavailable() -> str | None:
    """None when a server can be started here, else the reason (for pytest.skip)."""
    if find_pg_bin() is None:
        return "PostgreSQL server binaries not installed (apt-get install postgresql)"
    if os.geteuid() == 0 and (shutil.which("runuser") is None or _uid("postgres") is None):
        return "running as root without a 'postgres' user or runuser to start the server"
    return None


def _uid(user: str) -> int | None:
    import pwd

    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    def __init__(self) -> None:
        reason = why_unavailable()
        if reason:
            raise RuntimeError(reason)
        self.bin = find_pg_bin()
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="planwatch-pg-"))
        self.data = self.dir / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        self._n = 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir)

    def start(self) -> TempPostgres:
        if self.user:
            uid = _uid(self.user)
            assert uid is not None
            os.chown(self.dir, uid, -1)
        self._run("initdb", "-D", str(self.data), "-U", "planwatch", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60", "start",
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                        "-c full_page_writes=off -c synchronous_commit=off")
        self.admin = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        deadline = time.time() + 30
        while True:
            try:
                with self.admin.connect():
                    break
            except sa.exc.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        return self

    def url(self, db: str) -> str:
        return f"postgresql+psycopg://planwatch@127.0.0.1:{self.port}/{db}"

    def create_database(self, template: str | None = None) -> str:
        self._n += 1
        name = f"t{os.getpid()}_{self._n}"
        with self.admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def stop(self) -> None:
        try:
            self.admin.dispose()
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def _has_c_utf8() -> bool:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.lower()
    except FileNotFoundError:
        return False
    return "c.utf8" in out or "c.utf-8" in out
