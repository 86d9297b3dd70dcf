"""a stored evaluation's plan is no foreign key: its indicator's cascade already removes it

Every stored evaluation row names its indicator (NOT NULL, ON DELETE CASCADE), and an indicator belongs
to one plan, so deleting a plan deletes its evaluations through its indicators. The second foreign key,
to the plan, removed nothing more, yet cost the server a lookup (and a row lock on the plan) for every
row stored: at scale 1 on PostgreSQL, `evaluate --all` alternated on one register took 59.0 / 59.6 s
without it against 60.6 / 60.8 s with it (issue 13). The (plan, indicator) unique key stays.

Revision ID: 0017_evaluations_plan_key
Revises: 0016_reported_at_default
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0017_evaluations_plan_key"
down_revision = "0016_reported_at_default"
branch_labels = None
depends_on = None

_KEY = "fk_evaluations_plan_id_plans"


def upgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_constraint(_KEY, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_foreign_key(_KEY, "plans", ["plan_id"], ["id"], ondelete="CASCADE")
