"""indicator metadata for the public portal: 统计口径 and data source on the metric

A metric already carries its definition (指标解释). The portal's indicator page (Open SDG's
metadata tab) also shows how it is counted (统计口径) and where the figures come from (数据来源);
both are plain text, empty until a reviewer fills them (`planwatch metric set`), and shared by
every plan that measures the same metric. An indicator also keeps its plan's own note on it (the
table's footnote, "注:1依据…"), as the extractor reads it.

Revision ID: 0009_indicator_meta
Revises: 0008_scale
Create Date: 2026-12-05 12:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_indicator_meta"
down_revision = "0008_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("metrics") as batch:
        batch.add_column(sa.Column("scope", sa.Text(), nullable=True))
        batch.add_column(sa.Column("data_source", sa.Text(), nullable=True))
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("metrics") as batch:
        batch.drop_column("data_source")
        batch.drop_column("scope")
