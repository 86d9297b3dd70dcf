"""One plan view for API and page: it carries each indicator's yearly milestones (年度目标), and the
plan page shows them beside the target."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from webtools import login, sign_in_page

from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction
from planwatch.register.editing import set_milestone


def add_milestones(url: str, indicator_id: int) -> None:
    engine = make_engine(url)
    with transaction(engine) as s:
        ind = s.get(db.Indicator, indicator_id)
        set_milestone(s, ind, "990101", 2023, 88.0, "88", by="planner")
        set_milestone(s, ind, "990101", 2024, 89.0, None, by="planner")
    engine.dispose()


def test_the_plan_view_carries_milestones(client: TestClient, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    add_milestones(seeded[0], seed.preschool)
    client.app.state.services.refresh()  # type: ignore[attr-defined]
    login(client, "planner")
    rows = {r["id"]: r for r in client.get(f"/api/plans/{seed.plan_id}").json()["indicators"]}
    assert [(m["year"], m["value"]) for m in rows[seed.preschool]["milestones"]] == [(2023, 88.0), (2024, 89.0)]
    assert rows[seed.childcare]["milestones"] == []


@pytest.mark.browser
def test_the_plan_page_shows_milestones(server, page, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    add_milestones(seeded[0], seed.preschool)
    sign_in_page(page, server, "planner")
    page.goto(f"{server}/plans/{seed.plan_id}")
    shown = page.locator("[data-testid=milestones]")
    assert shown.count() == 1
    text = shown.inner_text()
    assert "年度目标" in text and "2023: 88" in text and "2024: 89" in text
