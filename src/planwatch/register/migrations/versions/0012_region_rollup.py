"""region rollup: stored indicator statuses counted by plan × region × status

The dashboard's map and tiles count, in each region, the stored statuses of the plans' own indicators
and the sub-region statuses of the plans above. `region_status_counts` keeps those counts per plan,
rewritten in the transaction that stores the plan's evaluation (`register.evaluations.save_many`), so
the dashboard sums at most plans × regions × statuses rows instead of every sub-region status (4.1 M
rows at scale 1). Filled here from the stored rows.

Revision ID: 0012_region_rollup
Revises: 0011_dashboard_summary
Create Date: 2026-12-05 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_region_rollup"
down_revision = "0011_dashboard_summary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "region_status_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_region_status_counts_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_status_counts")),
    )
    op.create_index("ix_region_status_counts_region_status", "region_status_counts",
                    ["region_code", "status", "count"], unique=False)
    op.create_index("ix_region_status_counts_plan_id", "region_status_counts", ["plan_id"], unique=False)
    op.execute(sa.text(
        "INSERT INTO region_status_counts (plan_id, region_code, status, count) "
        "SELECT plan_id, region_code, status, SUM(n) FROM ("
        " SELECT plan_id, region_code, status, COUNT(*) AS n FROM subregion_statuses"
        " GROUP BY plan_id, region_code, status"
        " UNION ALL SELECT plan_id, region_code, status, SUM(count) AS n FROM status_counts"
        " GROUP BY plan_id, region_code, status) AS counted "
        "GROUP BY plan_id, region_code, status"))


def downgrade() -> None:
    op.drop_index("ix_region_status_counts_plan_id", table_name="region_status_counts")
    op.drop_index("ix_region_status_counts_region_status", table_name="region_status_counts")
    op.drop_table("region_status_counts")
