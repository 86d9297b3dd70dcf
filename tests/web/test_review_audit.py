"""The audit panel of the review page: findings beside the source lines, against the superior plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_browser_workflows import sign_in
from webtools import login, shot

from planwatch.register.db import make_engine, transaction
from planwatch.register.demo import national_plan
from planwatch.register.plans import import_plan
from planwatch.register.regions import ensure_nation

ROOT = Path(__file__).resolve().parents[2]
SEED_004 = next((ROOT / "data" / "seeds").glob("004_*.txt"))
NATIONAL = ROOT / "data" / "reference" / "national_14fyp_public_service_indicators.csv"


def _add_national_plan(url: str) -> int:
    engine = make_engine(url)
    with transaction(engine) as s:
        ensure_nation(s)
        plan_id = import_plan(s, national_plan(NATIONAL), content=NATIONAL.read_bytes(), filename=NATIONAL.name,
                              by="test", reason="test").plan_id
    engine.dispose()
    return plan_id


def _findings(page) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "[data-testid=finding]",
        "els => els.map(e => ({kind: e.dataset.kind, severity: e.dataset.severity, lines: e.dataset.lines,"
        " text: e.innerText}))")


@pytest.mark.browser
def test_audit_panel_shows_findings_and_their_lines(server, page, seeded):  # type: ignore[no-untyped-def]
    _add_national_plan(seeded[0])
    sign_in(page, server, "planner")
    page.goto(f"{server}/review")
    page.set_input_files("#file", str(SEED_004))
    page.click("[data-testid=upload]")
    page.wait_for_url("**/review/*")
    found = _findings(page)
    assert 0 < len(found) <= 30
    order = ["high", "medium", "low"]
    assert [f["severity"] for f in found] == sorted((f["severity"] for f in found), key=order.index)
    # The hand-verified findings of tests/test_audit.py, as a reviewer sees them.
    def has(kind: str, lines: set[str], *words: str) -> bool:
        return any(f["kind"] == kind and lines <= set(f["lines"].split()) and all(w in f["text"] for w in words)
                   for f in found)
    assert has("garbled", {"45"}, "2016", "10995")
    assert has("garbled", {"375"}, "4.84", "2025")
    assert has("inconsistency", {"127", "35"}, "99", "99.7")
    assert has("direction", {"237"}, "城镇新增就业")
    assert "疑似排版错误" in page.locator("[data-testid=findings]").inner_text()
    # With no plan above the city in the register, the national plan is the superior plan.
    assert "“十四五”公共服务规划" in page.locator("[data-testid=audit-superior]").inner_text()
    assert has("superior_weaker", {"163"}, "全国")
    # A finding's source lines are marked in the source view; clicking it brings them into focus.
    assert page.locator("#L45.k-finding").count() == 1
    finding = page.locator("[data-testid=finding][data-lines='127 35']").first
    finding.click()
    for n in (35, 127):
        line = page.locator(f"#L{n}")
        assert "focus" in (line.get_attribute("class") or "")
    expect(page.locator("#L127")).to_be_in_viewport()
    assert "初中巩固率" in page.locator("#L127").inner_text() and "99.7" in page.locator("#L35").inner_text()
    assert page.locator("#L45.focus").count() == 0
    page.locator("[data-testid=finding][data-lines='45']").first.click()
    assert page.locator("#L45.focus").count() == 1 and page.locator("#L127.focus").count() == 0
    page.locator("#audit").scroll_into_view_if_needed()
    shot(page, "review-audit", full_page=False)
    # The reviewer may audit without a superior plan: the superior findings go.
    page.select_option("#against", "none")
    page.click("[data-testid=audit-against] button")
    page.wait_for_load_state()
    assert not any(f["kind"].startswith("superior") for f in _findings(page))
    assert has("garbled", {"45"})


def test_audit_against_a_chosen_plan_and_bad_choices(client, seeded, seed):  # type: ignore[no-untyped-def]
    national = _add_national_plan(seeded[0])
    token = login(client, "planner")
    r = client.post("/review", files={"file": (SEED_004.name, SEED_004.read_bytes(), "text/plain")},
                    data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    where = r.headers["location"]
    auto = client.get(where).text
    assert 'data-kind="superior_weaker"' in auto and "低于全国《" in auto
    chosen = client.get(f"{where}?against={national}").text
    assert "低于全国《" in chosen
    # Another plan of the register, picked by the reviewer (it shares the childcare metric).
    other = client.get(f"{where}?against={seed.plan_id}").text
    assert "低于测试县《" in other and "低于全国《" not in other and 'data-kind="garbled"' in other
    none = client.get(f"{where}?against=none").text
    assert 'data-kind="superior_weaker"' not in none and 'data-kind="garbled"' in none
    # An unknown or malformed choice falls back to the automatic choice, never an error.
    for bad in ("999999", "x' or 1=1", "-1"):
        r = client.get(f"{where}", params={"against": bad})
        assert r.status_code == 200 and "低于全国《" in r.text


def test_audit_api_returns_the_issue_shape(client, seeded):  # type: ignore[no-untyped-def]
    _add_national_plan(seeded[0])
    h = {"X-CSRF-Token": login(client, "planner")}
    draft = client.post("/api/review", files={"file": (SEED_004.name, SEED_004.read_bytes(), "text/plain")},
                        headers=h).json()
    out = client.get(f"/api/review/{draft['id']}/audit").json()
    assert 0 < len(out["findings"]) <= 30 and "全国" in out["superior"]["label"]
    for f in out["findings"]:
        assert set(f) >= {"kind", "severity", "lines", "message"} and all(isinstance(n, int) for n in f["lines"])
    assert client.get(f"/api/review/{draft['id']}/audit", params={"against": "none"}).json()["superior"] is None
    assert client.get(f"/api/review/{'0' * 32}/audit").status_code == 404
