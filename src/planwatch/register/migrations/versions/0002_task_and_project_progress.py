"""task and project progress: progress_reports, item_responsibilities, tasks/projects.active

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ONE_ITEM = "(task_id IS NULL) <> (project_id IS NULL)"


def upgrade() -> None:
    # Revisions of a plan now retire a task/project that has reported progress instead of deleting it.
    for table in ("tasks", "projects"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))

    op.create_table(
        "item_responsibilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=4), nullable=False),
        sa.CheckConstraint(_ONE_ITEM, name=op.f("ck_item_responsibilities_one_item")),
        sa.CheckConstraint("role IN ('lead', 'co')", name=op.f("ck_item_responsibilities_role")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_item_responsibilities_department_id_departments"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_item_responsibilities_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"],
                                name=op.f("fk_item_responsibilities_task_id_tasks"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_responsibilities")),
        sa.UniqueConstraint("project_id", "department_id",
                            name=op.f("uq_item_responsibilities_project_id_department_id")),
        sa.UniqueConstraint("task_id", "department_id", name=op.f("uq_item_responsibilities_task_id_department_id")),
    )
    with op.batch_alter_table("item_responsibilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_responsibilities_department_id"), ["department_id"], unique=False)

    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_file", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reporter_name", sa.String(length=100), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(_ONE_ITEM, name=op.f("ck_progress_reports_one_item")),
        sa.CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)",
                           name=op.f("ck_progress_reports_percent")),
        sa.CheckConstraint("state IN ('未启动', '推进中', '已完成', '滞后')", name=op.f("ck_progress_reports_state")),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'returned')",
                           name=op.f("ck_progress_reports_status")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_progress_reports_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], name=op.f("fk_progress_reports_reporter_id_users")),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"],
                                name=op.f("fk_progress_reports_task_id_tasks"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
        sa.UniqueConstraint("project_id", "year", name=op.f("uq_progress_reports_project_id_year")),
        sa.UniqueConstraint("task_id", "year", name=op.f("uq_progress_reports_task_id_year")),
    )


def downgrade() -> None:
    op.drop_table("progress_reports")
    with op.batch_alter_table("item_responsibilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_responsibilities_department_id"))
    op.drop_table("item_responsibilities")
    for table in ("projects", "tasks"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("active")
