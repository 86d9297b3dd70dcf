"""The approval screen: each value beside last year's approved value, the change, target and milestone,
and an explained outlier flag; approve the selected rows or all, return the selected with a comment."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from webtools import login, stored


def row_html(html: str, obs_id: int) -> str:
    start = html.index(f'<tr data-obs="{obs_id}"')
    return html[start:html.index("</tr>", start)]


def obs_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-obs="(\d+)"', html)]


def submit(app, username: str, indicator_id: int, year: int, value: str) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        token = login(c, username)
        r = c.post(f"/reporting/{indicator_id}", data={"csrf_token": token, "year": str(year), "value": value,
                                                      "action": "submit", "expected_version": ""})
        assert r.status_code in (200, 303), r.text[:2000]


def test_context_values_and_outlier_flag(app, client, seed, seeded):
    submit(app, "health", seed.childcare, 2023, "5")  # 2.3 approved for 2022: +117 %
    login(client, "planner")
    html = client.get("/approvals").text
    ids = obs_ids(html)
    assert len(ids) == 2
    pre, child = ids  # oldest first: the seeded preschool value, then the new one
    r = row_html(html, pre)
    assert "学前教育毛入园率" in r
    assert re.search(r'data-testid="ctx-last">86.5<', r)
    assert "+0.5" in r and "+0.6%" in r
    assert "≥90" in r
    assert 'data-testid="flag-' not in r
    c = row_html(html, child)
    assert re.search(r'data-testid="ctx-last">2.3<', c) and "+2.7" in c and "+117.4%" in c
    assert 'data-testid="flag-jump"' in c and "较上年(2.3)变化 +117%,超过 ±50%" in c


def test_approve_selected_then_return_selected_needs_a_comment(app, client, seed, seeded):
    submit(app, "health", seed.childcare, 2023, "2.6")
    token = login(client, "planner")
    html = client.get("/approvals").text
    pre, child = obs_ids(html)
    version = {i: re.search(rf'name="row" value="{i}:(\d+)"', html).group(1) for i in (pre, child)}  # type: ignore[union-attr]
    r = client.post("/approvals-bulk", data={"csrf_token": token, "action": "approve", "row": [f"{pre}:{version[pre]}"]})
    assert r.status_code == 200 and "已通过 1 条" in r.text, r.text[:3000]
    assert stored(seeded[0], seed.preschool, 2023)[1] == "approved"  # type: ignore[index]
    assert stored(seeded[0], seed.childcare, 2023)[1] == "submitted"  # type: ignore[index]
    r = client.post("/approvals-bulk", data={"csrf_token": token, "action": "return", "row": [f"{child}:{version[child]}"]})
    assert r.status_code == 400 and "退回时请填写意见" in r.text
    assert stored(seeded[0], seed.childcare, 2023)[1] == "submitted"  # type: ignore[index]
    r = client.post("/approvals-bulk", data={"csrf_token": token, "action": "return", "comment": "请核实口径",
                                             "row": [f"{child}:{version[child]}"]})
    assert r.status_code == 200 and "退回 1 条" in r.text
    assert stored(seeded[0], seed.childcare, 2023)[1] == "returned"  # type: ignore[index]
    r = client.post("/approvals-bulk", data={"csrf_token": token, "action": "approve"})
    assert r.status_code == 400 and "请先勾选" in r.text


def test_approve_all_skips_what_cannot_be_decided(app, client, seed, seeded):
    submit(app, "planner", seed.childcare, 2023, "2.6")  # the planner's own: four eyes, skipped
    token = login(client, "planner")
    html = client.get("/approvals").text
    everything = re.findall(r'<input type="hidden" name="all" value="([^"]+)">', html)
    assert len(everything) == 1  # only what this planner may approve
    r = client.post("/approvals-bulk", data={"csrf_token": token, "action": "approve_all", "all": everything})
    assert r.status_code == 200 and "已通过 1 条" in r.text
    assert stored(seeded[0], seed.preschool, 2023)[1] == "approved"  # type: ignore[index]
    # A stale version is skipped with its reason, nothing written.
    own = obs_ids(r.text)[0]
    r = client.post("/approvals-bulk", data={"csrf_token": token, "action": "return", "comment": "x",
                                             "row": [f"{own}:99"]})
    assert r.status_code == 200 and "1 条未处理" in r.text and 'data-testid="bulk-skipped"' in r.text


def test_approvals_page_by_page(app, client, seed, seeded):
    login(client, "planner")
    r = client.get("/approvals?page=7")  # past the end: the last page
    assert r.status_code == 200 and len(obs_ids(r.text)) == 1
    assert client.get("/approvals?page=x").status_code == 200
