"""Typed, bounded request parameters shared by every route (pages and API).

A path id or a year that the database cannot hold (ids ≥ 2^31 overflow
PostgreSQL's integer, ids ≥ 2^63 SQLite's) or that is not written in ASCII
digits ("²" passes str.isdigit but not int) is refused with a 4xx here, before
any query runs.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path, Query, Request
from pydantic import Field, PlainValidator, WithJsonSchema

MAX_ID = 2**31 - 1  # register ids are 32-bit integers on PostgreSQL
YEAR_MIN, YEAR_MAX = 1949, 2200  # any plan year the register can hold
MAX_VERSION = 2**31 - 1

# Path parameters
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="register id")]


class Ref(int):
    """A register id read from any form the system prints: 90, i90 or p3-i90 for an indicator,
    3 or p3 for a plan, t12 / pr3 for a task or project. `plan` is the plan the form names
    (p3-i90 → 3), which the route checks against the record it finds."""

    plan: int | None = None


# The printed forms of each kind of id (the register's Indicator.ref, register.progress.item_ref).
_REF_FORMS = {
    "plan": re.compile(r"(?i)p?(?P<id>[0-9]{1,10})"),
    "indicator": re.compile(r"(?i)(?:p(?P<plan>[0-9]{1,10})-)?i?(?P<id>[0-9]{1,10})"),
    "item": re.compile(r"(?i)(?:p(?P<plan>[0-9]{1,10})-)?(?:t|pr)?(?P<id>[0-9]{1,10})"),
}
_REF_PATTERNS = {
    "plan": r"^[pP]?[1-9][0-9]{0,8}$",
    "indicator": r"^([pP][1-9][0-9]{0,8}-)?[iI]?[1-9][0-9]{0,8}$",
    "item": r"^([pP][1-9][0-9]{0,8}-)?([tT]|[pP][rR])?[1-9][0-9]{0,8}$",
}
_REF_EXAMPLES = {"plan": "3 or p3", "indicator": "90, i90 or p3-i90", "item": "12, t12 or pr3"}


def parse_ref(text: object, kind: str) -> Ref:
    """The id in `text` written in one of `kind`'s printed forms; ValueError names the forms."""
    m = _REF_FORMS[kind].fullmatch(str(text).strip())
    value = int(m.group("id")) if m else 0
    plan = int(m.group("plan")) if m and m.groupdict().get("plan") else None
    if not m or not 1 <= value <= MAX_ID or (plan is not None and not 1 <= plan <= MAX_ID):
        raise ValueError(f"not a {kind} id: {str(text)[:40]!r} (write {_REF_EXAMPLES[kind]})")
    ref = Ref(value)
    ref.plan = plan
    return ref


def same_plan(ref: int, plan_id: int) -> bool:
    """False when the id's printed form names another plan than the record's (p1-i90 for p3's i90)."""
    return getattr(ref, "plan", None) in (None, plan_id)


def _ref_type(kind: str, description: str) -> object:
    schema = {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID},
                        {"type": "string", "pattern": _REF_PATTERNS[kind]}]}
    return Annotated[int, PlainValidator(lambda v: parse_ref(v, kind)), WithJsonSchema(schema),
                     Path(description=description)]


PlanId = _ref_type("plan", "plan id: 3 or p3")
IndicatorId = _ref_type("indicator", "indicator id: 90, i90 or p3-i90 (as printed)")
ItemId = _ref_type("item", "task or project id: 12, t12 or pr3 (as printed)")

# Query parameters
OptYear = Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX, description="data year")]
MAX_PAGE_SIZE = 1000
Page = Annotated[int, Query(ge=1, le=MAX_ID, description="page number, from 1 (with limit)")]
OptLimit = Annotated[int | None, Query(ge=1, le=MAX_PAGE_SIZE, description="rows per page (default: every row)")]
# Body fields (pydantic models)
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
BodyYear = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
BodyVersion = Annotated[int, Field(ge=0, le=MAX_VERSION)]

_ASCII_INT = re.compile(r"[0-9]{1,10}")


def parse_int(text: str | None, lo: int = 0, hi: int = MAX_ID) -> int | None:
    """An int written in ASCII digits within [lo, hi], else None (form fields and lenient page queries)."""
    if text is None:
        return None
    s = text.strip()
    if not _ASCII_INT.fullmatch(s):
        return None
    value = int(s)
    return value if lo <= value <= hi else None


def parse_year(text: str | None) -> int | None:
    return parse_int(text, YEAR_MIN, YEAR_MAX)


def page_number(request: Request) -> int:
    """The `?page=` asked for (from 1; anything else is page 1)."""
    raw = request.query_params.get("page") or ""
    return min(int(raw), 100_000) if raw.isdigit() and int(raw) >= 1 else 1


def paging(page: int, total: int, per_page: int) -> dict[str, int]:
    """The one paging rule of every paged list: the page asked for, kept within the pages there are
    (the page starts at row `(page - 1) * per_page`)."""
    pages = max(1, -(-total // per_page))
    return {"page": min(max(page, 1), pages), "pages": pages, "total": total, "per_page": per_page}
