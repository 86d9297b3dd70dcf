"""Reporting on the web: the forms' and the API's adapter to `register.reporting`.

Pages and API both call these functions. Every rule — role, department, year window,
value, unit, judgement words, version, evidence — lives in `register.reporting`; here
the typed text becomes a report, the register's errors become per-field messages in
the page's language (`FieldErrors`), 403/404 (`AuthError`) or 409 (`ConflictErrors`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from planwatch.register import reporting as rp
from planwatch.register.errors import ConflictError, FieldError, Forbidden, NotFound, RegisterError
from planwatch.register.reporting import EVIDENCE_MAX, default_year, may_decide_own, observation_dict  # noqa: F401
from planwatch.web.access import visible_ids
from planwatch.web.i18n import translate
from planwatch.web.security import AuthError, WebUser

T = TypeVar("T")


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


@contextmanager
def register_errors(field_name: str, lang: str) -> Iterator[None]:
    """The register's errors as the web answers them: fields (422/400), conflicts (409),
    a role or department refusal (403), not found (404)."""
    try:
        yield
    except FieldError as exc:
        raise FieldErrors(exc.by_field(lang)) from exc
    except ConflictError as exc:
        raise conflict(field_name, exc, lang) from exc
    except Forbidden as exc:
        raise AuthError(403, "rep.own_submission" if exc.reason == "own_submission" else "error.forbidden") from exc
    except NotFound as exc:
        raise AuthError(404, "error.not_found") from exc
    except RegisterError as exc:
        raise FieldErrors({field_name: str(exc)}) from exc


def write(services: Any, fn: Callable[..., T], *args: Any, field_name: str, lang: str) -> T:
    """Run a register write in one transaction, with its errors mapped for the web."""
    with register_errors(field_name, lang), services.write() as s:
        return fn(s, *args)


@dataclass
class Entry:
    """One value as a form or API call sends it (all text, validated in the register)."""

    indicator_id: int
    year: str = ""
    value: str = ""
    judgement: str = ""
    source_note: str = ""
    action: str = "submit"  # draft | submit
    expected_version: str = ""
    evidence: tuple[str, bytes] | None = None  # (filename, content)
    unit: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def upload(evidence: tuple[str, bytes] | None) -> rp.Upload | None:
    return None if evidence is None else rp.Upload(*evidence)


def report_value(services: Any, user: WebUser, entry: Entry, lang: str, files_root: Path) -> dict[str, Any]:
    """Save a draft or submit a value for the plan's own region. Returns the stored row."""
    report = rp.ValueReport(
        indicator_id=entry.indicator_id, year=entry.year, value=entry.value, judgement=entry.judgement,
        source_note=entry.source_note, unit=entry.unit or None, action=entry.action,
        expected_version=entry.expected_version, evidence=upload(entry.evidence))
    return write(services, rp.submit_value, user, report, files_root, field_name="value", lang=lang)


def decide_row(services: Any, user: WebUser, kind: str, row_id: int, action: str, expected_version: str,
               comment: str, lang: str) -> dict[str, Any]:
    """A planner approves a submitted value ("observation") or progress report ("progress"), or returns
    it with a comment: `register.reporting.decide`, for pages and API alike."""
    return write(services, rp.decide, user, kind, row_id, action, expected_version, comment,
                 field_name="action", lang=lang)


def may_approve(user: WebUser, reporter_id: int | None) -> bool:
    """Four eyes, for values and task progress alike: whoever submitted a row may return it, not approve it."""
    return may_decide_own(user, reporter_id)


def approval_queue(session: Any) -> list[dict[str, Any]]:
    return rp.approval_queue(session)


