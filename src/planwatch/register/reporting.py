"""The one path for every reported thing: indicator values and task/project progress.

Web forms, the JSON API, the spreadsheet import and the command line all call
these functions, so each rule has one home:

- who may act: `permissions.may` plus the department scope (`check_scope_*`);
- the year window (`check_year`), the unit (`check_unit`), the value (`check_value`),
  judgement words (`check_judgement`), the version (`check_version`), the note, the
  draft/submit action and the evidence file (`check_evidence`);
- a decision (approve / return) and the four-eyes rule (`check_decision`).

A check raises `FieldError` (field, zh, en); submitting collects every field's problem
before anything is written. Evidence is written only after validation, inside the
caller's transaction, and removed again if that transaction rolls back, so a refused
report leaves no file behind. Storage stays in `observations` and `progress`, which
version every row and append history.
"""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from planwatch.extract import lexicon
from planwatch.register import progress as pg
from planwatch.register.errors import FieldError, Forbidden, NotFound, RegisterError
from planwatch.register.observations import (
    ObservationInput,
    is_unchanged,
    lock_writes,
    set_status,
    write_observations,
)
from planwatch.register.permissions import Actor, department_scoped, may
from planwatch.register.rules import normalize_name, value_problem, value_range
from planwatch.register.schema import (
    ITEM_KINDS,
    History,
    Indicator,
    Milestone,
    Observation,
    Plan,
    ProgressReport,
    Responsibility,
)
from planwatch.register.users import with_display_names

# -- limits ----------------------------------------------------------------------------------------------------
NOTE_MAX = 2000
VERSION_MAX = 2**31 - 1
EVIDENCE_MAX = 10 * 1024 * 1024
# Evidence types: suffix → the content type it is served with (never sniffed from the content).
EVIDENCE_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".zip": "application/zip",
}
# Shown in the browser; everything else downloads.
EVIDENCE_INLINE = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".txt"})
EVIDENCE_DIR = "evidence"
# What an uploaded file's stored reference looks like: a random id under evidence/, no separators after it.
_STORED = re.compile(r"evidence/[0-9a-f]{32}[^/\\\x00]*")
ACTIONS = {"draft": "draft", "submit": "submitted"}
DECISIONS = {"approve": "approved", "return": "returned"}


@dataclass(frozen=True)
class CommandLine:
    """The actor of `planwatch` commands: whoever can open the register file may do everything."""

    username: str | None = None
    id: int | None = None
    role: str = "admin"
    department_id: int | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class Upload:
    """An evidence file as uploaded: the name is for display only."""

    name: str
    content: bytes


# -- one function per check ------------------------------------------------------------------------------------
def _int(text: Any, field: str, lo: int, hi: int, zh: str, en: str) -> int | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, bool):
        raise FieldError(field, zh, en)
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = str(text).strip()
    if not re.fullmatch(r"[0-9]{1,10}", s) or not lo <= int(s) <= hi:
        raise FieldError(field, zh, en)
    return int(s)


def year_window(plan: Plan) -> tuple[int, int]:
    """The years a plan takes reports for: after its base year, up to its last year."""
    return plan.base_year + 1, plan.period_end


def check_year(plan: Plan, year: Any) -> int:
    """The report's year, within `year_window(plan)`."""
    first, last = year_window(plan)
    zh, en = f"年度应在 {first}–{last} 之间", f"the year must be within {first}–{last}"
    y = _int(year, "year", 0, 9999, zh, en)
    if y is None:
        raise FieldError("year", zh, en)
    if not first <= y <= last:  # name the year given: a sheet row or API call shows what was wrong
        raise FieldError("year", f"{y}年不在填报年度 {first}–{last} 之间", f"{y} is outside the years {first}–{last}")
    return y


def parse_number(text: Any) -> float | None:
    """A number as typed ("1,234.5", " 86 ") or given; None when empty. `FieldError` on text."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise FieldError("value", "请输入数字", "enter a number")
    if isinstance(text, int | float):
        return float(text)
    s = str(text).strip().replace(",", "").replace("，", "")
    if not s:
        return None
    if not re.fullmatch(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?", s):
        raise FieldError("value", "请输入数字", "enter a number")
    return float(s)


def check_value(ind: Indicator, value: Any) -> float | None:
    """A plausible figure for the indicator (finite, in range, sign and percent rules), or None."""
    x = parse_number(value)
    if x is None:
        return None
    if not math.isfinite(x):
        raise FieldError("value", "数值不是有限数", "the value is not a finite number")
    problem = value_problem(ind.name, ind.unit, x)
    if problem:
        raise FieldError("value", problem[0], problem[1])
    return x


def plausible_range(ind: Any) -> tuple[float, float]:
    """The interval of `check_value`: a finite float `x` passes `check_value(ind, x)` unchanged exactly
    when lo <= x <= hi (`rules.value_range`); a bulk check compares and calls `check_value` for the rest."""
    return value_range(ind.name, ind.unit)


def check_unit(ind: Indicator, unit: str | None) -> None:
    """A stated unit must be the indicator's (compared in normal form); no unit stated is fine."""
    if unit is None or not str(unit).strip() or not ind.unit:
        return
    if normalize_name(str(unit)) != normalize_name(ind.unit):
        raise FieldError("unit", f"计量单位应为“{ind.unit}”,不是“{unit}”", f"the unit is {ind.unit!r}, not {unit!r}")


