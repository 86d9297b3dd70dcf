"""Append-only change log: every create/update of an observation or indicator leaves a row."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from planwatch.register.schema import History, utcnow


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def record(
    session: Session,
    entity: str,
    entity_id: int,
    action: str,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    by: str | None = None,
    reason: str | None = None,
) -> None:
    session.execute(
        insert(History).values(
            entity=entity,
            entity_id=entity_id,
            action=action,
            changed_by=by,
            changed_at=utcnow(),
            old=jsonable(old),
            new=jsonable(new),
            reason=reason,
        )
    )


def record_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk form of `record`: rows with entity, entity_id, action, old, new, changed_by, reason."""
    if not rows:
        return
    now = utcnow()
    session.execute(
        insert(History),
        [
            {
                "entity": r["entity"],
                "entity_id": r["entity_id"],
                "action": r["action"],
                "changed_by": r.get("changed_by"),
                "changed_at": now,
                "old": jsonable(r.get("old")),
                "new": jsonable(r.get("new")),
                "reason": r.get("reason"),
            }
            for r in rows
        ],
    )


def history_of(session: Session, entity: str, entity_id: int) -> list[History]:
    return list(
        session.scalars(
            select(History).where(History.entity == entity, History.entity_id == entity_id).order_by(History.id)
        )
    )
