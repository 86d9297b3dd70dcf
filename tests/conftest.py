"""Fixtures every test package shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from planwatch.register.testing import TempPostgres, why_unavailable


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TempPostgres]:
    """One real PostgreSQL server for the session; each test makes its own database on it."""
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    with TempPostgres() as pg:
        yield pg
