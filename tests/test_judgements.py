"""Qualitative judgements are read from the lexicon with negation: 未完成 is never 已实现."""

from __future__ import annotations

import pytest

from planwatch.extract.lexicon import judgement


@pytest.mark.parametrize(("text", "meaning"), [
    ("已实现", "已实现"), ("已完成", "已实现"), ("全面完成", "已实现"), ("实现全覆盖", "已实现"), ("达标", "已实现"),
    ("未完成", "未实现"), ("未实现", "未实现"), ("没有完成", "未实现"), ("尚未达到", "未实现"), ("未能实现", "未实现"),
    ("没完成", "未实现"), ("未达标", "未实现"),
    ("部分完成", "推进中"), ("基本实现", "推进中"), ("推进中", "推进中"), ("正在推进", "推进中"),
    ("未启动", "未启动"), ("尚未开始", "未启动"),
    ("好", None), ("", None), (None, None),
])
def test_judgement_words(text: str | None, meaning: str | None) -> None:
    assert judgement(text) == meaning
