"""Search across plans, indicators, tasks, projects and departments, by part of a name or by pinyin
initials; a reporter finds only its department's indicators; "show more" pages through long lists."""

from __future__ import annotations

import re

from webtools import login

from planwatch.register.search import initials


def hits(html: str, kind: str) -> list[str]:
    m = re.search(rf'data-testid="hits-{kind}">(.*?)</section>', html, re.S)
    return re.findall(r'<li>\s*<a href="[^"]*">([^<]+)</a>', m.group(1)) if m else []


def test_initials() -> None:
    assert initials("每千人口3岁以下婴幼儿托位数") == "mqrk3syxyyetws"
    assert initials("学前教育毛入园率") == "xqjymryl"


def test_search_by_name_and_by_pinyin_initials(client, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    r = client.get("/search", params={"q": "托位"})
    assert r.status_code == 200
    assert hits(r.text, "indicator") == ["每千人口3岁以下婴幼儿托位数"]
    assert hits(client.get("/search", params={"q": "xqjy"}).text, "indicator") == ["学前教育毛入园率"]
    page = client.get("/search", params={"q": "测试县"}).text
    assert hits(page, "plan") == ["测试县“十四五”公共服务规划"]
    page = client.get("/search", params={"q": "卫生健康"}).text
    assert 'data-testid="hits-department"' in page and "县卫生健康局" in page
    assert f'/plans/{seed.plan_id}?department=' in page  # the department's plans, filtered to its rows
    assert 'data-testid="search-none"' in client.get("/search", params={"q": "zzzzqqq"}).text


def test_a_reporter_finds_only_its_departments_indicators(client, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "edu")
    assert hits(client.get("/search", params={"q": "托位"}).text, "indicator") == []
    assert hits(client.get("/search", params={"q": "入园"}).text, "indicator") == ["学前教育毛入园率"]


def test_search_is_for_signed_in_staff_and_bounded(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/search", params={"q": "托位"}, follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]
    login(client, "viewer")
    r = client.get("/search", params={"q": "托" * 5000, "shown": "99999999999", "kind": "<script>"})
    assert r.status_code == 200
