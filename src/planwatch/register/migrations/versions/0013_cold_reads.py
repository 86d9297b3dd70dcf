"""cold reads: sub-region rows apart from the detail, register-wide status totals, region totals

What a page reads on its first request should cost what it shows (issue 13):

- `evaluations.subregions`, `evaluations.equalisation`: each stored indicator's sub-region rows (code,
  name, value, year, status…) and their spread (with every lagging sub-region's code) were kept inside
  `detail`, so every page reading a plan's stored evaluation parsed them (a provincial plan's indicator
  has one row per county). They move to their own columns, read only by the pages that show them
  (`register.evaluations.stored(..., subregions=...)`); moved here, in the database, no re-evaluation.
- `status_totals`: `status_counts` summed over every plan by domain × lead department × status,
  kept by the writes that rewrite `status_counts` (the overview's and the dashboard's counts).
- `region_totals`: `region_status_counts` summed per region, with the dashboard tiles' order (worst
  status's rank, at risk) stored negated for one ascending index.
- `ix_evaluations_risk` holds every column of the risk order, so the dashboard's at-risk page is read
  from the index (the rows' detail, before those columns, is not walked); `ix_status_counts_region_code`
  covers the counts by plan region; `ix_plan_evaluations_versions` serves the stale-plan check without
  reading the stored warnings.

Revision ID: 0013_cold_reads
Revises: 0012_region_rollup
Create Date: 2026-12-06 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_cold_reads"
down_revision = "0012_region_rollup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subregions", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("equalisation", sa.JSON(none_as_null=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(
            "UPDATE evaluations SET subregions = CASE WHEN json_typeof(detail -> 'subregions') = 'array'"
            " AND json_array_length(detail -> 'subregions') > 0 THEN detail -> 'subregions' END,"
            " equalisation = CASE WHEN json_typeof(detail -> 'equalisation') = 'object'"
            " THEN detail -> 'equalisation' END,"
            " detail = (detail::jsonb - 'subregions' - 'equalisation')::json"
            " WHERE detail -> 'subregions' IS NOT NULL OR detail -> 'equalisation' IS NOT NULL"))
    else:
        op.execute(sa.text(
            "UPDATE evaluations SET subregions = CASE WHEN json_array_length(detail, '$.subregions') > 0"
            " THEN json_extract(detail, '$.subregions') END,"
            " equalisation = CASE WHEN json_type(detail, '$.equalisation') = 'object'"
            " THEN json_extract(detail, '$.equalisation') END,"
            " detail = json_remove(detail, '$.subregions', '$.equalisation')"
            " WHERE json_type(detail, '$.subregions') IS NOT NULL OR json_type(detail, '$.equalisation') IS NOT NULL"))

    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluations_risk")
        batch_op.create_index("ix_evaluations_risk", ["risk_severity", "risk_kind", "status_rank", "binding", "ratio",
                                                      "plan_id", "indicator_id"], unique=False)
    with op.batch_alter_table("status_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_status_counts_region_code")
        batch_op.create_index("ix_status_counts_region_code", ["region_code", "status", "count", "binding_count",
                                                               "risk_count", "binding_risk_count"], unique=False)
    op.create_index("ix_plan_evaluations_versions", "plan_evaluations", ["plan_id", "data_version", "shared_seq"],
                    unique=False)

    op.create_table(
        "status_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("binding_count", sa.Integer(), nullable=False),
        sa.Column("risk_count", sa.Integer(), nullable=False),
        sa.Column("binding_risk_count", sa.Integer(), nullable=False),
        sa.Column("main_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_totals")),
        sa.UniqueConstraint("domain", "department", "status",
                            name=op.f("uq_status_totals_domain_department_status")),
    )
    op.execute(sa.text(
        "INSERT INTO status_totals (domain, department, status, count, binding_count, risk_count,"
        " binding_risk_count, main_count) SELECT domain, department, status, SUM(count), SUM(binding_count),"
        " SUM(risk_count), SUM(binding_risk_count), SUM(main_count) FROM status_counts"
        " GROUP BY domain, department, status HAVING SUM(count) > 0"))

    op.create_table(
        "region_totals",
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("neg_rank", sa.Integer(), nullable=False),
        sa.Column("neg_risk", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region_code", name=op.f("pk_region_totals")),
    )
    op.create_index("ix_region_totals_tile_order", "region_totals", ["neg_rank", "neg_risk", "region_code"],
                    unique=False)
    from planwatch.register.evaluations import region_totals

    conn = op.get_bind()
    counted: dict[str, dict[str, int]] = {}
    for code, status, n in conn.execute(sa.text(
            "SELECT region_code, status, SUM(count) FROM region_status_counts GROUP BY region_code, status")):
        counted.setdefault(code, {})[status] = int(n or 0)
    rows = region_totals(counted)
    table = sa.table("region_totals", sa.column("region_code"), sa.column("neg_rank"), sa.column("neg_risk"),
                     sa.column("total"))
    for i in range(0, len(rows), 5000):
        conn.execute(table.insert(), rows[i:i + 5000])


def downgrade() -> None:
    op.drop_index("ix_plan_evaluations_versions", table_name="plan_evaluations")
    with op.batch_alter_table("status_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_status_counts_region_code")
        batch_op.create_index("ix_status_counts_region_code", ["region_code"], unique=False)
    op.drop_index("ix_region_totals_tile_order", table_name="region_totals")
    op.drop_table("region_totals")
    op.drop_table("status_totals")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(
            "UPDATE evaluations SET detail = (detail::jsonb"
            " || jsonb_build_object('subregions', COALESCE(subregions::jsonb, '[]'::jsonb),"
            " 'equalisation', COALESCE(equalisation::jsonb, 'null'::jsonb)))::json"))
    else:
        op.execute(sa.text(
            "UPDATE evaluations SET detail = json_set(detail, '$.subregions', json(COALESCE(subregions, '[]')),"
            " '$.equalisation', json(COALESCE(equalisation, 'null')))"))
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluations_risk")
        batch_op.create_index("ix_evaluations_risk", ["risk_severity", "risk_kind"], unique=False)
        batch_op.drop_column("equalisation")
        batch_op.drop_column("subregions")
