"""metrics and series: observations keyed by metric × region × year; plan succession and hierarchy

Every existing indicator becomes its own metric (same id), and its values move onto that metric's
series unchanged (same observation ids, so history rows still point at them). Nothing is merged:
matching names across plans is the import's and the reviewer's job, not the migration's.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=50), nullable=True),
        sa.Column("definition", sa.Text(), nullable=True),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("aggregation", sa.String(length=10), nullable=False),
        sa.Column("domain", sa.String(length=100), nullable=True),
        sa.Column("national_code", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("direction IN ('up', 'down')", name=op.f("ck_metrics_direction")),
        sa.CheckConstraint("aggregation IN ('sum', 'mean_pop', 'none')", name=op.f("ck_metrics_aggregation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metrics")),
        sa.UniqueConstraint("national_code", name=op.f("uq_metrics_national_code")),
    )
    # One metric per indicator, with the indicator's id: a lossless, obvious starting point.
    op.execute(
        "INSERT INTO metrics (id, name, unit, direction, aggregation, domain, created_at) "
        "SELECT id, name, unit, direction, aggregation, domain, updated_at FROM indicators"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('metrics', 'id'), "
                   "COALESCE((SELECT max(id) FROM metrics), 0) + 1, false)")

    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("metric_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("metric_link", sa.String(length=10), server_default="new", nullable=False))
        batch_op.add_column(sa.Column("superior_indicator_id", sa.Integer(), nullable=True))
    op.execute("UPDATE indicators SET metric_id = id")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.alter_column("metric_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_indicators_metric_id_metrics"), "metrics", ["metric_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_indicators_superior_indicator_id_indicators"), "indicators",
                                    ["superior_indicator_id"], ["id"], ondelete="SET NULL")
        batch_op.create_check_constraint(batch_op.f("ck_indicators_metric_link"),
                                         "metric_link IN ('new', 'matched', 'confirmed')")
        batch_op.create_index(batch_op.f("ix_indicators_metric_id"), ["metric_id"], unique=False)

    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("predecessor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("superior_plan_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f("fk_plans_predecessor_id_plans"), "plans", ["predecessor_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_plans_superior_plan_id_plans"), "plans", ["superior_plan_id"],
                                    ["id"], ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_plans_predecessor_id"), ["predecessor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_superior_plan_id"), ["superior_plan_id"], unique=False)

    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("metric_id", sa.Integer(), nullable=True))
    op.execute("UPDATE observations SET metric_id = "
               "(SELECT metric_id FROM indicators WHERE indicators.id = observations.indicator_id)")
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_observations_indicator_id_region_code_year", type_="unique")
        batch_op.drop_constraint("fk_observations_indicator_id_indicators", type_="foreignkey")
        batch_op.alter_column("metric_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("indicator_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f("fk_observations_metric_id_metrics"), "metrics", ["metric_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_observations_indicator_id_indicators"), "indicators",
                                    ["indicator_id"], ["id"], ondelete="SET NULL")
        batch_op.create_unique_constraint(batch_op.f("uq_observations_metric_id_region_code_year"),
                                          ["metric_id", "region_code", "year"])
        batch_op.create_index(batch_op.f("ix_observations_indicator_id"), ["indicator_id"], unique=False)


def downgrade() -> None:
    """Back to values per indicator. A value reported through no surviving indicator goes to the first
    indicator on its metric; a series no indicator uses any more cannot be kept and is dropped."""
    op.execute("UPDATE observations SET indicator_id = (SELECT min(i.id) FROM indicators i "
               "WHERE i.metric_id = observations.metric_id) "
               "WHERE indicator_id IS NULL OR indicator_id NOT IN "
               "(SELECT i.id FROM indicators i WHERE i.metric_id = observations.metric_id)")
    op.execute("DELETE FROM observations WHERE indicator_id IS NULL")
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observations_indicator_id"))
        batch_op.drop_constraint(batch_op.f("uq_observations_metric_id_region_code_year"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_observations_indicator_id_indicators"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_observations_metric_id_metrics"), type_="foreignkey")
        batch_op.alter_column("indicator_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key("fk_observations_indicator_id_indicators", "indicators", ["indicator_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_unique_constraint("uq_observations_indicator_id_region_code_year",
                                          ["indicator_id", "region_code", "year"])
        batch_op.drop_column("metric_id")

    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_superior_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plans_predecessor_id"))
        batch_op.drop_constraint(batch_op.f("fk_plans_superior_plan_id_plans"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_plans_predecessor_id_plans"), type_="foreignkey")
        batch_op.drop_column("superior_plan_id")
        batch_op.drop_column("predecessor_id")

    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_metric_id"))
        batch_op.drop_constraint(batch_op.f("ck_indicators_metric_link"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_indicators_superior_indicator_id_indicators"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_indicators_metric_id_metrics"), type_="foreignkey")
        batch_op.drop_column("superior_indicator_id")
        batch_op.drop_column("metric_link")
        batch_op.drop_column("metric_id")
    op.drop_table("metrics")
