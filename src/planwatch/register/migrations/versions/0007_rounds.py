"""reporting rounds (due date, lock date, state, unlock) and in-app notifications

Revision ID: 0007_rounds
Revises: 0006_evidence_names
Create Date: 2026-12-05 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_rounds"
down_revision = "0006_evidence_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporting_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("lock_date", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("unlocked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("unlocked_until", sa.Date(), nullable=True),
        sa.Column("opened_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('open', 'closed', 'approved', 'locked')",
                           name=op.f("ck_reporting_rounds_state")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_reporting_rounds_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_rounds")),
        sa.UniqueConstraint("plan_id", "year", name=op.f("uq_reporting_rounds_plan_id_year")),
    )
    op.create_index(op.f("ix_reporting_rounds_plan_id"), "reporting_rounds", ["plan_id"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["reporting_rounds.id"],
                                name=op.f("fk_notifications_round_id_reporting_rounds"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(op.f("ix_notifications_round_id"), "notifications", ["round_id"], unique=False)
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_notifications_user_id"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_round_id"), table_name="notifications")
    op.drop_table("notifications")
    op.drop_index(op.f("ix_reporting_rounds_plan_id"), table_name="reporting_rounds")
    op.drop_table("reporting_rounds")
