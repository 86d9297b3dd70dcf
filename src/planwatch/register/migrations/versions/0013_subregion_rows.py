"""sub-region rows apart: `evaluations.subregions` holds each stored indicator's sub-region rows

A stored indicator evaluation kept its sub-region rows (code, name, value, year, status…) inside
`detail`, so every page reading a plan's stored evaluation parsed them: a provincial plan's indicator
has one row per county (~3,300 at scale 1). They move to their own column, read only by the pages that
show them (the indicator page and its API twin: `register.evaluations.stored(..., subregions=...)`).
The stored rows are moved here, in the database (no re-evaluation needed).

Revision ID: 0013_subregion_rows
Revises: 0012_region_rollup
Create Date: 2026-12-06 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_subregion_rows"
down_revision = "0012_region_rollup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subregions", sa.JSON(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(
            "UPDATE evaluations SET subregions = CASE WHEN json_array_length(detail -> 'subregions') > 0"
            " THEN detail -> 'subregions' END, detail = (detail::jsonb - 'subregions')::json"
            " WHERE detail -> 'subregions' IS NOT NULL"))
    else:
        op.execute(sa.text(
            "UPDATE evaluations SET subregions = CASE WHEN json_array_length(detail, '$.subregions') > 0"
            " THEN json_extract(detail, '$.subregions') END, detail = json_remove(detail, '$.subregions')"
            " WHERE json_type(detail, '$.subregions') IS NOT NULL"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(
            "UPDATE evaluations SET detail = (detail::jsonb"
            " || jsonb_build_object('subregions', COALESCE(subregions::jsonb, '[]'::jsonb)))::json"))
    else:
        op.execute(sa.text(
            "UPDATE evaluations SET detail = json_set(detail, '$.subregions', json(COALESCE(subregions, '[]')))"))
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_column("subregions")
