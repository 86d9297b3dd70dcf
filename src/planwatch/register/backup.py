"""Backup and restore of a whole register: the database and the uploaded files, in one archive.

The archive is a tar file holding `manifest.json`, the database snapshot and the files:

- SQLite: the online backup API copies a consistent snapshot while the server keeps writing
  (copying the file instead misses what is still in the WAL);
- PostgreSQL: `pg_dump --format=custom`, run on a snapshot exported from a REPEATABLE READ
  transaction, so the row counts in the manifest are those of the dump.

The manifest records the schema revision, the rows per table and a SHA-256 for every member.
Restore checks all of them before it changes anything, refuses an archive of another
backend or of a schema this code does not know, and verifies the counts afterwards.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from planwatch.register import migrate
from planwatch.register.errors import RegisterError

FORMAT = "planwatch-backup/1"
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database/register.sqlite3", "postgresql": "database/register.pgdump"}
FILES_PREFIX = "files/"
_CHUNK = 1 << 20


@dataclass
class BackupSummary:
    archive: Path
    backend: str
    revision: str | None
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _backend(engine: Engine) -> str:
    name = engine.url.get_backend_name()
    if name not in DB_MEMBER:
        raise RegisterError(f"不支持的数据库 / unsupported database backend: {name}")
    return name


def _table_names(engine: Engine) -> list[str]:
    """The register's tables as they are in the database (its revision may be older than this code's)."""
    from sqlalchemy import inspect

    return sorted(n for n in inspect(engine).get_table_names() if n != "alembic_version")


def _counts(conn: Any, names: list[str]) -> dict[str, int]:
    """Rows per register table, through a DB-API or SQLAlchemy connection."""
    out = {}
    for name in names:
        if hasattr(conn, "exec_driver_sql"):
            out[name] = int(conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one())
        else:
            out[name] = int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
    return out


def _pg_env(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments for pg_dump/pg_restore; the password goes in the environment."""
    url = engine.url
    args = ["--dbname", url.database or "", "--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _pg_program(name: str) -> str:
    from planwatch.register.pgtools import find_pg_bin

    where = find_pg_bin(name)
    if where is None:
        raise RegisterError(f"找不到 {name}(请安装 postgresql-client)/ {name} not found: install postgresql-client")
    return str(where / name)


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
        raise RegisterError(f"{Path(cmd[0]).name} 失败 / failed: {last[0]}")


def _snapshot_sqlite(engine: Engine, dest: Path) -> dict[str, int]:
    names = _table_names(engine)
    raw = engine.raw_connection()
    try:
        src = raw.driver_connection
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)  # type: ignore[union-attr]
            return _counts(dst, names)
        finally:
            dst.close()
    finally:
        raw.close()


