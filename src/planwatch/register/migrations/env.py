"""Alembic environment: the engine comes from `planwatch.register.migrate`, never from an ini file."""

from __future__ import annotations

from alembic import context

from planwatch.register.db import make_engine
from planwatch.register.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine()
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by table rebuild
            compare_type=True,
        )
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("planwatch runs migrations online only / 仅支持在线迁移")
run_migrations_online()
