"""web.formatting: a text the system stores in both languages is shown in the page's language only."""

from __future__ import annotations

import pytest

from planwatch.web.formatting import bilingual, code, value


@pytest.mark.parametrize(("stored", "zh", "en"), [
    ("提交 / submitted", "提交", "submitted"),
    ("no indicator table found / 未识别到指标表", "未识别到指标表", "no indicator table found"),
    ("模拟数据(演示用,非真实值)/ simulated demo value, not real", "模拟数据(演示用,非真实值)",
     "simulated demo value, not real"),
    ("催报:《某规划》2025年度尚有 3 项未报送 / Reminder: 3 items of 2025 still to report", "催报:《某规划》2025年度尚有 3 项未报送",
     "Reminder: 3 items of 2025 still to report"),
])
def test_a_stored_pair_shows_the_pages_half(stored: str, zh: str, en: str) -> None:
    assert bilingual(stored, "zh") == zh and bilingual(stored, "en") == en
    assert code(stored, "zh") == zh and value(stored, "en") == en


@pytest.mark.parametrize("text", ["40 / 12", "牵头指标 / 任务项目", "A / B", "统计局 / ", "http://x.cn/a / b"])
def test_other_text_is_left_as_written(text: str) -> None:
    assert bilingual(text, "zh") == text and bilingual(text, "en") == text


def test_codes_keep_their_labels() -> None:
    assert code("submitted", "zh") == "待审核" and code("demo: simulated scenario", "zh") == "演示数据:模拟情景"
