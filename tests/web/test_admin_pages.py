"""Administration pages: accounts, departments, bulk lead assignment and the audit log, with role refusals."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from webtools import login

from planwatch.register.db import make_engine, transaction
from planwatch.register.users import add_user, authenticate, find_user

TEMP = "lantern-orchard-77"


def uid(client: TestClient, username: str) -> int:
    """An account's id as the users page links it."""
    page = client.get("/admin/users").text
    return int(page.split(f'data-user="{username}"')[0].rsplit('id="user-', 1)[1].split('"')[0])


def page_csrf(client: TestClient, path: str) -> str:
    return client.get(path).text.split('name="csrf_token" value="')[1].split('"')[0]


@pytest.mark.parametrize("who", ["planner", "viewer", "health"])
@pytest.mark.parametrize("path", ["/admin/users", "/admin/departments", "/admin/audit", "/admin/audit.csv"])
def test_only_administrators_reach_the_admin_pages(client: TestClient, who: str, path: str) -> None:
    login(client, who)
    assert client.get(path).status_code == 403


def test_admin_writes_are_refused_to_other_roles_and_without_csrf(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    csrf = login(client, "planner")
    r = client.post("/admin/users", data={"csrf_token": csrf, "username": "x1", "role": "viewer",
                                          "password": TEMP, "confirm": TEMP})
    assert r.status_code == 403
    assert client.post("/admin/users/1/disable", data={"csrf_token": csrf}).status_code == 403
    assert client.post("/admin/departments", data={"csrf_token": csrf, "name": "新局"}).status_code == 403
    login(client, "viewer")
    assert client.get(f"/plans/{seed.plan_id}/assign").status_code == 403
    login(client, "admin")
    assert client.post(f"/admin/users/{uid(client, 'viewer')}/disable", data={}).status_code == 403  # no CSRF token
    assert client.get("/admin/users").status_code == 200


def test_admin_creates_resets_disables_and_changes_roles(client: TestClient, seeded, seed) -> None:  # type: ignore[no-untyped-def]
    url = seeded[0]
    login(client, "admin")
    csrf = page_csrf(client, "/admin/users")
    r = client.post("/admin/users", data={"csrf_token": csrf, "username": "newrep", "display_name": "新填报员",
                                          "role": "reporter", "department": "", "password": TEMP, "confirm": TEMP})
    assert r.status_code == 400 and "填报员必须绑定部门" in r.text  # reporters need a department
    r = client.post("/admin/users", data={"csrf_token": csrf, "username": "newrep", "role": "reporter",
                                          "department": str(seed.health_dept), "password": "short",
                                          "confirm": "short"})
    assert r.status_code == 400 and "至少10个字符" in r.text
    r = client.post("/admin/users", data={"csrf_token": csrf, "username": "newrep", "display_name": "新填报员",
                                          "role": "reporter", "department": str(seed.health_dept),
                                          "password": TEMP, "confirm": TEMP}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "已创建" in page and 'data-user="newrep"' in page and "待修改初始密码" in page
    r = client.post("/admin/users", data={"csrf_token": csrf, "username": "newrep", "role": "viewer",
                                          "password": TEMP, "confirm": TEMP})
    assert r.status_code == 400 and "用户已存在" in r.text

    # disable and enable again; an administrator cannot disable themself
    assert client.post(f"/admin/users/{uid(client, 'newrep')}/disable", data={"csrf_token": csrf}).status_code == 200
    engine = make_engine(url)
    with transaction(engine) as s:
        assert not find_user(s, "newrep").active
    client.post(f"/admin/users/{uid(client, 'newrep')}/enable", data={"csrf_token": csrf})
    r = client.post(f"/admin/users/{uid(client, 'admin')}/disable", data={"csrf_token": csrf})
    assert r.status_code == 400 and "不能停用自己的账号" in r.text
    # a temporary password: the user must change it at the next sign-in
    with transaction(engine) as s:
        add_user(s, "old", "first-orchard-11", "viewer")
    r = client.post(f"/admin/users/{uid(client, 'old')}/reset", data={"csrf_token": csrf, "password": "old"})
    assert r.status_code == 400 and "至少10个字符" in r.text
    client.post(f"/admin/users/{uid(client, 'old')}/reset", data={"csrf_token": csrf, "password": TEMP})
    with transaction(engine) as s:
        assert find_user(s, "old").must_change_password and authenticate(s, "old", TEMP) is not None
    client.post(f"/admin/users/{uid(client, 'old')}/role", data={"csrf_token": csrf, "role": "planner", "department": ""})
    assert client.post("/admin/users/999999/disable", data={"csrf_token": csrf}).status_code == 404
    r = client.post(f"/admin/users/{uid(client, 'admin')}/role", data={"csrf_token": csrf, "role": "viewer"})
    assert r.status_code == 400 and "不能修改自己的角色" in r.text
    with transaction(engine) as s:
        assert find_user(s, "old").role == "planner" and find_user(s, "admin").role == "admin"
    engine.dispose()

    other = TestClient(client.app, base_url="http://testserver")
    r = other.post("/login", data={"csrf_token": page_csrf(other, "/login"), "username": "old", "password": TEMP},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/account/password")
    assert other.get("/", follow_redirects=False).headers["location"].startswith("/account/password")


def test_departments_are_created_renamed_and_list_their_members(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin")
    csrf = page_csrf(client, "/admin/departments")
    r = client.post("/admin/departments", data={"csrf_token": csrf, "name": "县民政局", "region": "990101"},
                    follow_redirects=False)
    assert r.status_code == 303
    r = client.post("/admin/departments", data={"csrf_token": csrf, "name": "县民政局", "region": "990101"})
    assert r.status_code == 400 and "已有部门" in r.text
    r = client.post("/admin/departments", data={"csrf_token": csrf, "name": "县民政局", "region": "火星"})
    assert r.status_code == 400 and "未知地区" in r.text
    r = client.post(f"/admin/departments/{seed.health_dept}/rename", data={"csrf_token": csrf, "name": "县卫健委"})
    page = r.text
    assert "部门已改名" in page and "县卫健委" in page and "卫健填报员" in page  # the member listed
    assert client.post("/admin/departments/999999/rename", data={"csrf_token": csrf, "name": "x"}).status_code == 404


def test_planner_assigns_a_lead_department_to_selected_rows(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    page = client.get(f"/plans/{seed.plan_id}").text
    assert f'href="/plans/{seed.plan_id}/assign"' in page
    page = client.get(f"/plans/{seed.plan_id}/assign").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert f'value="indicator:{seed.doctors}"' in page and "县人民医院改扩建工程" in page
    url = f"/plans/{seed.plan_id}/assign"
    r = client.post(url, data={"csrf_token": csrf, "department": str(seed.edu_dept)})
    assert r.status_code == 400 and "请至少选择" in r.text
    r = client.post(url, data={"csrf_token": csrf, "row": ["indicator:abc"], "department": str(seed.edu_dept)})
    assert r.status_code == 400
    r = client.post(url, data={"csrf_token": csrf, "row": [f"indicator:{seed.doctors}"], "department": ""})
    assert r.status_code == 400 and "请选择本地区的部门" in r.text
    r = client.post(url, data={"csrf_token": csrf, "row": [f"indicator:{seed.doctors}", "project:999999"],
                               "department": str(seed.edu_dept)})
    assert r.status_code == 400 and "找不到" in r.text
    projects = [x.split('"')[0] for x in page.split('value="project:')[1:]]
    r = client.post(url, data={"csrf_token": csrf, "row": [f"indicator:{seed.doctors}", f"project:{projects[0]}"],
                               "department": str(seed.edu_dept)})
    assert r.status_code == 200 and "已指定牵头部门" in r.text
    row = r.text.split(f'data-row="indicator:{seed.doctors}"')[1].split("</tr>")[0]
    assert "县教育局" in row
    plan = client.get(f"/plans/{seed.plan_id}").text  # the plan page shows the new lead at once
    assert "县教育局" in plan.split(f'data-indicator="{seed.doctors}"')[1].split("</tr>")[0]


def test_the_audit_log_filters_pages_and_exports_readably(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin")
    csrf = page_csrf(client, "/admin/departments")
    for n in range(3):
        client.post("/admin/departments", data={"csrf_token": csrf, "name": f"第{n}局", "region": "990101"})
    client.post(f"/admin/users/{uid(client, 'viewer')}/disable", data={"csrf_token": csrf})
    page = client.get("/admin/audit?actor=admin").text
    assert "共 4 条" in page and "部门 · 新建" in page and "账号 · 停用" in page
    assert "启用:是 → 否" in page and "active" not in page.split('data-testid="audit"')[1]
    page = client.get("/admin/audit?action=user.deactivate").text
    assert "共 1 条" in page and "viewer" in page
    page = client.get("/admin/audit?kind=department&from=2000-01-01&to=2000-01-02").text
    assert "共 0 条" in page and "没有符合条件的记录" in page
    page = client.get("/admin/audit?kind=bogus&target=xyz&from=notadate").text  # ignored, not an error
    assert "共 " in page
    with_seed = client.get("/admin/audit").text  # the seed's own writes are there too, by "seed"
    assert "seed" in with_seed and "第1页" not in with_seed

    r = client.get("/admin/audit.csv?actor=admin")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["时间", "操作人", "操作"] and len(rows) == 5
    assert any("启用:是 → 否" in cell for row in rows for cell in row)
    r = client.get("/admin/audit.xlsx?actor=admin")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.max_row == 5 and ws.cell(1, 2).value == "操作人"
    assert client.get("/admin/audit.pdf").status_code == 404


def test_audit_pages(client: TestClient) -> None:
    login(client, "admin")
    csrf = page_csrf(client, "/admin/departments")
    for n in range(60):
        client.post("/admin/departments", data={"csrf_token": csrf, "name": f"局{n:02d}", "region": ""})
    page = client.get("/admin/audit?kind=department").text
    assert "共 60 条" in page and "第 1 / 2 页" in page and 'data-testid="next-page"' in page
    page2 = client.get("/admin/audit?kind=department&page=2").text
    assert "第 2 / 2 页" in page2 and page2.count("<tr data-action") == 10
    assert "局00" in page2 and "局59" in page
