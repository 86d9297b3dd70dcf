"""Qualitative targets (应保尽保, 全覆盖, 基本建成): judged from evidence, 已实现 / 推进中 / 未启动.

Judgements are read through the lexicon (with negation: 未完成 is never 已实现). A coverage
target with a % value is 已实现 at 100 % (within tolerance). There is no bulk version: the
evidence is text, not an array."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from planwatch.evaluate.kinds.base import Frame, Judging, Kind
from planwatch.extract import lexicon

if TYPE_CHECKING:
    from planwatch.evaluate.completion import Completion
    from planwatch.evaluate.kinds.base import BulkPart
    from planwatch.evaluate.series import Point
    from planwatch.evaluate.status import Status

_COVERAGE_WORDS = ("应保尽保", "全覆盖", "全面覆盖", "应助尽助", "应扶尽扶", "100%")


class Qualitative(Kind):
    name = "qualitative"
    code = 7
    level_target = False
    evidence = True

    def complete(self, j: Judging) -> Completion:
        seg = j.seg
        if not seg:
            return j.done(P=None, achieved=None, value=None, year=None, missing="no_data")
        cur = seg[-1]
        judgement = None
        if cur.judgement:
            # Words outside the lexicon's judgements (free text) count as progress, never as achieved.
            judgement = lexicon.judgement(cur.judgement) or "推进中"
        elif cur.value is not None and (j.ind.unit or "").strip() in ("%", "％") and any(
                w in (j.ind.target.raw or "") for w in _COVERAGE_WORDS):
            judgement = "已实现" if cur.value >= 100 - j.tolerance else "推进中"
        if judgement is None:
            return j.done(P=None, achieved=None, value=cur.value, year=cur.year, missing="no_data")
        return j.done(P=None, achieved=judgement == "已实现", value=cur.value, year=cur.year, judgement=judgement)

    def status(self, c: Completion, final: bool, st: Callable[..., Status]) -> Status | None:
        if c.judgement == "已实现":
            return st("achieved", label="已实现")
        if final:
            return st("not_met")
        return st("in_progress" if c.judgement in ("推进中", "未实现") else "not_started")

    def line(self, c: Completion) -> float | None:
        return None

    def required(self, c: Completion) -> tuple[float | None, float | None]:
        return None, None

    def backwards(self, c: Completion, prev: Point | None) -> tuple[bool, Point | None]:
        return False, None

    def bulk(self, f: Frame) -> BulkPart:
        raise TypeError("qualitative targets are judged from evidence, one by one (evaluate_indicator)")

    def schedule_path(self) -> bool:
        return False

    def shows_projection(self) -> bool:
        return False


KIND = Qualitative()
