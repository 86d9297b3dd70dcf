"""Charts find the CJK fonts even when matplotlib's font cache predates them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from matplotlib import font_manager

from planwatch.report import charts


@pytest.fixture
def stale_cache() -> Iterator[None]:
    """matplotlib's font list as a cache built before fonts-noto-cjk was installed: no CJK entries."""
    saved = list(font_manager.fontManager.ttflist)
    font_manager.fontManager.ttflist = [f for f in saved if f.name not in charts.CJK_FAMILIES]
    charts.cjk_family.cache_clear()
    yield
    font_manager.fontManager.ttflist = saved
    charts.cjk_family.cache_clear()


def test_a_stale_font_cache_is_repaired_from_the_system_font_files(stale_cache: None) -> None:
    assert charts._known_cjk_family() is None
    assert charts.cjk_family() in charts.CJK_FAMILIES


def test_without_any_cjk_font_the_error_names_the_package(stale_cache: None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "CJK_FONT_DIRS", ("/nonexistent",))
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda fontpaths=None, fontext="ttf": [])
    with pytest.raises(charts.FontMissing, match="fonts-noto-cjk") as info:
        charts.cjk_family()
    assert "\n" not in str(info.value)
