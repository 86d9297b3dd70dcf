"""region codes and history's entity compared byte by byte on PostgreSQL (COLLATE "C")

Every region-code column, and history's `entity`, took the database's collation: each comparison in
a sort or an index build over them went through the locale's strcoll. The codes are ASCII digits (the
entity a lowercase word), which sort alike in every locale, so `COLLATE "C"` changes no order and
compares bytes. At scale 1 (issue 13, a C.UTF-8 database) the indexes a national first load builds
at its end took less time: (metric, region, year) 13.3-14.7 s -> 10.5-11.4 s and (region, year)
12.7-15.0 s -> 10.2-10.9 s (~20-25 %), history's (entity, entity_id) 13.8-16.6 s -> 13.1-13.5 s (~10 %);
built single-threaded on a 2 M-row sample, (region, year) took a third less (1.80-1.88 s -> 1.18 s).

PostgreSQL only (`schema.code_column`); SQLite compares bytes already. Changing a column's collation
rewrites no table: PostgreSQL rebuilds the indexes over the column (~30 s for a national register's
values) and keeps its foreign keys without checking them again.

Revision ID: 0020_codes_compared_bytewise
Revises: 0019_spread_worked_out_on_read
Create Date: 2026-12-07 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_codes_compared_bytewise"
down_revision = "0019_spread_worked_out_on_read"
branch_labels = None
depends_on = None

# table → its code columns and their lengths
COLUMNS = {
    "regions": (("code", 12), ("parent_code", 12)),
    "region_populations": (("region_code", 12),),
    "region_boundaries": (("region_code", 12),),
    "departments": (("region_code", 12),),
    "plans": (("region_code", 12),),
    "milestones": (("region_code", 12),),
    "observations": (("region_code", 12),),
    "reference_facts": (("region_code", 12),),
    "responsibilities": (("region_code", 12),),
    "evaluations": (("region_code", 20),),
    "status_counts": (("region_code", 20),),
    "region_status_counts": (("region_code", 20),),
    "region_totals": (("region_code", 20),),
    "history": (("entity", 20),),
}


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        changes = ", ".join(f'ALTER COLUMN {name} TYPE varchar({n}) COLLATE "{collation}"' for name, n in columns)
        op.execute(sa.text(f"ALTER TABLE {table} {changes}"))


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate("default")
