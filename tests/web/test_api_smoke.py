from webtools import login


def test_pages_render(client, seed):
    login(client, "planner")
    for path in ["/", f"/plans/{seed.plan_id}", f"/indicators/{seed.childcare}", f"/plans/{seed.plan_id}/document",
                 "/reporting", "/approvals", "/review", "/public", f"/public/plans/{seed.plan_id}",
                 f"/public/indicators/{seed.childcare}"]:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:2000])
