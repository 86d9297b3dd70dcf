"""region boundaries: each region's outline from a GeoJSON the office provides (for the dashboard's map)

Revision ID: 0010_region_boundaries
Revises: 0009_indicator_meta
Create Date: 2026-12-05 12:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_region_boundaries"
down_revision = "0009_indicator_meta"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "region_boundaries",
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"],
                                name=op.f("fk_region_boundaries_region_code_regions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("region_code", name=op.f("pk_region_boundaries")),
    )


def downgrade() -> None:
    op.drop_table("region_boundaries")