def check_judgement(text: str | None) -> str | None:
    """A qualitative judgement in the lexicon's canonical words (达到 / 基本达到 …), or None."""
    if text is None or not str(text).strip():
        return None
    canonical = lexicon.judgement(str(text).strip())
    if canonical is None:
        raise FieldError("judgement", f"无法识别的定性判断“{text}”,应为:{'、'.join(lexicon.JUDGEMENTS)}",
                         f"unknown judgement {text!r}; one of {', '.join(lexicon.JUDGEMENTS)}")
    return canonical


def check_reported(ind: Indicator, value: float | None, judgement: str | None, submitting: bool) -> None:
    """A submission carries what the indicator needs: a judgement if qualitative, else a value."""
    if not submitting:
        return
    if ind.target_op == "qualitative" and judgement is None:
        raise FieldError("judgement", "必填", "required")
    if ind.target_op != "qualitative" and value is None:
        raise FieldError("value", "必填", "required")


def check_note(text: str | None, field: str = "source_note") -> str | None:
    if text is None:
        return None
    s = str(text).strip()
    if len(s) > NOTE_MAX:
        raise FieldError(field, f"说明不超过 {NOTE_MAX} 字", f"longer than {NOTE_MAX} characters")
    return s or None


def check_action(action: str | None) -> str:
    """draft | submit → the stored status."""
    status = ACTIONS.get(action or "submit")
    if status is None:
        raise FieldError("action", "操作应为 保存草稿(draft)或 提交(submit)", "action must be draft or submit")
    return status


def check_version(version: Any) -> int | None:
    """The version the writer last saw (None: "I believe nothing is stored yet")."""
    return _int(version, "expected_version", 0, VERSION_MAX, "版本号应为整数", "the version must be a whole number")


def display_name(name: str) -> str:
    """An uploaded file's name as shown: its last path part, printable characters, at most 120."""
    base = re.split(r"[/\\]", name or "")[-1]
    clean = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C").strip()
    clean = clean.strip(". ") or "evidence"
    if len(clean) > 120:
        stem, dot, ext = clean.rpartition(".")
        clean = (stem[:110] + dot + ext[:9]) if dot and len(ext) < 10 else clean[:120]
    return clean


def check_evidence(upload: Upload | None) -> None:
    """An evidence file of an allowed type (by its name's suffix) and size."""
    if upload is None:
        return
    suffix = Path(display_name(upload.name)).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted(EVIDENCE_TYPES))
        raise FieldError("evidence", f"文件类型不支持(可用:{allowed})", f"unsupported file type (allowed: {allowed})")
    if not upload.content:
        raise FieldError("evidence", "文件为空", "the file is empty")
    if len(upload.content) > EVIDENCE_MAX:
        raise FieldError("evidence", "文件过大(≤ 10 MB)", "the file is too large (≤ 10 MB)")


def check_evidence_reference(text: str | None, stored: str | None) -> str | None:
    """An evidence cell of a spreadsheet or a CLI option: a text reference (a document, a URL), or the
    row's own stored file as the template wrote it. A reference to another stored file is refused:
    files come in only by upload."""
    ref = (str(text).strip() if text is not None else "") or None
    if ref is not None and ref != stored and _STORED.fullmatch(ref.lstrip("./")):
        raise FieldError("evidence", "佐证材料文件只能通过网页上传,此处请填写文字说明",
                         "evidence files are uploaded on the web; write a text reference here")
    return ref


