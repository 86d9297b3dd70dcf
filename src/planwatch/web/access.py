"""Which indicators a signed-in user may see and report on.

The rule is the register's (`register.permissions.may` and the department scope in
`register.reporting`); here it is asked with the services' cached department look-up,
so pages and API cannot disagree.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from planwatch.register import reporting as rp
from planwatch.web.data import STRUCTURE, reads
from planwatch.web.security import WebUser


@reads(STRUCTURE)
def department_indicator_ids(session: Session, department_id: int | None) -> frozenset[int]:
    return rp.department_indicator_ids(session, department_id)


def _ids(services: object):  # type: ignore[no-untyped-def]
    return lambda dept: services.view(department_indicator_ids, dept)  # type: ignore[attr-defined]


def visible_ids(services: object, user: WebUser) -> frozenset[int] | None:
    """None: no restriction; otherwise the only indicator ids this user may see."""
    return rp.indicator_scope(user, _ids(services))


def can_see(services: object, user: WebUser, indicator_id: int) -> bool:
    ids = visible_ids(services, user)
    return ids is None or indicator_id in ids


def can_report(services: object, user: WebUser, indicator_id: int) -> bool:
    """Reporters for their own indicators; planners and admins for any."""
    return rp.may_report_indicator(user, indicator_id, _ids(services))
