"""evidence names: the name a file was uploaded with, kept for display only

Evidence files are stored under a random id (`evidence/<hex>.<ext>`); the uploader's file name is
kept beside the reference in `evidence_name` and shown (and sent as the download's name), never used
as a path.

Revision ID: 0006_evidence_names
Revises: 0005_audit_log
Create Date: 2026-12-05 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_evidence_names"
down_revision = "0005_audit_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observations") as batch:
        batch.add_column(sa.Column("evidence_name", sa.String(length=255), nullable=True))
    with op.batch_alter_table("progress_reports") as batch:
        batch.add_column(sa.Column("evidence_name", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("progress_reports") as batch:
        batch.drop_column("evidence_name")
    with op.batch_alter_table("observations") as batch:
        batch.drop_column("evidence_name")