def check_decision(actor: Actor, action: str, comment: str | None, version: Any) -> tuple[str, int]:
    """What a decision needs: the right to approve, approve|return, a comment to return, the version."""
    if not may(actor, "approve"):
        raise Forbidden("无权审核 / not allowed to approve")
    errors: list[FieldError] = []
    status = DECISIONS.get(action)
    if status is None:
        errors.append(FieldError("action", "操作应为 通过(approve)或 退回(return)", "action must be approve or return"))
    if action == "return" and not (comment or "").strip():
        errors.append(FieldError("comment", "退回时请填写意见", "write a comment when returning"))
    v: int | None = None
    try:
        v = check_version(version)
        if v is None:
            errors.append(FieldError("expected_version", "缺少版本号", "the version is missing"))
    except FieldError as exc:
        errors.append(exc)
    if errors:
        raise FieldError.collect(errors)
    assert status is not None and v is not None
    return status, v


def check_not_own(actor: Actor, status: str, reporter_id: int | None) -> None:
    """Four eyes: whoever submitted a row may return it, not approve it."""
    if status == "approved" and not may_decide_own(actor, reporter_id):
        raise Forbidden("不能审核通过自己报送的数据或进展 / you cannot approve your own submission",
                        "own_submission")


def may_decide_own(actor: Actor, reporter_id: int | None) -> bool:
    return reporter_id is None or actor.id is None or reporter_id != actor.id


def check_open(actor: Actor, stored_status: str | None, field: str) -> None:
    """An approved row is changed only by someone who may approve."""
    if stored_status == "approved" and not may(actor, "approve"):
        raise FieldError(field, "已审核的内容不能由填报员修改,请联系规划管理人员",
                         "an approved entry cannot be changed by a reporter; ask a planner")


def expected_version(given: int | None, stored_version: int | None) -> int | None:
    """A writer that names no version but finds a stored row did not know of it: a conflict (-1)."""
    if given is None and stored_version is not None:
        return -1
    return given


# -- department scope ------------------------------------------------------------------------------------------
def department_indicator_ids(session: Session, department_id: int | None) -> frozenset[int]:
    """Indicators a department answers for (lead or co-responsible)."""
    if department_id is None:
        return frozenset()
    return frozenset(session.scalars(select(Responsibility.indicator_id).where(
        Responsibility.department_id == department_id)).all())


def department_items(session: Session, department_id: int | None) -> frozenset[tuple[str, int]]:
    """Tasks and projects a department leads: (kind, id)."""
    return pg.department_items(session, department_id)


def indicator_scope(actor: Actor, ids: Callable[[int | None], frozenset[int]]) -> frozenset[int] | None:
    """None: every indicator; otherwise the only ones `actor` may see and report on."""
    if may(actor, "see_all"):
        return None
    if department_scoped(actor):
        return ids(actor.department_id)
    return frozenset()


def may_report_indicator(actor: Actor, indicator_id: int, ids: Callable[[int | None], frozenset[int]]) -> bool:
    if not may(actor, "report"):
        return False
    scope = indicator_scope(actor, ids) if department_scoped(actor) else None
    return scope is None or indicator_id in scope


def may_report_item(actor: Actor, kind: str, item_id: int,
                    items: Callable[[int | None], frozenset[tuple[str, int]]]) -> bool:
    if not may(actor, "report"):
        return False
    return not department_scoped(actor) or (kind, item_id) in items(actor.department_id)


def check_scope_indicator(session: Session, actor: Actor, indicator_id: int) -> None:
    if not may_report_indicator(actor, indicator_id, lambda d: department_indicator_ids(session, d)):
        raise Forbidden(f"无权报送指标 {indicator_id} / not allowed to report indicator {indicator_id}")


def check_scope_item(session: Session, actor: Actor, kind: str, item_id: int) -> None:
    if not may_report_item(actor, kind, item_id, lambda d: department_items(session, d)):
        raise Forbidden(f"无权报送 {pg.item_ref(kind, item_id)} / not allowed to report {pg.item_ref(kind, item_id)}")


# -- evidence --------------------------------------------------------------------------------------------------
def store_evidence(session: Session, root: Path, upload: Upload) -> tuple[str, str]:
    """Write a checked upload under a random id; returns (stored reference, display name).

    Call only after validation, inside the transaction that stores the reference: if that
    transaction rolls back, the file is removed again."""
    name = display_name(upload.name)
    rel = f"{EVIDENCE_DIR}/{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.content)

    def remove(*_: Any) -> None:
        path.unlink(missing_ok=True)

    event.listen(session, "after_rollback", remove, once=True)
    return rel, name


def is_stored_evidence(ref: object) -> bool:
    """Whether a reference names an uploaded file kept by the register (an internal path, never shown)."""
    return isinstance(ref, str) and _STORED.fullmatch(ref.lstrip("./")) is not None


def evidence_path(root: Path, stored: str | None) -> Path | None:
    """The file behind a stored reference, or None (a text reference, a missing file, anything odd)."""
    if not stored or not _STORED.fullmatch(stored):
        return None
    base = (root / EVIDENCE_DIR).resolve()
    path = (root / stored).resolve()
    if path.parent != base or not path.is_file():
        return None
    return path


