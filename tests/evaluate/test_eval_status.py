"""Status bands on Q = P/S, including their exact boundaries."""

import pytest
from evalkit import make_indicator

from planwatch.evaluate.completion import complete
from planwatch.evaluate.config import Bands
from planwatch.evaluate.series import Point, Series
from planwatch.evaluate.status import band, classify

BANDS = Bands()


@pytest.mark.parametrize(("q", "code"), [
    (1.2, "ahead"), (1.05, "ahead"), (1.0499, "on_track"), (0.95, "on_track"), (0.9499, "lagging"),
    (0.60, "lagging"), (0.5999, "seriously_lagging"), (0.0, "seriously_lagging"), (-0.3, "seriously_lagging"),
])
def test_default_bands(q: float, code: str) -> None:
    assert band(q, BANDS) == code


def test_custom_bands() -> None:
    strict = Bands(ahead=1.2, on_track=1.0, lagging=0.8)
    assert band(1.1, strict) == "on_track"
    assert band(0.9, strict) == "lagging"
    assert band(0.7, strict) == "seriously_lagging"


def test_bands_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        Bands(ahead=0.9, on_track=0.95)


def test_classify_uses_the_configured_bands() -> None:
    # 2.5 target from 0.5; 2022 value 1.2 → P = 0.35, S = 0.4, Q = 0.875
    ind = make_indicator("2.5", 2.5, baseline=0.5)
    c = complete(ind, Series((Point(2022, 1.2),)))
    assert classify(c).code == "lagging"
    assert classify(c, Bands(ahead=1.05, on_track=0.85, lagging=0.6)).code == "on_track"
    assert pytest.approx(0.875) == classify(c).Q


def test_negated_judgements_are_not_achieved() -> None:
    from evalkit import evaluate, make_indicator

    ind = make_indicator("全覆盖", None, "qualitative", "level", name="养老服务全覆盖")
    for words in ("未完成", "未实现", "没有完成", "部分完成"):
        mid = evaluate(ind, {2023: words}, 2023)
        assert mid.status == "in_progress", words
        final = evaluate(ind, {2025: words}, 2025)
        assert final.status == "not_met", words
    assert evaluate(ind, {2025: "已完成"}, 2025).status == "achieved"
