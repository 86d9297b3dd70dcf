"""scale: per-plan data versions, the register's change sequence, stored evaluations and status counts

`plans.data_version` is the change sequence at the last write that changed what the plan's pages
read; `register_state` holds the sequence; `evaluations` and `status_counts` keep evaluation results
with the versions they were computed from (register.versions, register.evaluations).

Revision ID: 0008_scale
Revises: 0007_rounds
Create Date: 2026-12-05 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_scale"
down_revision = "0007_rounds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_version", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index(batch_op.f("ix_plans_data_version"), ["data_version"], unique=False)
    op.create_table(
        "register_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("structure_seq", sa.Integer(), nullable=False),
        sa.Column("shared_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_state")),
    )
    op.execute("INSERT INTO register_state (id, seq, structure_seq, shared_seq) VALUES (1, 0, 0, 0)")
    op.create_table(
        "plan_evaluations",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("shared_seq", sa.Integer(), nullable=False),
        sa.Column("indicator_count", sa.Integer(), nullable=False),
        sa.Column("main_count", sa.Integer(), nullable=False),
        sa.Column("early_warnings", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_evaluations_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_plan_evaluations")),
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completion", sa.Float(), nullable=True),
        sa.Column("schedule", sa.Float(), nullable=True),
        sa.Column("ratio", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("value_year", sa.Integer(), nullable=True),
        sa.Column("projected", sa.Float(), nullable=True),
        sa.Column("projected_meets", sa.Boolean(), nullable=True),
        sa.Column("warning_code", sa.String(length=20), nullable=True),
        sa.Column("domain", sa.String(length=100), nullable=True),
        sa.Column("binding", sa.Boolean(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"],
                                name=op.f("fk_evaluations_indicator_id_indicators"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_evaluations_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("plan_id", "indicator_id", name=op.f("uq_evaluations_plan_id_indicator_id")),
    )
    op.create_index(op.f("ix_evaluations_indicator_id"), "evaluations", ["indicator_id"], unique=False)
    op.create_table(
        "status_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("domain", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("binding_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_status_counts_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_counts")),
        sa.UniqueConstraint("plan_id", "domain", "department", "status", name=op.f("uq_status_counts_plan_id_domain_department_status")),
    )
    op.create_index("ix_status_counts_region_code", "status_counts", ["region_code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_status_counts_region_code", table_name="status_counts")
    op.drop_table("status_counts")
    op.drop_index(op.f("ix_evaluations_indicator_id"), table_name="evaluations")
    op.drop_table("evaluations")
    op.drop_table("plan_evaluations")
    op.drop_table("register_state")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_data_version"))
        batch_op.drop_column("data_version")