def evidence_display_name(stored: str | None, name: str | None) -> str:
    if name:
        return name
    tail = (stored or "").rsplit("/", 1)[-1]
    return tail[33:] if len(tail) > 33 and tail[32] == "_" else tail or "evidence"


def in_scope(session: Session, actor: Actor, kind: str, row: Any) -> bool:
    """Whether `actor` may see a reported row ("observation" or "progress"): staff who see all, or a
    reporter of the department the row's indicator or task/project belongs to."""
    if may(actor, "see_all"):
        return True
    if not department_scoped(actor):
        return False
    if kind == "observation":
        return row.indicator_id is not None and row.indicator_id in department_indicator_ids(
            session, actor.department_id)
    return (row.kind, row.item_id) in department_items(session, actor.department_id)


@dataclass(frozen=True)
class EvidenceFile:
    path: Path
    name: str
    content_type: str
    inline: bool


def evidence_for(session: Session, actor: Actor | None, root: Path, kind: str, row_id: int) -> EvidenceFile:
    """The evidence of an observation (kind "observation") or progress report ("progress"), under the
    rule that shows its value: staff who see all, or a reporter of the department it belongs to.
    `NotFound` for everything else, so a file's existence is not revealed."""
    if actor is None:
        raise Forbidden("请先登录 / sign in first")
    if kind not in _DECIDABLE:
        raise NotFound(f"未知类型 / unknown kind {kind}")
    model, _, _, what = _DECIDABLE[kind]
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"{what[0]}不存在 / no {what[1]} {row_id}")
    stored, name = row.evidence_file, row.evidence_name
    allowed = in_scope(session, actor, kind, row)
    path = evidence_path(root, stored) if allowed else None
    if path is None:
        raise NotFound("佐证材料不存在 / no such evidence")
    shown = evidence_display_name(stored, name)
    suffix = path.suffix.lower()
    return EvidenceFile(path, shown, EVIDENCE_TYPES.get(suffix, "application/octet-stream"),
                        suffix in EVIDENCE_INLINE)


# -- values ----------------------------------------------------------------------------------------------------
@dataclass
class ValueReport:
    """One value as a form, the API, a sheet row or the command line sends it (text or numbers)."""

    indicator_id: int
    year: Any
    value: Any = None
    judgement: str | None = None
    source_note: str | None = None
    unit: str | None = None
    action: str = "submit"  # draft | submit
    expected_version: Any = None
    evidence: Upload | None = None


def _collect(checks: Iterable[Callable[[], Any]]) -> list[Any]:
    """Run every check; one `FieldError` with all the problems if any failed."""
    out, errors = [], []
    for check in checks:
        try:
            out.append(check())
        except FieldError as exc:
            errors.append(exc)
            out.append(None)
    if errors:
        raise FieldError.collect(errors)
    return out


def active_indicator(session: Session, indicator_id: int) -> tuple[Indicator, Plan]:
    ind = session.get(Indicator, indicator_id)
    if ind is None or not ind.active:
        raise NotFound(f"指标不存在 / no indicator {indicator_id}")
    return ind, ind.plan


def check_value_report(ind: Indicator, plan: Plan, r: ValueReport) -> dict[str, Any]:
    """Every field of a value report checked at once: the clean fields, or one `FieldError` naming them all."""
    year, value, judgement, note, status, version, _, _ = _collect([
        lambda: check_year(plan, r.year), lambda: check_value(ind, r.value),
        lambda: check_judgement(r.judgement), lambda: check_note(r.source_note),
        lambda: check_action(r.action), lambda: check_version(r.expected_version),
        lambda: check_unit(ind, r.unit), lambda: check_evidence(r.evidence)])
    check_reported(ind, value, judgement, status == "submitted")
    return {"year": year, "value": value, "judgement": judgement, "note": note, "status": status,
            "version": version}


def stored_observation(session: Session, ind: Indicator, region: str, year: int) -> Observation | None:
    return session.scalars(select(Observation).where(
        Observation.metric_id == ind.metric_id, Observation.region_code == region,
        Observation.year == year)).first()