def _snapshot_postgres(engine: Engine, dest: Path) -> dict[str, int]:
    args, env = _pg_env(engine)
    names = _table_names(engine)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        counts = _counts(conn, names)
        # The dump reads the same snapshot while this transaction keeps it alive.
        _run([_pg_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", "--file", str(dest), *args], env)
    return counts


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def backup(engine: Engine, out: Path, files_dir: Path) -> BackupSummary:
    """Write the archive `out` (atomically: a partial archive never has the final name)."""
    backend = _backend(engine)
    revision = migrate.current_revision(engine)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="planwatch-backup-") as tmp:
        db_file = Path(tmp) / "db"
        counts = (_snapshot_sqlite if backend == "sqlite" else _snapshot_postgres)(engine, db_file)
        members: dict[str, dict[str, Any]] = {
            DB_MEMBER[backend]: {"sha256": _sha256(db_file), "size": db_file.stat().st_size}}
        # Files are copied after the database: a file uploaded in between is extra, never missing.
        file_copies: list[tuple[Path, str]] = []
        for path in _files(files_dir):
            name = FILES_PREFIX + path.relative_to(files_dir).as_posix()
            copy = Path(tmp) / f"f{len(file_copies)}"
            shutil.copyfile(path, copy)
            members[name] = {"sha256": _sha256(copy), "size": copy.stat().st_size}
            file_copies.append((copy, name))
        manifest = {"format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                    "backend": backend, "revision": revision, "tables": counts, "members": members}
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=DB_MEMBER[backend])
            for copy, name in file_copies:
                tar.add(copy, arcname=name)
        os.replace(partial, out)
    return BackupSummary(out, backend, revision, counts, len(file_copies))


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read(1 << 24))
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise RegisterError(f"{archive}: 不是 planwatch 备份 / not a planwatch backup ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise RegisterError(f"{archive}: 备份格式不符 / unknown backup format {manifest.get('format')!r}")
    return manifest


@contextmanager
def _unpacked(archive: Path, manifest: dict[str, Any]) -> Iterator[Path]:
    """The archive's members, unpacked into a temporary directory and checked against the manifest."""
    members = manifest.get("members") or {}
    with tempfile.TemporaryDirectory(prefix="planwatch-restore-") as tmp, tarfile.open(archive, "r") as tar:
        root = Path(tmp)
        seen = set()
        for info in tar:
            if info.name == MANIFEST:
                continue
            expected = members.get(info.name)
            if expected is None or not info.isfile() or ".." in Path(info.name).parts or info.name.startswith("/"):
                raise RegisterError(f"{archive}: 备份含有清单外的内容 / member not in the manifest: {info.name}")
            target = root / info.name
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(info)
            assert src is not None
            with target.open("wb") as fh:
                shutil.copyfileobj(src, fh, _CHUNK)
            if _sha256(target) != expected["sha256"]:
                raise RegisterError(f"{archive}: 校验和不符 / checksum mismatch: {info.name}")
            seen.add(info.name)
        missing = sorted(set(members) - seen)
        if missing:
            raise RegisterError(f"{archive}: 备份不完整 / members missing: {', '.join(missing[:3])}")
        yield root


def _is_empty(engine: Engine) -> bool:
    from sqlalchemy import inspect

    names = set(inspect(engine).get_table_names())
    if "plans" not in names:
        return True
    with engine.connect() as conn:
        return not any(conn.exec_driver_sql(f'SELECT 1 FROM "{t}" LIMIT 1').first()
                       for t in ("plans", "observations", "users") if t in names)


def restore(engine: Engine, archive: Path, files_dir: Path, *, force: bool = False) -> BackupSummary:
    """Restore `archive` into the register of `engine` and the files into `files_dir`.

    Every checksum is checked before anything is changed. A register that already holds data is
    replaced only with `force`."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    backend = _backend(engine)
    if manifest["backend"] != backend:
        raise RegisterError(f"{archive}: 这是 {manifest['backend']} 的备份,不能恢复到 {backend} / "
                            f"a {manifest['backend']} backup cannot be restored into {backend}")
    known = migrate.known_revisions()
    if manifest.get("revision") not in known:
        raise RegisterError(f"{archive}: 备份的数据库版本 {manifest.get('revision')} 不被本程序识别(请升级 planwatch)/ "
                            "the backup's schema revision is unknown to this planwatch: upgrade planwatch first")
    if not force and not _is_empty(engine):
        raise RegisterError("登记库已有数据;确认覆盖请加 --force / the register already holds data: "
                            "add --force to replace it")
    with _unpacked(archive, manifest) as root:
        db_file = root / DB_MEMBER[backend]
        if backend == "sqlite":
            _restore_sqlite(engine, db_file)
        else:
            _restore_postgres(engine, db_file)
        with engine.connect() as conn:
            counts = _counts(conn, list(manifest["tables"]))
        if counts != manifest["tables"]:
            diff = {k: (manifest["tables"][k], counts.get(k)) for k in manifest["tables"]
                    if counts.get(k) != manifest["tables"][k]}
            raise RegisterError(f"恢复后行数不符 / row counts differ after restore: {diff}")
        n = _restore_files(root, files_dir, manifest["members"])
    if not migrate.is_current(engine):
        migrate.upgrade(engine)
    return BackupSummary(archive, backend, manifest.get("revision"), counts, n)


def _restore_sqlite(engine: Engine, db_file: Path) -> None:
    src = sqlite3.connect(db_file)
    try:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RegisterError("备份中的数据库损坏 / the database in the backup fails integrity_check")
        raw = engine.raw_connection()
        try:
            # Page-by-page copy into the live file, under its lock: other connections see the
            # restored register on their next transaction.
            src.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            raw.close()
    finally:
        src.close()
    engine.dispose()


def _restore_postgres(engine: Engine, dump: Path) -> None:
    args, env = _pg_env(engine)
    engine.dispose()
    with engine.begin() as conn:
        # Clear the target schema in one statement so pg_restore starts from nothing.
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    _run([_pg_program("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", *args, str(dump)], env)
    engine.dispose()


def _restore_files(root: Path, files_dir: Path, members: dict[str, Any]) -> int:
    n = 0
    for name, meta in members.items():
        if not name.startswith(FILES_PREFIX):
            continue
        target = files_dir / name[len(FILES_PREFIX):]
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(root / name, partial)
        os.replace(partial, target)
        if _sha256(target) != meta["sha256"]:
            raise RegisterError(f"恢复的文件校验和不符 / restored file fails its checksum: {target}")
        n += 1
    return n
