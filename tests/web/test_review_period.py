"""Review: a document that states no plan period is published only once the reviewer gives one."""

from __future__ import annotations

from webtools import login

DOC = ("测试县养老服务设施规划\n第一章 主要目标\n养老机构护理型床位占比达到60%以上。\n"
       "第二章 主要任务\n每个乡镇建成1所区域养老服务中心。\n").encode()


def test_publish_asks_for_the_period_when_the_document_has_none(client, seed):  # type: ignore[no-untyped-def]
    h = {"X-CSRF-Token": login(client, "planner")}
    draft = client.post("/api/review", files={"file": ("plan.txt", DOC, "text/plain")}, headers=h).json()
    assert draft["plan"]["period"] is None
    for it in draft["items"]:
        assert client.post(f"/api/review/{draft['id']}/items", json={"key": it["key"], "decision": "accept"},
                           headers=h).status_code == 200
    page = client.get(f"/review/{draft['id']}").text
    assert 'name="period"' in page
    r = client.post(f"/api/review/{draft['id']}/publish", json={"region": "测试县"}, headers=h)
    assert r.status_code == 422 and "period" in r.json()["fields"]
    r = client.post(f"/api/review/{draft['id']}/publish", json={"region": "测试县", "period": "2030"}, headers=h)
    assert r.status_code == 422 and "2026-2030" in r.json()["fields"]["period"]
    r = client.post(f"/api/review/{draft['id']}/publish", json={"region": "测试县", "period": "2026-2030"},
                    headers=h)
    assert r.status_code == 200, r.text
    plan = client.get(f"/api/plans/{r.json()['plan_id']}").json()
    summary = plan.get("plan", plan)
    assert summary["period"] == [2026, 2030], plan.keys()