def submit_value(session: Session, actor: Actor, r: ValueReport, files_root: Path | None = None, *,
                 by: str | None = None) -> dict[str, Any]:
    """Save a draft or submit a value for the plan's own region, in the caller's transaction.

    Raises `Forbidden` (role or department), `NotFound`, `FieldError` (every bad field) or
    `ConflictError` (someone else wrote first); nothing is written then, and no file is kept."""
    if not may(actor, "report"):
        raise Forbidden("无权报送 / not allowed to report")
    ind, plan = active_indicator(session, r.indicator_id)
    check_scope_indicator(session, actor, ind.id)
    clean = check_value_report(ind, plan, r)
    lock_writes(session)  # before reading what the version check compares
    current = stored_observation(session, ind, plan.region_code, clean["year"])
    evidence = (current.evidence_file, current.evidence_name) if current else (None, None)
    if r.evidence is not None:
        if files_root is None:
            raise RegisterError("未配置文件目录 / no files directory to store evidence in")
        evidence = store_evidence(session, files_root, r.evidence)
    who = by or getattr(actor, "username", None)
    row = ObservationInput(
        indicator_id=ind.id, region_code=plan.region_code, year=clean["year"], value=clean["value"],
        judgement=clean["judgement"], status=clean["status"], source_note=clean["note"],
        evidence_file=evidence[0], evidence_name=evidence[1], reporter_id=actor.id,
        reporter_name=getattr(actor, "display_name", None) or who,
        expected_version=expected_version(clean["version"], current.version if current else None))
    if current is None or not is_unchanged(current, row):  # re-sending what is stored writes nothing
        check_open(actor, current.status if current else None, "value")
    write_observations(session, [row], by=who,
                       reason="填报草稿 / draft" if clean["status"] == "draft" else "提交 / submitted")
    saved = stored_observation(session, ind, plan.region_code, clean["year"])
    assert saved is not None
    session.refresh(saved)
    return observation_dict(saved)


def decide_value(session: Session, actor: Actor, observation_id: int, action: str, version: Any,
                 comment: str | None = None) -> dict[str, Any]:
    """Approve a submitted value or return it with a comment (version-checked, four eyes)."""
    return decide(session, actor, "observation", observation_id, action, version, comment)


def observation_dict(o: Observation) -> dict[str, Any]:
    return {"id": o.id, "indicator_id": o.indicator_id, "metric_id": o.metric_id, "region_code": o.region_code,
            "year": o.year, "value": o.value, "judgement": o.judgement, "status": o.status,
            "source_note": o.source_note, "evidence": bool(o.evidence_file),
            "evidence_name": evidence_display_name(o.evidence_file, o.evidence_name) if o.evidence_file else None,
            "reporter": o.reporter_name, "version": o.version, "simulated": o.simulated,
            "reported_at": o.reported_at.isoformat(timespec="seconds") if o.reported_at else None}


# -- task and project progress ---------------------------------------------------------------------------------
@dataclass
class ProgressReportIn:
    """One year's progress of a task or project, as sent (text or numbers)."""

    kind: str
    item_id: int
    year: Any
    state: str = ""
    percent: Any = None
    note: str | None = None
    action: str = "submit"
    expected_version: Any = None
    evidence: Upload | None = None
    evidence_ref: str | None = None  # a text reference (command line), instead of an upload
    status: str | None = None  # the command line may store another status, if the actor may approve
    simulated: bool = False


