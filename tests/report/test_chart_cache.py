"""Each chart is drawn once per report: a report's other formats, and the same report made again,
reuse the drawn charts (report/chart_cache.py)."""

from __future__ import annotations

from datetime import date

import pytest
from report_sample import sample_input

from planwatch.report import chart_cache, render_html
from planwatch.report.adapter import evaluate_for_report
from planwatch.report.config import ReportConfig
from planwatch.report.render_docx import render_docx
from planwatch.report.sections import build_document


@pytest.fixture()
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The charts actually drawn (the cache stays real; only the count is observed)."""
    calls: list[object] = []
    draw = render_html._render_one

    def counting(args):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        return draw(args)

    monkeypatch.setattr(render_html, "_render_one", counting)
    chart_cache.clear()
    return calls


def _doc(indicators: int = 6):  # type: ignore[no-untyped-def]
    data = evaluate_for_report(sample_input(indicators, last_year=2024), 2025)
    return build_document(data, ReportConfig(kind="final"), today=date(2025, 12, 1))


def test_second_format_and_second_report_draw_nothing(drawn: list[object]) -> None:
    doc = _doc()
    n = len(doc.figures())
    assert n > 0
    render_html.chart_images(doc, workers=1)
    assert len(drawn) == n
    render_docx(doc)  # the .docx after the PDF/HTML: every chart from the cache
    render_html.chart_images(_doc(), workers=1)  # the same report made again from the same data
    assert len(drawn) == n


def test_changed_data_draws_again(drawn: list[object]) -> None:
    render_html.chart_images(_doc(6), workers=1)
    first = len(drawn)
    render_html.chart_images(_doc(7), workers=1)
    assert len(drawn) > first


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    chart_cache.clear()
    monkeypatch.setattr(chart_cache, "MAX_BYTES", 1000)
    for i in range(10):
        chart_cache.put(("chart", i), "png", 150, b"x" * 300)
    assert chart_cache.get(("chart", 9), "png", 150) is not None
    assert chart_cache.get(("chart", 0), "png", 150) is None
    assert chart_cache._size <= 1000
