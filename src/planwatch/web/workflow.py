"""Reporting workflow: a department enters a value, the planner approves or returns it.

Pages and API both call these functions; they check the role and the
department, validate every field (with a message per field, Chinese and
English), and write through the register, which versions every row and
appends history. A failed check writes nothing, so nothing saved is lost.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.extract import lexicon
from planwatch.register import schema as db
from planwatch.register.errors import ConflictError, RegisterError
from planwatch.register.observations import ObservationInput, set_status, write_observations
from planwatch.register.rules import value_problem
from planwatch.web.access import can_report, visible_ids
from planwatch.web.i18n import translate
from planwatch.web.params import MAX_VERSION, parse_int, parse_year
from planwatch.web.security import AuthError, WebUser

EVIDENCE_TYPES = {".pdf", ".png", ".jpg", ".jpeg", ".xlsx", ".xls", ".docx", ".doc", ".csv", ".txt", ".zip"}
EVIDENCE_MAX = 10 * 1024 * 1024
QUALITATIVE_JUDGEMENTS = lexicon.JUDGEMENTS  # one list: the lexicon's canonical judgements


class FieldErrors(Exception):
    """Validation failed; `errors` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class ConflictErrors(FieldErrors):
    """Someone else wrote first (or holds the write lock): the API answers 409, pages show the message."""


def conflict(field_name: str, exc: ConflictError, lang: str) -> ConflictErrors:
    from planwatch.register.observations import BUSY, BUSY_EN, BUSY_ZH

    if str(exc) == BUSY:
        return ConflictErrors({field_name: BUSY_ZH if lang == "zh" else BUSY_EN})
    return ConflictErrors({field_name: translate("rep.conflict", lang)})


@dataclass
class Entry:
    """One value as a form or API call sends it (all text, validated here)."""

    indicator_id: int
    year: str = ""
    value: str = ""
    judgement: str = ""
    source_note: str = ""
    action: str = "submit"  # draft | submit
    expected_version: str = ""
    evidence: tuple[str, bytes] | None = None  # (filename, content)
    extra: dict[str, Any] = field(default_factory=dict)


def default_year(plan_start: int, plan_end: int, today: date | None = None) -> int:
    """The data year a department reports now: last calendar year, kept within the plan."""
    year = (today or date.today()).year - 1
    return max(plan_start, min(plan_end, year))


def parse_number(text: str) -> float | None:
    s = text.strip().replace(",", "").replace("，", "")
    if not s:
        return None
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", s):
        raise ValueError(s)
    return float(s)


def _indicator(session: Session, indicator_id: int) -> tuple[db.Indicator, db.Plan]:
    ind = session.get(db.Indicator, indicator_id)
    if ind is None or not ind.active:
        raise AuthError(404, "error.not_found")
    return ind, ind.plan


def validate_entry(ind: db.Indicator, plan: db.Plan, entry: Entry, lang: str) -> dict[str, Any]:
    """Field errors, or the clean values (year, value, judgement, note)."""
    errors: dict[str, str] = {}
    year: int | None = None
    try:
        year = parse_year(entry.year)
        if year is None or not plan.base_year < year <= plan.period_end:
            raise ValueError
    except ValueError:
        errors["year"] = translate("val.year", lang) + f" ({plan.period_start}–{plan.period_end})"
    value = None
    qualitative = ind.target_op == "qualitative"
    judgement = entry.judgement.strip() or None
    if qualitative:
        if judgement is None and entry.action == "submit":
            errors["judgement"] = translate("val.required", lang)
        elif judgement is not None and lexicon.judgement(judgement) is None:
            errors["judgement"] = "、".join(QUALITATIVE_JUDGEMENTS)
        elif judgement is not None:
            judgement = lexicon.judgement(judgement)
    try:
        value = parse_number(entry.value)
    except ValueError:
        errors["value"] = translate("val.number", lang)
    if value is None and not qualitative and "value" not in errors and entry.action == "submit":
        errors["value"] = translate("val.required", lang)
    if value is not None:
        problem = value_problem(ind.name, ind.unit, value) if math.isfinite(value) else ("数值不是有限数",
                                                                                       "not a finite number")
        if problem:
            errors["value"] = problem[0] if lang == "zh" else problem[1]
    if len(entry.source_note) > 2000:
        errors["source_note"] = translate("val.too_large", lang)
    if entry.evidence is not None:
        name, content = entry.evidence
        if Path(name).suffix.lower() not in EVIDENCE_TYPES:
            errors["evidence"] = translate("val.file_type", lang) + " (" + ", ".join(sorted(EVIDENCE_TYPES)) + ")"
        elif len(content) > EVIDENCE_MAX:
            errors["evidence"] = translate("val.file_size", lang) + " (≤ 10 MB)"
    if entry.action not in ("draft", "submit"):
        errors["action"] = "draft | submit"
    if errors:
        raise FieldErrors(errors)
    return {"year": year, "value": value, "judgement": judgement, "note": entry.source_note.strip() or None}