def submit_progress(session: Session, actor: Actor, r: ProgressReportIn, files_root: Path | None = None, *,
                    by: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """Save a draft or submit a task's/project's progress for a year, in the caller's transaction.
    The same rules and errors as `submit_value`."""
    if not may(actor, "report"):
        raise Forbidden("无权报送 / not allowed to report")
    if r.kind not in ITEM_KINDS:
        raise FieldError("kind", "类型应为 task 或 project", "kind must be task or project")
    item = pg.get_item(session, r.kind, r.item_id)
    if not item.active:
        raise NotFound(f"{pg.item_ref(r.kind, r.item_id)} 已删除 / {pg.item_ref(r.kind, r.item_id)} was removed")
    check_scope_item(session, actor, r.kind, r.item_id)
    plan = session.get(Plan, item.plan_id)
    assert plan is not None

    def state() -> str:
        if not (r.state or "").strip():
            raise FieldError("state", "必填", "required")
        return r.state.strip()

    year, st, percent, note, status, version, _ = _collect([
        lambda: check_year(plan, r.year), state, lambda: pg.parse_percent(r.percent),
        lambda: check_note(r.note, "note"), lambda: check_action(r.action),
        lambda: check_version(r.expected_version), lambda: check_evidence(r.evidence)])
    if r.status is not None:
        if r.status not in ("draft", "submitted") and not may(actor, "approve"):
            raise Forbidden("无权直接设定审核状态 / not allowed to set a decided status")
        status = r.status
    row = pg.ProgressInput(r.kind, r.item_id, year, st, percent=percent, note=note, status=status,
                           reporter_id=actor.id, simulated=r.simulated,
                           reporter_name=getattr(actor, "display_name", None) or by or getattr(actor, "username", None))
    pg.validate(session, row)  # the item's own rules (states, percent) before anything is stored
    lock_writes(session, "progress")
    current = pg.stored(session, r.kind, r.item_id, year)
    check_open(actor, current.status if current else None, "state")
    row.expected_version = expected_version(version, current.version if current else None)
    row.evidence_file, row.evidence_name = (current.evidence_file, current.evidence_name) if current else (None, None)
    if r.evidence_ref is not None:
        row.evidence_file = check_evidence_reference(r.evidence_ref, current.evidence_file if current else None)
        row.evidence_name = None if row.evidence_file != (current.evidence_file if current else None) \
            else row.evidence_name
    if r.evidence is not None:
        if files_root is None:
            raise RegisterError("未配置文件目录 / no files directory to store evidence in")
        row.evidence_file, row.evidence_name = store_evidence(session, files_root, r.evidence)
    who = by or getattr(actor, "username", None)
    saved = pg.report_progress(session, row, by=who, reason=reason or (
        "填报草稿 / draft" if status == "draft" else "提交 / submitted"))
    session.flush()
    session.refresh(saved)
    return progress_dict(saved)


def decide_progress(session: Session, actor: Actor, report_id: int, action: str, version: Any,
                    comment: str | None = None) -> dict[str, Any]:
    """Approve a submitted progress report or return it with a comment (version-checked, four eyes)."""
    return decide(session, actor, "progress", report_id, action, version, comment)


def decide(session: Session, actor: Actor, kind: str, row_id: int, action: str, version: Any,
           comment: str | None = None) -> dict[str, Any]:
    """The one decision for every reported thing ("observation" or "progress"): only a submitted row,
    by someone who may approve and did not submit it, at the version they saw."""
    status, v = check_decision(actor, action, comment, version)
    model, set_row_status, as_dict, what = _DECIDABLE[kind]
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"{what[0]}不存在 / no {what[1]} {row_id}")
    if row.status != "submitted":
        raise FieldError("action", f"只能审核待审核的{what[0]}", f"only a submitted {what[1]} can be approved or returned")
    check_not_own(actor, status, row.reporter_id)
    set_row_status(session, row_id, v, status, by=getattr(actor, "username", None),
                   reason=(comment or "").strip() or "审核通过 / approved")
    session.refresh(row)
    return as_dict(row)


def progress_dict(row: Any) -> dict[str, Any]:
    d = pg.report_dict(row)
    d["evidence_name"] = (evidence_display_name(row.evidence_file, getattr(row, "evidence_name", None))
                          if row.evidence_file else None)
    return d


# What can be decided: the row's model, its status setter (storage layer), its dict, its name (zh, en).
_DECIDABLE: dict[str, tuple[Any, Callable[..., Any], Callable[[Any], dict[str, Any]], tuple[str, str]]] = {
    "observation": (Observation, set_status, observation_dict, ("数据", "value")),
    "progress": (ProgressReport, pg.set_progress_status, progress_dict, ("进展", "progress report")),
}


# -- reads the reporting screens need ---------------------------------------------------------------------------
def last_comment(session: Session, entity: str, row_id: int) -> str | None:
    """The reason given with the latest return of a value ("observation") or progress report ("progress")."""
    for h in session.scalars(select(History).where(History.entity == entity, History.entity_id == row_id)
                             .order_by(History.id.desc()).limit(20)):
        if (h.new or {}).get("status") == "returned":
            return h.reason
    return None


def default_year(plan_start: int, plan_end: int, today: Any = None) -> int:
    """The data year a department reports now: last calendar year, kept within the plan."""
    from datetime import date

    year = (today or date.today()).year - 1
    return max(plan_start, min(plan_end, year))


