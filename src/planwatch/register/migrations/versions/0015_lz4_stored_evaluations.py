"""stored evaluations' JSON compressed with lz4 on PostgreSQL

A county plan's stored evaluation is ~95 rows of ~2.4 KB of JSON (`evaluations.detail`, `subregions`,
`equalisation`) and one of ~7 KB (`plan_evaluations.early_warnings`, `summary`): over PostgreSQL's
2 KB threshold, so each is compressed as it is stored. With the default method (pglz) the COPY of a
plan's rows took ~3.96 ms of the server's CPU, with lz4 ~3.10 ms (300 plans' rows at scale 1, issue
13); lz4 also reads back faster. Values stored before keep their method (PostgreSQL reads both).

A server built without lz4 (`default_toast_compression` does not offer it) keeps pglz; SQLite has
nothing to change.

Revision ID: 0015_lz4_stored_evaluations
Revises: 0014_subregion_rows_in_json
Create Date: 2026-12-07 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_lz4_stored_evaluations"
down_revision = "0014_subregion_rows_in_json"
branch_labels = None
depends_on = None

COLUMNS = {"evaluations": ("detail", "subregions", "equalisation"),
           "plan_evaluations": ("early_warnings", "summary")}


def _set(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    offered = bind.execute(sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")).scalar()
    if not offered or "lz4" not in offered:  # before PostgreSQL 14, or built without lz4
        return
    for table, columns in COLUMNS.items():
        op.execute(sa.text(f"ALTER TABLE {table} "
                           + ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {method}" for c in columns)))


def upgrade() -> None:
    _set("lz4")


def downgrade() -> None:
    _set("default")
