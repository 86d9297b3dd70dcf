"""The indicator chart's line labels (目标值, 全国目标, 上位规划目标) stay inside the plot, clear of the
year ticks and of each other: checked on the SVG and, in real chromium, by the boxes the text occupies
at 1366 px and at 390 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from webtools import shot

from planwatch.web.charts import TrajectoryLabels, trajectory

LABELS = TrajectoryLabels("实际值", "目标值", "时序进度", "预测")
OBSERVED = [(2021, 92.0), (2022, 93.5), (2023, 94.1), (2024, 95.0)]


def chart(references: list[tuple[str, float]], target: float = 96.0, width: int = 640) -> str:
    return trajectory(base_year=2020, target_year=2025, baseline=91.0, target=target, observed=OBSERVED,
                      labels=LABELS, unit="%", references=references, width=width)


def _y(svg: str, cls: str) -> list[float]:
    return [float(y) for y in re.findall(rf'<text x="[\d.]+" y="([\d.-]+)" text-anchor="end" class="{cls}', svg)]


CASES = {
    "below-all": [("全国目标 >90", 90.0)],  # the lowest line: its label used to fall on the year ticks
    "at-target": [("全国目标 ≥96", 96.0)],  # the same height as the plan's own target
    "two-close": [("全国目标 >95.6", 95.6), ("上位规划目标 ≥95.8", 95.8)],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_line_labels_stay_inside_the_plot_and_apart(name: str) -> None:
    svg = chart(CASES[name])
    height, mt, mb = 280, 28, 52
    tick_top = height - mb + 16 - 12  # the year ticks' text starts here
    ys = _y(svg, "target-label") + _y(svg, "ref-label")
    assert len(ys) == 1 + len(CASES[name])
    assert all(mt - 1 <= y - 12 and y <= tick_top - 1 for y in ys), ys
    assert all(abs(a - b) >= 18 for i, a in enumerate(ys) for b in ys[i + 1:]), ys


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [1366, 390])
def test_no_line_label_overlaps_a_tick_in_chromium(browser, viewport: int) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": viewport, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    body = "".join(f'<div style="max-width:640px" data-case="{n}">{chart(refs)}</div>' for n, refs in CASES.items())
    css = (Path(__file__).resolve().parents[2] / "src/planwatch/web/static/style.css").read_text(encoding="utf-8")
    page.set_content(f'<!doctype html><html><head><style>{css}</style></head><body><main>{body}</main></body></html>')
    overlaps = page.evaluate("""() => {
        const box = e => e.getBoundingClientRect();
        const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const out = [];
        for (const svg of document.querySelectorAll('svg.chart')) {
            const labels = [...svg.querySelectorAll('.target-label, .ref-label')];
            const ticks = [...svg.querySelectorAll('.tick')];
            labels.forEach((l, i) => {
                for (const t of ticks) if (hit(box(l), box(t))) out.push([l.textContent, t.textContent]);
                for (const m of labels.slice(i + 1)) if (hit(box(l), box(m))) out.push([l.textContent, m.textContent]);
            });
        }
        return out;
    }""")
    shot(page, f"chart-line-labels-{viewport}")
    ctx.close()
    assert overlaps == []
