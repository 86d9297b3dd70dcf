"""Approved means final: which workflow states of a reported value count.

Every output that states a plan's progress (plan and indicator pages, the public portal and its
API, downloads and exports, compare, evaluations, reports, the plan's data year) asks this module
which values count, so the rule has one home. Values still in the workflow (submitted, draft) are
"pending": staff may see them, marked 待审核 / pending review, but they never count."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from planwatch.register.schema import OBSERVATION_STATUSES

# The states a value passes through before it is final (returned values go back to their reporter).
PENDING_STATUSES: tuple[str, ...] = ("submitted", "draft")
ALL_STATUSES: tuple[str, ...] = OBSERVATION_STATUSES


def counted_statuses() -> tuple[str, ...]:
    """The workflow states whose values count in status, completion, data year and every output."""
    return ("approved",)


def is_counted(status: str) -> bool:
    return status in counted_statuses()


def is_pending(status: str) -> bool:
    """A value waiting in the workflow: shown to staff as 待审核 / pending review, never counted."""
    return status in PENDING_STATUSES


class _HasStatus(Protocol):
    status: Any


T = TypeVar("T", bound=_HasStatus)


def counted(values: Iterable[T]) -> list[T]:
    """The values (anything with a `status`) that count."""
    states = counted_statuses()
    return [v for v in values if v.status in states]
