"""Pictures where people look: a status ring per domain on the plan page, a sparkline with its
target line on every row that has data, and chart axes at round ticks."""

from __future__ import annotations

import re

from webtools import login

from planwatch.web import charts


def test_plan_page_has_a_status_ring_per_domain(client, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    html = client.get(f"/plans/{seed.plan_id}").text
    rings = html.split('data-testid="domain-donuts"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'<a class="donut-fig" href="\?domain=([^"]+)"', rings)
    assert len(links) == 3  # 幼有所育, 学有所教, 病有所医
    # every ring counts its domain's one indicator, coloured by its status, and names it for screen readers
    assert rings.count('class="donut-total">1<') == 3
    assert 'aria-label="学有所教:滞后1"' in rings


def test_every_row_with_data_has_a_sparkline_with_its_target(client, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    html = client.get(f"/plans/{seed.plan_id}").text
    for ind in (seed.childcare, seed.preschool, seed.doctors):
        row = html.split(f'data-indicator="{ind}"', 1)[1].split("</tr>", 1)[0]
        assert 'class="spark"' in row and 'class="spark-target"' in row


def test_donut_arcs_add_up_to_the_whole_ring() -> None:
    svg = charts.donut([("st-achieved", "已完成", 3), ("st-lagging", "滞后", 1), ("st-nodata", "未报送", 0)],
                       label="学有所教")
    arcs = [float(a) for a in re.findall(r'stroke-dasharray="([\d.]+) ', svg)]
    assert arcs == [75.0, 25.0]
    assert charts.donut([], label="x") == ""


def test_trajectory_axis_ticks_are_round() -> None:
    svg = charts.trajectory(base_year=2020, target_year=2025, baseline=77.33, target=77.9,
                            observed=[(2021, 77.51), (2022, 77.7)],
                            labels=charts.TrajectoryLabels("实际值", "目标值", "时序进度", "预测"))
    ticks = re.findall(r'text-anchor="end" class="tick">([^<]+)<', svg)
    assert ticks == ["77.2", "77.4", "77.6", "77.8", "78.0"]
