from webtools import login


def test_pages_render(client, seed):
    login(client, "planner")
    for path in ["/", f"/plans/{seed.plan_id}", f"/indicators/{seed.childcare}", f"/plans/{seed.plan_id}/document",
                 "/reporting", "/approvals", "/review", "/public", f"/public/plans/{seed.plan_id}",
                 f"/public/indicators/{seed.childcare}"]:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:2000])


def test_plan_lists_page(client, seed):
    every = client.get("/api/public/plans").json()
    assert every and [p["id"] for p in every] == sorted(p["id"] for p in every)
    first = client.get("/api/public/plans", params={"limit": 1}).json()
    assert [p["id"] for p in first] == [every[0]["id"]]
    assert client.get("/api/public/plans", params={"limit": 1, "page": len(every) + 1}).json() == []
    assert client.get("/api/public/plans", params={"limit": 0}).status_code == 422
    login(client, "planner")
    assert client.get("/api/plans", params={"limit": 1, "page": 1}).json() == first
