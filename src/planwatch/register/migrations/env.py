"""Alembic environment: the engine comes from `planwatch.register.migrate`, never from an ini file."""

from __future__ import annotations

from alembic import context

from planwatch.register.db import make_engine
from planwatch.register.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table by DROP and RENAME; with foreign keys on, dropping
            # `indicators` would cascade into its values. Off outside the transaction (SQLite ignores
            # the pragma inside one), checked before commit, and back on for the pooled connection.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    render_as_batch=sqlite,  # SQLite alters by table rebuild
                    compare_type=True,
                )
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"迁移破坏了外键 / the migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("planwatch runs migrations online only / 仅支持在线迁移")
run_migrations_online()