def reporting_rows(session: Session, ids: frozenset[int] | None, year: int | None,
                   user: Any = None) -> list[dict[str, Any]]:
    """The indicators a user reports on (`ids`, None: all), each with its value for `year` (or the year
    the plan reports now, `rounds.reporting_year`) and, where `user` may not write that year, why
    (`rounds.closed_for`, the write path's own rule: the form shows the value read-only)."""
    from planwatch.register import rounds

    q = select(Indicator).where(Indicator.active).order_by(Indicator.plan_id, Indicator.position)
    if ids is not None:
        q = q.where(Indicator.id.in_(list(ids) or [-1]))
    out = []
    years: dict[int, int] = {}
    closed: dict[tuple[int, int], dict[str, Any] | None] = {}
    for ind in session.scalars(q).all():
        plan = ind.plan
        first, last = year_window(plan)
        if year and first <= year <= last:
            y = year
        else:
            if plan.id not in years:
                years[plan.id] = rounds.reporting_year(session, plan)
            y = years[plan.id]
        if (plan.id, y) not in closed:
            closed[(plan.id, y)] = rounds.closed_for(session, plan.id, y, user)
        obs = stored_observation(session, ind, plan.region_code, y)
        out.append({"id": ind.id, "ref": ind.ref, "plan_id": plan.id, "plan_title": plan.title, "name": ind.name,
                    "unit": ind.unit, "domain": ind.domain, "target_raw": ind.target_raw,
                    "baseline_raw": ind.baseline_raw, "qualitative": ind.target_op == "qualitative",
                    # The browser checks what the server checks: a share over 100 only where the rule forbids it.
                    "percent": (ind.unit or "").strip() == "%" and value_problem(ind.name, ind.unit, 101.0) is not None,
                    "allow_negative": value_problem(ind.name, ind.unit, -1.0) is None, "year": y,
                    "period": [plan.period_start, plan.period_end],
                    "observation": observation_dict(obs) if obs else None,
                    "comment": last_comment(session, "observation", obs.id) if obs and obs.status == "returned"
                    else None, "closed": closed[(plan.id, y)]})
    return out