def approval_page(session: Any, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    """One page of the approval queue with each row's context (last year, change, milestone, flags), and
    the queue's length."""
    total = rp.approval_count(session)
    return rp.approval_queue(session, offset=(page - 1) * per_page, limit=per_page, context=True), total


def decide_rows(services: Any, user: WebUser, kind: str, rows: list[tuple[int, str]], action: str, comment: str,
                lang: str) -> dict[str, Any]:
    """Approve or return several rows at once (`register.reporting.decide_many`): the rows that cannot
    be decided are skipped with their reason."""
    return write(services, rp.decide_many, user, kind, rows, action, comment, field_name="action", lang=lang)


def visible_reporting(services: Any, user: WebUser, year: int | None) -> list[dict[str, Any]]:
    ids = visible_ids(services, user)
    with services.read() as s:
        return rp.reporting_rows(s, ids, year)


def reporting_groups(services: Any, user: WebUser, year: int | None, page: int, per_page: int,
                     focus: int | None = None) -> dict[str, Any]:
    """The user's reporting rows grouped by department with counts, one page of them."""
    from planwatch.register.permissions import department_scoped

    ids = visible_ids(services, user)
    with services.read() as s:
        return rp.reporting_groups(s, ids, year, page=page, per_page=per_page, focus=focus,
                                   department_id=user.department_id if department_scoped(user) else None,
                                   user=user)


def template_choices(services: Any, user: WebUser) -> list[dict[str, Any]]:
    """The forms this user may download now: a reporter its department's, staff who see all every one."""
    from planwatch.register.permissions import department_scoped, may
    from planwatch.register.rounds import template_choices as choices

    if may(user, "see_all"):
        department: int | None = None
    elif department_scoped(user) and user.department_id is not None:
        department = user.department_id
    else:
        return []
    with services.read() as s:
        return choices(s, department)


def download_template(services: Any, user: WebUser, plan_id: int, year: int | None,
                      department_id: int | None) -> tuple[str, bytes]:
    """A department's reporting form for a plan and year (`exchange.template.department_form`, the CLI's
    `planwatch data template`), if it is one of `template_choices`; 404 otherwise."""
    from planwatch.exchange.template import department_form

    if department_id is None:
        department_id = user.department_id
    for c in template_choices(services, user):
        if (c["plan_id"], c["department_id"]) == (plan_id, department_id) and year in (None, c["year"]):
            with register_errors("plan", "zh"), services.read() as s:
                return department_form(s, plan_id, c["department"], year=c["year"])
    raise AuthError(404, "error.not_found")


def _table(filename: str, content: bytes, files_root: Path, lang: str) -> Any:
    """An uploaded .xlsx/.csv read into a table (type, size and safety checked), or `FieldErrors` on "file"."""
    from planwatch.exchange.reader import read_table

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
        table, problems = read_table(path)
    finally:
        path.unlink(missing_ok=True)
    if table is None:
        raise FieldErrors({"file": "\n".join(_problem_text(p, lang, filename) for p in problems[:50])})
    table.file = filename
    return table


def _import(services: Any, user: WebUser, table: Any, reason: str, lang: str) -> dict[str, Any]:
    from planwatch.exchange.importer import import_valid_rows

    try:
        with services.write() as s:
            result = import_valid_rows(s, table, user, reporter=user.username, reason=reason)
    except ConflictError as exc:
        raise conflict("file", exc, lang) from exc
    except RegisterError as exc:
        raise FieldErrors({"file": f"{table.file}: {exc}"}) from exc
    return {"file": table.file, "rows": result.rows, "inserted": result.inserted, "updated": result.updated,
            "unchanged": result.unchanged, "empty": result.empty,
            "problems": [{"row": p.row, "column": p.column or "", "message": p.zh if lang == "zh" else p.en}
                         for p in result.problems],
            "conflicts": [vars(c) for c in result.conflicts]}


def import_spreadsheet(services: Any, user: WebUser, filename: str, content: bytes, files_root: Path,
                       lang: str) -> dict[str, Any]:
    """A department's filled-in reporting form (.xlsx/.csv, the downloaded template): the valid rows are
    imported and the rest listed (row, column, message); rows someone else changed since the form was
    made come back as conflicts with both values (`exchange.importer.import_valid_rows`). A file that
    cannot be read at all raises `FieldErrors` on "file"."""
    table = _table(filename, content, files_root, lang)
    return _import(services, user, table, f"报表导入 / spreadsheet {filename}", lang)


def keep_mine(services: Any, user: WebUser, filename: str, rows: list[tuple[int, dict[str, Any]]],
              lang: str) -> dict[str, Any]:
    """Conflicting rows the reporter chose to keep: written at the version they were shown, through the
    same import (every rule again; a row changed once more comes back as a conflict)."""
    from planwatch.exchange.importer import choice_table

    return _import(services, user, choice_table(filename, rows),
                   f"报表导入冲突处理:保留本人填报值 / spreadsheet {filename}: kept the uploaded value", lang)


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
