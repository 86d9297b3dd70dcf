"""a value's reported_at defaults to the transaction's time on PostgreSQL

A bulk load's COPY gave every row the same reported_at as text, which the server parsed row by row:
~0.5 µs of the COPY's ~1.8 µs a value (1 M rows into a copy of the table, issue 13). The load now
leaves the column out and the server fills in `now()`, the time its transaction began, once for every
row. Every other write still states the time. SQLite has no COPY, so nothing to change there.

Revision ID: 0016_reported_at_default
Revises: 0015_lz4_stored_evaluations
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0016_reported_at_default"
down_revision = "0015_lz4_stored_evaluations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE observations ALTER COLUMN reported_at SET DEFAULT now()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE observations ALTER COLUMN reported_at DROP DEFAULT")
