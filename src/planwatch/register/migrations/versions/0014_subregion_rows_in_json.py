"""sub-region statuses read from the stored evaluations' JSON: the table of one row each goes

`subregion_statuses` held one row per (stored indicator evaluation, sub-region): ~1,200 a county plan,
~4 million at scale 1, written with every plan's evaluation (issue 13: inserting them was most of the
store's time). The same rows are in `evaluations.subregions`; the two readers (the dashboard's region
filter, a viewer's region counts) read them from there, bounded by the plans above the region or by
the viewer's indicators (`register.summary._subregion_rows`). Downgrading rebuilds the table from that
JSON.

Revision ID: 0014_subregion_rows_in_json
Revises: 0013_cold_reads
Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_subregion_rows_in_json"
down_revision = "0013_cold_reads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_subregion_statuses_plan_id", table_name="subregion_statuses")
    op.drop_index("ix_subregion_statuses_region_status", table_name="subregion_statuses")
    op.drop_table("subregion_statuses")


def downgrade() -> None:
    op.create_table(
        "subregion_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"],
                                name=op.f("fk_subregion_statuses_indicator_id_indicators"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_subregion_statuses_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subregion_statuses")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(
            "INSERT INTO subregion_statuses (plan_id, indicator_id, region_code, status)"
            " SELECT e.plan_id, e.indicator_id, j ->> 'code', j ->> 'status_code'"
            " FROM evaluations e, json_array_elements(e.subregions) j"
            " WHERE e.subregions IS NOT NULL AND j ->> 'code' <> '' AND j ->> 'status_code' <> ''"))
    else:
        op.execute(sa.text(
            "INSERT INTO subregion_statuses (plan_id, indicator_id, region_code, status)"
            " SELECT e.plan_id, e.indicator_id, json_extract(j.value, '$.code'), json_extract(j.value, '$.status_code')"
            " FROM evaluations e, json_each(e.subregions) j"
            " WHERE e.subregions IS NOT NULL AND json_extract(j.value, '$.code') <> ''"
            " AND json_extract(j.value, '$.status_code') <> ''"))
    op.create_index("ix_subregion_statuses_region_status", "subregion_statuses", ["region_code", "status"],
                    unique=False)
    op.create_index("ix_subregion_statuses_plan_id", "subregion_statuses", ["plan_id"], unique=False)