def save_evidence(root: Path, filename: str, content: bytes) -> str:
    """Store an evidence file under a random name; returns the path relative to `root`."""
    safe = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", Path(filename).name)[-80:] or "evidence"
    rel = Path("evidence") / f"{uuid.uuid4().hex}_{safe}"
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes(content)
    return str(rel)


def report_value(services: Any, user: WebUser, entry: Entry, lang: str, files_root: Path) -> dict[str, Any]:
    """Save a draft or submit a value for the plan's own region. Returns the stored row."""
    if not can_report(services, user, entry.indicator_id):
        raise AuthError(403, "error.forbidden")
    with services.read() as s:
        ind, plan = _indicator(s, entry.indicator_id)
        clean = validate_entry(ind, plan, entry, lang)
        region = plan.region_code
        current = s.scalars(select(db.Observation).where(
            db.Observation.metric_id == ind.metric_id, db.Observation.region_code == region,
            db.Observation.year == clean["year"])).first()
        cur_version = current.version if current else None
        if current is not None and current.status == "approved" and user.role == "reporter":
            raise FieldErrors({"value": "已审核的数据不能由填报员修改,请联系规划管理人员" if lang == "zh"
                               else "An approved value cannot be changed by a reporter; ask a planner"})
    expected = None
    if entry.expected_version.strip():
        expected = parse_int(entry.expected_version, 0, MAX_VERSION)
        if expected is None:
            raise FieldErrors({"expected_version": translate("val.number", lang)})
    elif cur_version is not None:
        expected = -1  # the writer did not know a value exists: a conflict, never a silent overwrite
    evidence_path = current.evidence_file if current else None
    if entry.evidence is not None:
        evidence_path = save_evidence(files_root, *entry.evidence)
    row = ObservationInput(
        indicator_id=ind.id, region_code=region, year=clean["year"], value=clean["value"],
        judgement=clean["judgement"], status="draft" if entry.action == "draft" else "submitted",
        source_note=clean["note"], evidence_file=evidence_path, reporter_id=user.id,
        reporter_name=user.display_name or user.username, expected_version=expected)
    try:
        with services.write() as s:
            write_observations(s, [row], by=user.username,
                               reason="填报草稿 / draft" if entry.action == "draft" else "提交 / submitted")
    except ConflictError as exc:
        raise conflict("value", exc, lang) from exc
    except RegisterError as exc:
        raise FieldErrors({"value": str(exc)}) from exc
    with services.read() as s:
        obs = s.scalars(select(db.Observation).where(
            db.Observation.metric_id == ind.metric_id, db.Observation.region_code == region,
            db.Observation.year == clean["year"])).one()
        return observation_dict(obs)


def check_decision(user: WebUser, action: str, expected_version: str, comment: str, lang: str) -> int:
    """Who may decide and what a decision needs (values and task progress alike): the expected version."""
    if not user.is_planner:
        raise AuthError(403, "error.forbidden")
    errors: dict[str, str] = {}
    if action not in ("approve", "return"):
        errors["action"] = "approve | return"
    if action == "return" and not comment.strip():
        errors["comment"] = translate("rep.comment_required", lang)
    version = parse_int(expected_version, 0, MAX_VERSION)
    if version is None:
        errors["expected_version"] = translate("val.number", lang)
    if errors:
        raise FieldErrors(errors)
    assert version is not None
    return version


