"""Every page renders in a real browser; screenshots go to tests/artifacts/web/."""

from __future__ import annotations

import pytest
from webtools import shot, sign_in_page

pytestmark = pytest.mark.browser


sign_in = sign_in_page


def test_screenshots_of_every_page(server, page, seed):  # type: ignore[no-untyped-def]
    page.goto(f"{server}/public")
    shot(page, "public-home")
    page.goto(f"{server}/public/plans/{seed.plan_id}")
    shot(page, "public-plan")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "public-plan-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/public/indicators/{seed.childcare}")
    shot(page, "public-indicator")
    page.goto(f"{server}/login")
    shot(page, "login")
    sign_in(page, server, "planner")
    assert page.url.rstrip("/") == server
    for name, path in [("overview", "/"), ("plan", f"/plans/{seed.plan_id}"),
                       ("indicator", f"/indicators/{seed.childcare}"),
                       ("document", f"/plans/{seed.plan_id}/document"), ("approvals", "/approvals"),
                       ("reporting-planner", "/reporting"), ("review", "/review")]:
        page.goto(server + path)
        assert page.locator("h1").count() >= 1, name
        shot(page, name)
    page.click("[data-testid=lang-switch]")
    page.goto(f"{server}/plans/{seed.plan_id}")
    shot(page, "plan-en")
