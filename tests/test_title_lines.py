"""Report cover titles wrap at natural breaks (textwidth.title_lines): never a lone "划》" line."""

from __future__ import annotations

import pytest

from planwatch.textwidth import title_lines, width

TITLES = [
    "《石嘴山市保障和改善公共服务专项规划(2021—2025年)》",
    "《苍溪县“十四五”公共服务和就业促进规划》",
    "《吕梁市“十四五”公共服务和社会保障事业规划》",
    "《某某自治州某某县“十四五”基本公共服务均等化和社会事业发展规划实施方案》",
    "《一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十》",
]


@pytest.mark.parametrize("title", TITLES)
def test_lines_fit_and_break_naturally(title: str) -> None:
    lines = title_lines(title, 36)
    assert "".join(lines) == title
    assert all(width(x) <= 36 for x in lines), lines
    for x in lines:
        assert x[0] not in "》”）)", lines  # no line starts with closing punctuation
        assert x[-1] not in "《“（(", lines
        assert width(x) >= 6, lines  # no stub line like "划》"


def test_break_points() -> None:
    assert title_lines("《苍溪县“十四五”公共服务和就业促进规划》") == ["《苍溪县“十四五”", "公共服务和就业促进规划》"]
    assert title_lines("《石嘴山市保障和改善公共服务专项规划(2021—2025年)》") == [
        "《石嘴山市保障和改善公共服务专项规划", "(2021—2025年)》"]
    assert title_lines("《武乡县“十四五”规划》") == ["《武乡县“十四五”规划》"]
