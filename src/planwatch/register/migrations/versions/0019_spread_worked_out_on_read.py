"""the sub-regions' spread (equalisation) is worked out when a page shows it, not stored

A whole-register evaluation worked out every indicator's equalisation across its sub-regions and
stored it (`evaluations.equalisation`): ~3 ms of CPU a county plan, ~10 % of its evaluation and
store at scale 1 (issue 13), for a figure only the indicator page (and its API twin) shows. The
register now works it out from the stored sub-region rows of the indicators a page shows
(`register.evaluations.with_spread`, the evaluation's own rule: `evaluate.engine.subregion_spread`).

- `evaluations.equalisation` is dropped. A row stored before this revision has no "baseline" in its
  detail: its plan is evaluated again when a page shows its sub-regions (`evaluations.stored`), or by
  `planwatch evaluate --all`.
- Downgrading adds the column back, empty, and marks every stored evaluation stale, so that the earlier
  code evaluates each plan again rather than show no spread.

Revision ID: 0019_spread_worked_out_on_read
Revises: 0018_dashboard_counts_kept
Create Date: 2026-12-07 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_spread_worked_out_on_read"
down_revision = "0018_dashboard_counts_kept"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_column("equalisation")


def downgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("equalisation", sa.JSON(none_as_null=True), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # as 0015 left it
        offered = bind.execute(sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"))
        if "lz4" in (offered.scalar() or []):
            op.execute(sa.text("ALTER TABLE evaluations ALTER COLUMN equalisation SET COMPRESSION lz4"))
    op.execute(sa.text("UPDATE plan_evaluations SET shared_seq = -1"))
