"""A plan page shows its indicator table (主要指标) and its targets from running text (其他量化目标)
apart, each with its own count; a prose target carries no 约束性/预期性 the text did not give it."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import web_seed
from fastapi.testclient import TestClient
from webtools import login

from planwatch.register.db import make_engine, transaction
from planwatch.register.plans import import_plan
from planwatch.web import create_app

ROOT = Path(__file__).resolve().parents[2]
PROSE_NAME = "新建社区嵌入式托育点数"


def _with_prose_target(url: str) -> None:
    doc = copy.deepcopy(web_seed.PLAN_JSON)
    doc["indicators"].append({
        "source": "prose", "line": 7, "table": None, "domain": "幼有所育", "name": PROSE_NAME, "unit": "个",
        "attribute": None, "baseline": None, "quote": "新建社区嵌入式托育点12个",
        "target": {"raw": "12个", "value": 12.0, "value_low": None, "value_high": None, "op": "=",
                   "kind": "cumulative", "year": 2025}})
    engine = make_engine(url)
    with transaction(engine) as s:
        import_plan(s, doc, by="test")
    engine.dispose()


def _section(html: str, testid: str) -> str:
    m = re.search(rf'data-testid="{testid}".*?</table>', html, re.S)
    return m.group(0) if m else ""


def test_prose_targets_are_shown_and_counted_apart(seeded) -> None:  # type: ignore[no-untyped-def]
    url, seed, files = seeded
    _with_prose_target(url)
    with TestClient(create_app(url, secret_key="test-secret", files_dir=files), base_url="http://testserver") as c:
        login(c, "planner")
        page = c.get(f"/plans/{seed.plan_id}").text
        main, other = _section(page, "indicators"), _section(page, "other-targets")
        assert "其他量化目标 <span class=\"muted small\">(1)</span>" in page
        assert "主要指标 <span class=\"muted small\">(3)</span>" in page
        assert PROSE_NAME in other and PROSE_NAME not in main
        assert "预期性" not in other and "预期性" in main  # no attribute the text did not give
        # 预期性 filter: the prose target is neither binding nor expected
        assert PROSE_NAME not in c.get(f"/plans/{seed.plan_id}?binding=0").text
        public = c.get(f"/public/plans/{seed.plan_id}?unreported=1").text  # it has no data: hidden by default
        assert "其他量化目标" in public and PROSE_NAME in public
        assert PROSE_NAME not in c.get(f"/public/plans/{seed.plan_id}").text
        home = c.get("/public").text
        assert "主要指标 3 · 其他量化目标 1" in home


def test_the_review_draft_says_which_prose_target_restates_a_table_row(client) -> None:  # type: ignore[no-untyped-def]
    token = login(client, "planner")
    doc = ROOT / "data" / "seeds" / "002_9f04399c66dd38d8.txt"  # 养老机构护理型床位占比 restates its table row
    r = client.post("/review", data={"csrf_token": token}, files={"file": (doc.name, doc.read_bytes())},
                    follow_redirects=True)
    assert r.status_code == 200
    assert 'data-testid="restates"' in r.text and "重复表述指标表第" in r.text


def test_downloads_say_which_rows_are_main_indicators(seeded) -> None:  # type: ignore[no-untyped-def]
    url, seed, files = seeded
    _with_prose_target(url)
    with TestClient(create_app(url, secret_key="test-secret", files_dir=files), base_url="http://testserver") as c:
        rows = c.get(f"/public/plans/{seed.plan_id}/download.csv").text.splitlines()
    assert rows[0].split(",")[1] == "类别"
    assert any(PROSE_NAME in r and "其他量化目标" in r for r in rows)
    assert sum("主要指标" in r for r in rows[1:]) == 3
