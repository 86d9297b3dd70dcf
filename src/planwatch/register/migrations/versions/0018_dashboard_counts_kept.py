"""the dashboard's register-wide counts are kept by the writes, and its at-risk page read in index order

At scale 1 on PostgreSQL a cold dashboard spent ~45 ms in statements that grew with the register
(issue 13): the region card grouped every plan's `status_counts` by region and counted the groups
(14 + 7 ms), the tiles counted every `region_totals` row (6.5 ms), the regions of the level left out
were found by a scan of every region (2.4 ms), and the at-risk page sorted every row of its first
severity and kind (12,000 rows, 9.6 ms).

- `region_totals` also keeps each region's own plans' indicators (how many, how many at risk) in the
  region card's order (`neg_own_risk`, `neg_own_total`, index `ix_region_totals_tally_order`);
- `region_counts`, one row: how many `region_totals` rows there are and how many count own plans;
- `ix_regions_level`;
- `ix_evaluations_risk` takes the risk order's directions (status rank and 约束性 descending).

Revision ID: 0018_dashboard_counts_kept
Revises: 0017_evaluations_plan_key
Create Date: 2026-12-07 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_dashboard_counts_kept"
down_revision = "0017_evaluations_plan_key"
branch_labels = None
depends_on = None

_RISK = ["risk_severity", "risk_kind", "status_rank", "binding", "ratio", "plan_id", "indicator_id"]


def upgrade() -> None:
    op.create_index("ix_regions_level", "regions", ["level"], unique=False)
    op.drop_index("ix_evaluations_risk", table_name="evaluations")
    op.create_index("ix_evaluations_risk", "evaluations",
                    ["risk_severity", "risk_kind", sa.text("status_rank DESC"), sa.text("binding DESC"), "ratio",
                     "plan_id", "indicator_id"], unique=False)
    with op.batch_alter_table("region_totals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("neg_own_risk", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("neg_own_total", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index("ix_region_totals_tally_order", ["neg_own_risk", "neg_own_total", "region_code"],
                              unique=False)
    own = "FROM status_counts WHERE status_counts.region_code = region_totals.region_code"
    op.execute(f"UPDATE region_totals SET neg_own_risk = -COALESCE((SELECT sum(risk_count) {own}), 0), "
               f"neg_own_total = -COALESCE((SELECT sum(count) {own}), 0)")
    op.create_table("region_counts",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("regions", sa.Integer(), nullable=False),
                    sa.Column("own_regions", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_region_counts")))
    op.execute("INSERT INTO region_counts (id, regions, own_regions) SELECT 1, count(*), "
               "COALESCE(sum(CASE WHEN neg_own_total < 0 THEN 1 ELSE 0 END), 0) FROM region_totals")


def downgrade() -> None:
    op.drop_table("region_counts")
    with op.batch_alter_table("region_totals", schema=None) as batch_op:
        batch_op.drop_index("ix_region_totals_tally_order")
        batch_op.drop_column("neg_own_total")
        batch_op.drop_column("neg_own_risk")
    op.drop_index("ix_evaluations_risk", table_name="evaluations")
    op.create_index("ix_evaluations_risk", "evaluations", _RISK, unique=False)
    op.drop_index("ix_regions_level", table_name="regions")
