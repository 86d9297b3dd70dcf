"""dashboard summary: what the leader's dashboard reads instead of evaluating every plan

Each stored indicator evaluation keeps its plan's region, its lead department and its place in the
risk order (`evaluate.warnings.risk_key`); `status_counts` keeps how many are at risk, how many are 主要指标 and the plan's order of its domains; the sub-regions'
statuses of each evaluated indicator get a table of their own (the dashboard's region filter and map).
Stored evaluations are a cache: they are dropped here and recomputed (`planwatch evaluate --all`, or by
the pages, stale plans only).

Revision ID: 0011_dashboard_summary
Revises: 0010_region_boundaries
Create Date: 2026-12-05 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_dashboard_summary"
down_revision = "0010_region_boundaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("status_counts", "evaluations", "plan_evaluations"):
        op.execute(sa.text(f"DELETE FROM {table}"))
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_code", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("department", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("risk_severity", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("risk_kind", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("status_rank", sa.Integer(), nullable=True))
        batch_op.create_index("ix_evaluations_risk", ["risk_severity", "risk_kind"], unique=False)
        batch_op.create_index("ix_evaluations_region_code", ["region_code"], unique=False)
    with op.batch_alter_table("status_counts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("binding_risk_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("main_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("first_position", sa.Integer(), server_default="0", nullable=False))
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
    op.create_index("ix_subregion_statuses_region_status", "subregion_statuses", ["region_code", "status"],
                    unique=False)
    op.create_index("ix_subregion_statuses_plan_id", "subregion_statuses", ["plan_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_subregion_statuses_plan_id", table_name="subregion_statuses")
    op.drop_index("ix_subregion_statuses_region_status", table_name="subregion_statuses")
    op.drop_table("subregion_statuses")
    with op.batch_alter_table("status_counts", schema=None) as batch_op:
        batch_op.drop_column("first_position")
        batch_op.drop_column("main_count")
        batch_op.drop_column("binding_risk_count")
        batch_op.drop_column("risk_count")
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluations_region_code")
        batch_op.drop_index("ix_evaluations_risk")
        for column in ("status_rank", "risk_kind", "risk_severity", "department", "region_code"):
            batch_op.drop_column(column)
