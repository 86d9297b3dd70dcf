"""a stored evaluation's row keeps a digest of its content, so an evaluation that finds it the same leaves it

`register.evaluations.save_many` replaced every row of each plan it stored: at scale 1 a whole-register
evaluation deleted and wrote again all ~310,000 rows (~740 MB of JSON a run: the COPY alone ~3.3 ms of the
server's time a county plan), and the autovacuum that the deleted rows set off then went through the
table beside the next run. A plan evaluated again on the same values, or with one value changed, finds
most rows as they were: each row now holds a 64-bit hash of its columns (all but the plan's version),
and only the rows whose hash differs are deleted and written again.

Rows stored before this revision have none (NULL): the next evaluation of their plan writes them again.

Revision ID: 0021_evaluations_digest
Revises: 0020_codes_compared_bytewise
Create Date: 2026-12-07 21:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_evaluations_digest"
down_revision = "0020_codes_compared_bytewise"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_column("digest")
