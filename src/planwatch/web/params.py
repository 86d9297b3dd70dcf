"""Typed, bounded request parameters shared by every route (pages and API).

A path id or a year that the database cannot hold (ids ≥ 2^31 overflow
PostgreSQL's integer, ids ≥ 2^63 SQLite's) or that is not written in ASCII
digits ("²" passes str.isdigit but not int) is refused with a 4xx here, before
any query runs.
"""

from __future__ import annotations

import re
from typing import Annotated, TypeVar

from fastapi import Path, Query
from pydantic import Field

T = TypeVar("T")
MAX_ID = 2**31 - 1  # register ids are 32-bit integers on PostgreSQL
YEAR_MIN, YEAR_MAX = 1949, 2200  # any plan year the register can hold
MAX_VERSION = 2**31 - 1

# Path parameters
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="register id")]
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


def page_of(rows: list[T], page: int, limit: int | None) -> list[T]:
    """Rows of page `page` (from 1) of `limit` rows each; every row without a limit."""
    if limit is None:
        return rows
    return rows[(page - 1) * limit:page * limit]
