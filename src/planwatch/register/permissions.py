"""Who may do what: every role's actions in one table, asked through `may(user, action)`.

Actions:
- ``report``     enter values and task/project progress (a department reporter: its own items only);
- ``approve``    approve or return what was submitted;
- ``publish``    publish a reviewed plan, lock and publish a year;
- ``administer`` manage accounts, departments and assignments;
- ``see_all``    see every department's indicators and unapproved work (no department scope).

A new role is one row here; code never compares role names.
"""

from __future__ import annotations

from typing import Protocol

from planwatch.register.schema import ROLES  # re-exported: the web asks here, never the schema

__all__ = ["ACTIONS", "PERMISSIONS", "ROLES", "Actor", "department_scoped", "may", "roles_that_may"]

ACTIONS = ("report", "approve", "publish", "administer", "see_all")

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"report", "approve", "publish", "administer", "see_all"}),
    "planner": frozenset({"report", "approve", "publish", "see_all"}),
    "reporter": frozenset({"report"}),
    "viewer": frozenset({"see_all"}),
}
assert set(PERMISSIONS) == set(ROLES), "every role needs a row in PERMISSIONS"


class Actor(Protocol):
    """Anyone who acts on the register: a web user, an API client, the command line."""

    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def department_id(self) -> int | None: ...


def may(user: Actor | None, action: str) -> bool:
    """Whether `user` may perform `action` (one of ACTIONS); an anonymous user may do none of them."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    return user is not None and action in PERMISSIONS.get(user.role, frozenset())


def roles_that_may(action: str) -> frozenset[str]:
    """The roles allowed `action`: what a route's role guard accepts."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    return frozenset(r for r, acts in PERMISSIONS.items() if action in acts)


def department_scoped(user: Actor) -> bool:
    """True when `user` works only on its own department's items (reports, but does not see all)."""
    return may(user, "report") and not may(user, "see_all")
