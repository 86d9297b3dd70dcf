"""The plain record compare works on: one plan item with its plan's place in the hierarchy."""

from __future__ import annotations

from dataclasses import dataclass

NATION = "nation"
# Region levels from the top down; a level not listed sorts last.
LEVEL_ORDER = ("nation", "province", "city", "county", "township")


@dataclass(frozen=True)
class TargetItem:
    ref: str  # the register's stable id ("p3-i12")
    plan_id: str
    plan_title: str
    region_code: str
    region: str  # region name
    level: str  # nation | province | city | county | township
    name: str
    unit: str | None
    domain: str | None
    target_raw: str
    target_value: float | None
    direction: str  # up | down
    kind: str = "level"  # target kind: level | cumulative | annual | reduction (| change …)
    op: str = "="  # >= > <= < = range qualitative
    binding: bool = False
    main: bool = True  # in the plan's indicator table (False: a target found in running text)
    position: int = 0  # order within its plan
    metric_id: int | None = None  # the register's metric (None: grouped by name)
    superior_ref: str | None = None  # the superior plan's target this one is linked to in the register

    @property
    def national(self) -> bool:
        return self.level == NATION


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)
