"""`planwatch backup` / `restore`: a consistent snapshot taken while writes go on, restored whole
into a new register with its files, checksums verified; mismatched archives refused."""

from __future__ import annotations

import tarfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from planwatch.cli import main
from planwatch.register import migrate
from planwatch.register.backup import backup, read_manifest, restore
from planwatch.register.db import make_engine, transaction
from planwatch.register.demo import run_demo
from planwatch.register.errors import RegisterError
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.schema import History, Indicator, Observation, Plan, User
from planwatch.register.users import add_user

ROOT = Path(__file__).resolve().parents[2]


def _fresh_target(engine: Engine, request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """An empty database of the same backend (not migrated: restore brings the schema)."""
    if engine.url.get_backend_name() == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    pg, _ = request.getfixturevalue("pg_template")
    return make_engine(pg.create_database())


def _rows(engine: Engine) -> dict[str, set[tuple[object, ...]]]:
    with transaction(engine) as s:
        return {
            "observations": set(s.execute(select(Observation.indicator_id, Observation.region_code, Observation.year,
                                                 Observation.value, Observation.version)).all()),
            "history": set(s.execute(select(History.id, History.entity, History.entity_id)).all()),
            "users": set(s.execute(select(User.username, User.role, User.password_hash)).all()),
        }


def test_backup_while_writing_then_restore_brings_everything_back(
        engine: Engine, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    run_demo(engine, ROOT / "data", log=lambda _: None)
    with transaction(engine) as s:
        add_user(s, "viewer1", "a-long-enough-secret-1", "viewer")
        plan = s.scalars(select(Plan).where(Plan.region_code != "100000")).first()
        indicators = list(s.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.active)))[:40]
        region = plan.region_code
    files = tmp_path / "files"
    (files / "evidence" / "7").mkdir(parents=True)
    (files / "evidence" / "7" / "证明材料.pdf").write_bytes(b"%PDF-1.4 evidence " * 500)
    (files / "review").mkdir()
    (files / "review" / "draft.json").write_text('{"plan": "草稿"}', encoding="utf-8")

    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:  # a second client keeps writing values while the backup runs
        year = 2021
        while not stop.is_set() and year < 2026:
            for ind in indicators:
                with transaction(engine) as s:
                    write_observations(s, [ObservationInput(ind.id, region, year, value=float(year),
                                                            status="approved")], by="writer", overwrite=True)
                written.append(ind.id)
                if stop.is_set():
                    return
            year += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            threading.Event().wait(0.01)
        archive = tmp_path / "backup.tar"
        summary = backup(engine, archive, files)
    finally:
        stop.set()
        thread.join()

    manifest = read_manifest(archive)
    assert manifest["tables"] == summary.tables and summary.files == 2
    assert summary.tables["observations"] > 0 and summary.tables["history"] > 0 and summary.tables["users"] == 1

    target = _fresh_target(engine, request, tmp_path)
    restored_files = tmp_path / "restored-files"
    done = restore(target, archive, restored_files)
    assert done.tables == manifest["tables"]
    assert migrate.is_current(target)
    assert (restored_files / "evidence" / "7" / "证明材料.pdf").read_bytes() == b"%PDF-1.4 evidence " * 500
    assert (restored_files / "review" / "draft.json").read_text(encoding="utf-8") == '{"plan": "草稿"}'
    # The restored register is a state the source passed through: every restored row exists at the
    # source (values written after the snapshot may have moved on, history only grows).
    after, source = _rows(target), _rows(engine)
    assert after["users"] == source["users"]
    assert after["history"] <= source["history"]
    with transaction(target) as s:
        assert s.scalar(select(func.count()).select_from(Observation)) == manifest["tables"]["observations"]
        assert s.scalar(select(func.count()).select_from(History)) == manifest["tables"]["history"]
    target.dispose()


def test_restore_refuses_a_tampered_or_foreign_archive_and_a_register_with_data(
        engine: Engine, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with transaction(engine) as s:
        add_user(s, "planner1", "a-long-enough-secret-1", "planner")
    files = tmp_path / "files"
    (files / "evidence").mkdir(parents=True)
    (files / "evidence" / "a.txt").write_text("原件", encoding="utf-8")
    archive = tmp_path / "b.tar"
    backup(engine, archive, files)

    # A member changed after the backup: refused before anything is written.
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w") as dst:
        for info in src:
            data = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == "files/evidence/a.txt":
                data = "改过".encode()
                info.size = len(data)
            import io
            dst.addfile(info, io.BytesIO(data))
    target = _fresh_target(engine, request, tmp_path)
    with pytest.raises(RegisterError, match="checksum"):
        restore(target, tampered, tmp_path / "out")
    assert not (tmp_path / "out" / "evidence" / "a.txt").exists()

    # Not an archive at all.
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar")
    with pytest.raises(RegisterError, match="not a planwatch backup"):
        restore(target, junk, tmp_path / "out")

    # The register already holds data: only with force.
    with pytest.raises(RegisterError, match="--force"):
        restore(engine, archive, files)
    restore(engine, archive, files, force=True)
    target.dispose()


def test_backup_of_one_backend_is_refused_by_the_other(tmp_path: Path) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    migrate.upgrade(sqlite)
    archive = tmp_path / "a.tar"
    backup(sqlite, archive, tmp_path / "nofiles")
    manifest = read_manifest(archive)
    assert manifest["backend"] == "sqlite"
    # Pretend the register is PostgreSQL: the manifest's backend is compared before anything else.
    import json
    manifest["backend"] = "postgresql"
    bad = tmp_path / "bad.tar"
    with tarfile.open(archive) as src, tarfile.open(bad, "w") as dst:
        for info in src:
            data = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == "manifest.json":
                data = json.dumps(manifest).encode()
                info.size = len(data)
            import io
            dst.addfile(info, io.BytesIO(data))
    with pytest.raises(RegisterError, match="cannot be restored into sqlite"):
        restore(make_engine(f"sqlite:///{tmp_path / 'b.sqlite3'}"), bad, tmp_path / "f")


def test_cli_backup_and_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home, other = tmp_path / "home", tmp_path / "other"
    monkeypatch.setenv("PLANWATCH_HOME", str(home))
    monkeypatch.delenv("PLANWATCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLANWATCH_FILES", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    (home / "var" / "files" / "evidence").mkdir(parents=True)
    (home / "var" / "files" / "evidence" / "x.png").write_bytes(b"\x89PNG")
    out = runner.invoke(main, ["backup", str(tmp_path / "b.tar")])
    assert out.exit_code == 0, out.output
    assert "1 个文件 files" in out.output
    monkeypatch.setenv("PLANWATCH_HOME", str(other))
    out = runner.invoke(main, ["restore", str(tmp_path / "b.tar")])
    assert out.exit_code == 0, out.output
    assert (other / "var" / "files" / "evidence" / "x.png").read_bytes() == b"\x89PNG"
    out = runner.invoke(main, ["restore", str(tmp_path / "nope.tar")])
    assert out.exit_code != 0
