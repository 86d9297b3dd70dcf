"""The global audit log: every register write leaves one entry in its own transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, select

from planwatch.register import auditlog
from planwatch.register.db import transaction
from planwatch.register.departments import (
    assign_lead,
    assignment_sheet,
    create_department,
    list_departments,
    rename_department,
)
from planwatch.register.errors import FieldError
from planwatch.register.observations import ObservationInput, set_status, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.progress import ProgressInput, report_progress, set_progress_status
from planwatch.register.regions import import_regions_csv
from planwatch.register.schema import Indicator, Observation, Plan, Task, utcnow
from planwatch.register.users import add_user, find_user, set_active, set_password, set_role

ROOT = Path(__file__).resolve().parents[2]
V1 = json.loads((Path(__file__).parent / "fixtures" / "cangxi_v1.json").read_text(encoding="utf-8"))


def entries(engine: Engine, **f: object) -> list[dict[str, object]]:
    with transaction(engine) as s:
        rows, total = auditlog.search(s, auditlog.Filter(**f), limit=500)  # type: ignore[arg-type]
    assert total == len(rows)
    return rows[::-1]  # oldest first


@pytest.fixture
def plan_id(engine: Engine) -> int:
    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        import_plan(s, V1, by="importer")
        return s.scalars(select(Plan.id)).one()


def test_account_changes_are_audited_with_readable_before_and_after_and_never_the_password(engine: Engine) -> None:
    with transaction(engine) as s:
        add_user(s, "boss", "lantern-orchard-42", "admin")
        user = add_user(s, "zhou", "temporary-orchard-44", "viewer", temporary=True, by="boss")
        assert user.must_change_password
    with transaction(engine) as s:
        set_password(s, find_user(s, "zhou"), "lantern-chose-this-1", by="zhou")
        set_password(s, find_user(s, "zhou"), "reset-by-boss-45", temporary=True, by="boss")
        set_role(s, find_user(s, "zhou"), "planner", by="boss")
        set_active(s, find_user(s, "zhou"), False, by="boss")
        set_active(s, find_user(s, "zhou"), False, by="boss")  # no change, no entry
        set_active(s, find_user(s, "zhou"), True, by="boss")
        with pytest.raises(FieldError, match="自己"):
            set_active(s, find_user(s, "boss"), False, by="boss")
    rows = entries(engine, target_kind="user")
    assert [r["action"] for r in rows] == ["user.create", "user.create", "user.password", "user.reset_password",
                                           "user.role", "user.deactivate", "user.reactivate"]
    assert [r["actor"] for r in rows[1:]] == ["boss", "zhou", "boss", "boss", "boss", "boss"]
    assert rows[1]["after"]["must_change_password"] is True and rows[1]["after"]["role"] == "viewer"
    assert rows[3]["after"] == {"must_change_password": True}
    assert rows[4]["before"] == {"role": "viewer"} and rows[4]["after"] == {"role": "planner"}
    text = json.dumps([r["before"] for r in rows] + [r["after"] for r in rows], ensure_ascii=False)
    assert "scrypt" not in text and "orchard" not in text
    assert entries(engine, actor="zhou")[0]["action"] == "user.password"
    assert len(entries(engine, action="user.")) == 7


def test_value_and_progress_writes_are_audited_and_roll_back_with_the_change(engine: Engine, plan_id: int) -> None:
    with transaction(engine) as s:
        ind = s.scalars(select(Indicator.id).where(Indicator.name == "学前教育毛入园率")).one()
        task = s.scalars(select(Task.id).where(Task.plan_id == plan_id)).first()
    with transaction(engine) as s:
        write_observations(s, [ObservationInput(ind, "510824", 2022, value=93.5, status="submitted")], by="rep")
    with transaction(engine) as s:
        obs = s.scalars(select(Observation)).one()
        set_status(s, obs.id, obs.version, "approved", by="chief")
        report_progress(s, ProgressInput("task", task, 2022, "推进中", percent=40), by="rep")
    with pytest.raises(RuntimeError), transaction(engine) as s:  # a failed transaction leaves no entry
        write_observations(s, [ObservationInput(ind, "510824", 2023, value=94.0)], by="rep")
        raise RuntimeError("boom")
    with transaction(engine) as s:
        pr = s.execute(sa.text("SELECT id, version FROM progress_reports")).one()
        set_progress_status(s, pr.id, pr.version, "returned", by="chief", reason="请补充佐证")
    rows = entries(engine, target_kind="observation")
    assert [(r["action"], r["actor"]) for r in rows] == [("observation.create", "rep"), ("observation.status", "chief")]
    assert rows[0]["after"]["value"] == 93.5
    assert rows[1]["before"]["status"] == "submitted" and rows[1]["after"]["status"] == "approved"
    progress = entries(engine, target_kind="progress")
    assert [r["action"] for r in progress] == ["progress.create", "progress.status"]
    assert progress[1]["note"] == "请补充佐证"
    assert entries(engine, action="plan.create")  # the import itself
    # date range: everything is from today; nothing before
    now = utcnow()
    assert entries(engine, since=now - timedelta(hours=1), target_kind="observation")
    assert not entries(engine, until=now - timedelta(hours=1))


def test_departments_rename_list_and_bulk_lead_assignment(engine: Engine, plan_id: int) -> None:
    with transaction(engine) as s:
        edu = create_department(s, "苍溪县教育局", "510824", by="boss")
        health = create_department(s, "苍溪县卫健局", "苍溪县", by="boss")
        elsewhere = create_department(s, "外县教育局", None, by="boss")
        with pytest.raises(FieldError, match="已有部门"):
            create_department(s, "苍溪县教育局", "510824")
        with pytest.raises(FieldError) as bad:
            create_department(s, "  ", "510824")
        assert bad.value.field == "name"
        add_user(s, "rep1", "lantern-orchard-42", "reporter", department=edu)
        ids = (edu.id, health.id, elsewhere.id)
    sheet_ids: list[int]
    with transaction(engine) as s:
        rename_department(s, ids[0], "苍溪县教育和体育局", by="boss")
        sheet = assignment_sheet(s, plan_id)
        assert {d["name"] for d in sheet["departments"]} >= {"苍溪县教育和体育局", "苍溪县卫健局"}
        assert "外县教育局" not in {d["name"] for d in sheet["departments"]}
        sheet_ids = [r["id"] for r in sheet["indicators"][:3]]
        item = sheet["items"][0]
        assert assign_lead(s, plan_id, ids[1], sheet_ids, [(item["kind"], item["id"])], by="boss") == 4
    with transaction(engine) as s:
        assign_lead(s, plan_id, ids[0], sheet_ids[:1], by="boss")  # a new lead: the old one turns co-responsible
        with pytest.raises(FieldError, match="地区"):
            assign_lead(s, plan_id, ids[2], sheet_ids)
        with pytest.raises(FieldError):
            assign_lead(s, plan_id, ids[0], [], [])
    with transaction(engine) as s:
        sheet = assignment_sheet(s, plan_id)
        leads = {r["id"]: r["lead_department"] for r in sheet["indicators"]}
        assert leads[sheet_ids[0]] == "苍溪县教育和体育局" and leads[sheet_ids[1]] == "苍溪县卫健局"
        assert sheet["items"][0]["lead_department"] == "苍溪县卫健局"
        listed = {d["name"]: d for d in list_departments(s)}
        assert [m["username"] for m in listed["苍溪县教育和体育局"]["members"]] == ["rep1"]
        assert listed["苍溪县卫健局"]["indicators"] >= 2 and listed["苍溪县卫健局"]["items"] >= 1
    dept_rows = entries(engine, target_kind="department")
    assert [r["action"] for r in dept_rows] == ["department.create"] * 3 + ["department.rename"]
    assert dept_rows[-1]["before"] == {"name": "苍溪县教育局"} and dept_rows[-1]["after"] == {"name": "苍溪县教育和体育局"}
    assigned = entries(engine, action="indicator.assign", actor="boss")
    assert len(assigned) == 4 and assigned[-1]["after"]["department"] == "苍溪县教育和体育局"


def test_the_audit_log_is_append_only_and_pages(engine: Engine) -> None:
    with transaction(engine) as s:
        for n in range(7):
            auditlog.record(s, "boss", "user.create", "user", n, None, {"username": f"u{n}"})
    with transaction(engine) as s:
        page, total = auditlog.search(s, auditlog.Filter(), offset=5, limit=5)
        assert total == 7 and [r["target_id"] for r in page] == [1, 0]
        assert auditlog.actors(s) == ["boss"] and auditlog.actions(s) == ["user.create"]
        assert len(list(auditlog.each(s, auditlog.Filter(actor="boss")))) == 7
    for sql in ("UPDATE audit_log SET actor = 'someone'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as c:
            c.execute(sa.text(sql))


def test_the_user_commands_are_audited_under_the_operating_system_account(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from planwatch.cli import main
    from planwatch.register.db import make_engine

    monkeypatch.setenv("PLANWATCH_HOME", str(tmp_path))
    monkeypatch.delenv("PLANWATCH_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    cli = CliRunner()
    for args in (["add", "wu", "--role", "planner", "--password", "lantern-orchard-42"],
                 ["passwd", "wu", "--password", "temporary-orchard-44", "--temporary"],
                 ["disable", "wu"], ["enable", "wu"]):
        r = cli.invoke(main, ["user", *args])
        assert r.exit_code == 0, r.output
    listed = json.loads(cli.invoke(main, ["user", "list", "--json"]).output)
    assert listed[0]["must_change_password"] is True
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'planwatch.sqlite3'}")
    rows = entries(engine)
    engine.dispose()
    assert [r["action"] for r in rows] == ["user.create", "user.reset_password", "user.deactivate", "user.reactivate"]
    assert all(str(r["actor"]).startswith("cli") for r in rows)