def reporting_groups(session: Session, ids: frozenset[int] | None, year: int | None, *, page: int = 1,
                     per_page: int = 50, focus: int | None = None, department_id: int | None = None,
                     user: Any = None) -> dict[str, Any]:
    """The reporting screen: `reporting_rows` grouped by lead department (for a reporter, its own), each
    group with its counts (reported = submitted or approved / due), `per_page` rows a page. `focus`: show
    the page holding that indicator (a form sent back with an error). `department_id`: the reporter's
    department, its group named so even where it is not the lead."""
    from planwatch.register.queries import departments_of
    from planwatch.register.rounds import REPORTED_STATUSES

    rows = reporting_rows(session, ids, year, user)
    deps = departments_of(session, [r["id"] for r in rows])
    own = None
    if department_id is not None:
        own = next((d["name"] for ds in deps.values() for d in ds if d["id"] == department_id), None)
    for r in rows:
        ds = deps.get(r["id"]) or []
        if own is not None:
            r["department"] = own
        else:
            r["department"] = ds[0]["name"] if ds else None
    order: dict[str | None, int] = {}
    for r in rows:
        order.setdefault(r["department"], len(order))
    rows.sort(key=lambda r: (r["department"] is None, r["department"] or "", r["plan_id"]))
    counts: dict[str | None, dict[str, int]] = {}
    for r in rows:
        c = counts.setdefault(r["department"], {"reported": 0, "due": 0})
        c["due"] += 1
        o = r["observation"]
        c["reported"] += bool(o and o["status"] in REPORTED_STATUSES)
    total = len(rows)
    pages = max(1, -(-total // per_page))
    if focus is not None:
        at = next((i for i, r in enumerate(rows) if r["id"] == focus), None)
        if at is not None:
            page = at // per_page + 1
    page = min(max(page, 1), pages)
    groups: list[dict[str, Any]] = []
    for r in rows[(page - 1) * per_page: page * per_page]:
        if not groups or groups[-1]["department"] != r["department"]:
            groups.append({"department": r["department"], **counts[r["department"]], "rows": []})
        groups[-1]["rows"].append(r)
    return {"groups": groups, "departments": len(counts),
            "paging": {"page": page, "pages": pages, "total": total, "per_page": per_page}}


def approval_queue(session: Session, *, offset: int = 0, limit: int | None = None,
                   context: bool = False) -> list[dict[str, Any]]:
    """Submitted values, oldest first, with their indicator and plan (`limit` rows from `offset`).
    With `context`, each row also carries what an approver weighs it against (`approval_context`)."""
    q = (select(Observation, Indicator, Plan)
         .join(Indicator, Indicator.id == Observation.indicator_id)
         .join(Plan, Plan.id == Indicator.plan_id)
         .where(Observation.status == "submitted")
         .order_by(Observation.reported_at, Observation.id).offset(max(offset, 0)))
    if limit is not None:
        q = q.limit(limit)
    rows = [{**observation_dict(o), "indicator_name": i.name, "unit": i.unit, "plan_title": p.title,
             "target_raw": i.target_raw, "baseline_raw": i.baseline_raw, "reporter_id": o.reporter_id}
            for o, i, p in session.execute(q).all()]
    with_display_names(session, rows, "reporter")
    return approval_context(session, rows) if context else rows


def approval_count(session: Session) -> int:
    """How many values wait for approval."""
    return int(session.scalar(select(func.count()).select_from(Observation)
                              .where(Observation.status == "submitted")) or 0)


def approval_context(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each queued value with last year's approved value, the change (absolute and %), the year's
    milestone and the outlier flags with their explanation (`evaluate.outliers`, the one rule)."""
    from planwatch.evaluate.outliers import change, outlier

    if not rows:
        return rows
    metrics = sorted({r["metric_id"] for r in rows})
    approved: dict[tuple[int, str], dict[int, float]] = {}
    for n in range(0, len(metrics), 500):
        for metric, region, year, value in session.execute(
                select(Observation.metric_id, Observation.region_code, Observation.year, Observation.value)
                .where(Observation.metric_id.in_(metrics[n:n + 500]), Observation.status == "approved",
                       Observation.value.is_not(None))):
            approved.setdefault((metric, region), {})[year] = value
    wanted = {(r["indicator_id"], r["region_code"], r["year"]) for r in rows}
    ids = sorted({k[0] for k in wanted})
    miles: dict[tuple[int, str, int], Any] = {}
    for n in range(0, len(ids), 500):
        for m in session.scalars(select(Milestone).where(Milestone.indicator_id.in_(ids[n:n + 500]))):
            if (m.indicator_id, m.region_code, m.year) in wanted:
                miles[(m.indicator_id, m.region_code, m.year)] = m.value if m.value is not None else m.raw
    for r in rows:
        series = approved.get((r["metric_id"], r["region_code"]), {})
        last = series.get(r["year"] - 1)
        c = change(r["value"], last)
        flags = outlier(r["value"], last, [v for y, v in sorted(series.items()) if y < r["year"]])
        r.update({"last_year": last, "change": c.absolute,
                  "change_pct": None if c.relative is None else c.relative * 100,
                  "milestone": miles.get((r["indicator_id"], r["region_code"], r["year"])),
                  "flags": [{"kind": f.kind, "zh": f.zh, "en": f.en} for f in flags]})
    return rows


def decide_many(session: Session, actor: Actor, kind: str, rows: Iterable[tuple[int, Any]], action: str,
                comment: str | None = None) -> dict[str, Any]:
    """`decide` for several rows ((id, version seen)) in the caller's transaction: each row that can be
    decided is; one that cannot (own submission, changed since, no longer waiting) is skipped with
    its reason and nothing of it is written. A decision needs the right to approve, and a return its
    comment, before any row is looked at."""
    check_decision(actor, action, comment, 0)
    done: list[int] = []
    skipped: list[dict[str, Any]] = []
    for row_id, version in rows:
        try:
            decide(session, actor, kind, row_id, action, version, comment)
            done.append(row_id)
        except Forbidden as exc:
            skipped.append({"id": row_id, "reason": str(exc)})
        except FieldError as exc:
            skipped.append({"id": row_id, "reason": f"{exc.zh} / {exc.en}"})
        except RegisterError as exc:  # a conflict: changed since the approver saw it
            skipped.append({"id": row_id, "reason": str(exc)})
    return {"action": action, "decided": done, "skipped": skipped}


def progress_queue(session: Session) -> list[dict[str, Any]]:
    """Submitted progress reports, oldest first, with the task/project and plan they are for."""
    out = []
    for r in session.scalars(select(ProgressReport).where(ProgressReport.status == "submitted")
                             .order_by(ProgressReport.reported_at)):
        item = pg.get_item(session, r.kind, r.item_id)
        plan = session.get(Plan, item.plan_id)
        out.append({**progress_dict(r), "name": pg.item_name(item), "plan_id": item.plan_id,
                    "plan_title": plan.title if plan else "", "reporter_id": r.reporter_id})
    return with_display_names(session, out, "reporter")


def plan_year(session: Session, plan_id: int, year: int | None) -> tuple[Plan, int]:
    """A plan and the year its tasks page shows: `year` when in the window, else the year it reports now
    (`rounds.reporting_year`)."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"规划不存在 / no plan {plan_id}")
    first, last = year_window(plan)
    if year is None or not first <= year <= last:
        from planwatch.register.rounds import reporting_year

        year = reporting_year(session, plan)
    return plan, year


__all__ = ["EVIDENCE_MAX", "EVIDENCE_TYPES", "CommandLine", "FieldError", "Forbidden", "ProgressReportIn",
           "Upload", "ValueReport", "approval_queue", "check_decision", "check_evidence", "check_judgement",
           "check_unit", "check_value", "check_version", "check_year", "decide_progress", "decide_value",
           "evidence_for", "progress_queue", "reporting_rows", "submit_progress", "submit_value"]
