"""Which indicators a signed-in user may see and report on.

A department reporter sees and changes only the indicators its department
answers for (lead or co-responsible); everyone else on the staff sees all.
Pages and API both ask here, so they cannot disagree.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register import schema as db
from planwatch.web.data import STRUCTURE, reads
from planwatch.web.security import WebUser


@reads(STRUCTURE)
def department_indicator_ids(session: Session, department_id: int | None) -> frozenset[int]:
    if department_id is None:
        return frozenset()
    return frozenset(session.scalars(select(db.Responsibility.indicator_id).where(
        db.Responsibility.department_id == department_id)).all())


def visible_ids(services: object, user: WebUser) -> frozenset[int] | None:
    """None: no restriction; otherwise the only indicator ids this user may see."""
    if user.role != "reporter":
        return None
    return services.view(department_indicator_ids, user.department_id)  # type: ignore[attr-defined]


def can_see(services: object, user: WebUser, indicator_id: int) -> bool:
    ids = visible_ids(services, user)
    return ids is None or indicator_id in ids


def can_report(services: object, user: WebUser, indicator_id: int) -> bool:
    """Reporters for their own indicators; planners and admins for any."""
    if user.role in ("admin", "planner"):
        return True
    if user.role != "reporter":
        return False
    return indicator_id in visible_ids(services, user)  # type: ignore[operator]