def may_approve(user: WebUser, reporter_id: int | None) -> bool:
    """Four eyes, for values and task progress alike: whoever submitted a row may return it, not approve it."""
    return reporter_id is None or reporter_id != user.id


def check_not_own(user: WebUser, action: str, reporter_id: int | None) -> None:
    if action == "approve" and not may_approve(user, reporter_id):
        raise AuthError(403, "rep.own_submission")


def decide(services: Any, user: WebUser, observation_id: int, action: str, expected_version: str,
           comment: str, lang: str) -> dict[str, Any]:
    """A planner approves a submitted value or returns it with a comment."""
    version = check_decision(user, action, expected_version, comment, lang)
    try:
        with services.write() as s:
            obs = s.get(db.Observation, observation_id)
            if obs is None:
                raise AuthError(404, "error.not_found")
            if obs.status != "submitted":
                raise FieldErrors({"action": ("只能审核待审核的数据" if lang == "zh"
                                              else "Only submitted values can be approved or returned")})
            check_not_own(user, action, obs.reporter_id)
            set_status(s, observation_id, version, "approved" if action == "approve" else "returned",
                       by=user.username, reason=comment.strip() or ("审核通过 / approved"))
    except ConflictError as exc:
        raise conflict("action", exc, lang) from exc
    except RegisterError as exc:  # e.g. a locked reporting round (register.rounds)
        raise FieldErrors({"action": str(exc)}) from exc
    with services.read() as s:
        obs = s.get(db.Observation, observation_id)
        assert obs is not None
        return observation_dict(obs)


def observation_dict(o: db.Observation) -> dict[str, Any]:
    return {"id": o.id, "indicator_id": o.indicator_id, "metric_id": o.metric_id, "region_code": o.region_code, "year": o.year,
            "value": o.value, "judgement": o.judgement, "status": o.status, "source_note": o.source_note,
            "evidence": bool(o.evidence_file), "reporter": o.reporter_name, "version": o.version,
            "simulated": o.simulated,
            "reported_at": o.reported_at.isoformat(timespec="seconds") if o.reported_at else None}


def last_comment(session: Session, observation_id: int) -> str | None:
    """The reason given with the latest return of a value."""
    rows = session.scalars(select(db.History).where(
        db.History.entity == "observation", db.History.entity_id == observation_id)
        .order_by(db.History.id.desc()).limit(20)).all()
    for h in rows:
        if (h.new or {}).get("status") == "returned":
            return h.reason
    return None


def reporting_rows(session: Session, user: WebUser, ids: frozenset[int] | None, year: int | None) -> list[dict[str, Any]]:
    """The indicators a user reports on, each with its value for `year` (or the plan's default year)."""
    q = select(db.Indicator).where(db.Indicator.active).order_by(db.Indicator.plan_id, db.Indicator.position)
    if ids is not None:
        q = q.where(db.Indicator.id.in_(list(ids) or [-1]))
    inds = session.scalars(q).all()
    out = []
    for ind in inds:
        plan = ind.plan
        y = year if year and plan.base_year < year <= plan.period_end else default_year(plan.period_start,
                                                                                         plan.period_end)
        obs = session.scalars(select(db.Observation).where(
            db.Observation.metric_id == ind.metric_id, db.Observation.region_code == plan.region_code,
            db.Observation.year == y)).first()
        out.append({"id": ind.id, "ref": ind.ref, "plan_id": plan.id, "plan_title": plan.title, "name": ind.name,
                    "unit": ind.unit, "domain": ind.domain, "target_raw": ind.target_raw,
                    "baseline_raw": ind.baseline_raw, "qualitative": ind.target_op == "qualitative",
                    # The browser checks what the server checks: a share over 100 only where the rule forbids it.
                    "percent": (ind.unit or "").strip() == "%" and value_problem(ind.name, ind.unit, 101.0) is not None,
                    "allow_negative": value_problem(ind.name, ind.unit, -1.0) is None, "year": y,
                    "period": [plan.period_start, plan.period_end],
                    "observation": observation_dict(obs) if obs else None,
                    "comment": last_comment(session, obs.id) if obs and obs.status == "returned" else None})
    return out


def approval_queue(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(db.Observation, db.Indicator, db.Plan)
                           .join(db.Indicator, db.Indicator.id == db.Observation.indicator_id)
                           .join(db.Plan, db.Plan.id == db.Indicator.plan_id)
                           .where(db.Observation.status == "submitted")
                           .order_by(db.Observation.reported_at)).all()
    return [{**observation_dict(o), "indicator_name": i.name, "unit": i.unit, "plan_title": p.title,
             "target_raw": i.target_raw, "baseline_raw": i.baseline_raw, "reporter_id": o.reporter_id}
            for o, i, p in rows]


def visible_reporting(services: Any, user: WebUser, year: int | None) -> list[dict[str, Any]]:
    ids = visible_ids(services, user)
    with services.read() as s:
        return reporting_rows(s, user, ids, year)


def import_spreadsheet(services: Any, user: WebUser, filename: str, content: bytes, files_root: Path,
                       lang: str) -> dict[str, Any]:
    """A department's filled-in reporting form (.xlsx/.csv from `planwatch data template`).

    The register's importer checks every cell; on top of it a reporter may only
    touch its own department's indicators and never an approved value. Any
    problem refuses the whole file: nothing is written."""
    from planwatch.exchange.importer import check_rows
    from planwatch.exchange.reader import read_table
    from planwatch.exchange.safety import check_file
    from planwatch.register.observations import existing_for, lock_writes, resolve_metrics

    suffix = Path(filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise FieldErrors({"file": translate("val.file_type", lang) + " (.xlsx, .csv)"})
    if not content or len(content) > EVIDENCE_MAX:
        raise FieldErrors({"file": translate("val.file_size", lang) + " (≤ 10 MB)"})
    tmp_dir = files_root / "uploads"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    path = tmp_dir / f"{uuid.uuid4().hex}{suffix}"
    path.write_bytes(content)
    try:
        problems = check_file(path)
        table, read_problems = (None, problems) if problems else read_table(path)
        msgs: list[str] = []
        if table is None:
            msgs = [_problem_text(p, lang, filename) for p in read_problems]
            raise FieldErrors({"file": "\n".join(msgs[:50])})
        allowed = visible_ids(services, user)
        with services.write() as s:
            lock_writes(s)  # before the rows are compared with stored versions
            rows, problems, empty = check_rows(s, table, "submitted", user.username, user.id)
            resolve_metrics(s, rows)
            msgs = [_problem_text(p, lang, filename) for p in problems]
            if allowed is not None:
                for r in rows:
                    if r.indicator_id not in allowed:
                        msgs.append(f"指标 {r.indicator_id} 不属于本部门 / indicator {r.indicator_id} is not "
                                    "assigned to your department")
                stored = existing_for(s, (r.key for r in rows))
                for r in rows:
                    old = stored.get(r.key)
                    if old is not None and old["status"] == "approved":
                        msgs.append(f"指标 {r.indicator_id} {r.year}年已审核,不能修改 / the {r.year} value of "
                                    f"indicator {r.indicator_id} is approved and cannot be changed")
            if msgs:
                raise FieldErrors({"file": "\n".join(msgs[:50])})
            for r in rows:
                r.expected_version = None
            stored = existing_for(s, (r.key for r in rows))
            for r in rows:  # the form carries no versions; the import is checked as one unit
                if r.key in stored:
                    r.expected_version = stored[r.key]["version"]
            result = write_observations(s, rows, by=user.username, reason=f"报表导入 / spreadsheet {filename}")
    except ConflictError as exc:
        raise conflict("file", exc, lang) from exc
    except RegisterError as exc:  # e.g. a reporting round past its lock date (register.rounds)
        raise FieldErrors({"file": f"{filename}: {exc}"}) from exc
    finally:
        path.unlink(missing_ok=True)
    return {"rows": len(rows), "inserted": result.inserted, "updated": result.updated,
            "unchanged": result.unchanged, "empty": empty}


def _problem_text(p: Any, lang: str, filename: str) -> str:
    where = []
    if p.sheet:
        where.append(str(p.sheet))
    if p.row:
        where.append(f"第{p.row}行" if lang == "zh" else f"row {p.row}")
    if p.column:
        where.append(f"{p.column}")
    text = p.zh if lang == "zh" else p.en
    return f"{filename} {' '.join(where)}: {text}"
