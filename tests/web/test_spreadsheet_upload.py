"""A department uploads its filled-in reporting form instead of typing values."""

from __future__ import annotations

import re

from webtools import login, stored

HEADER = "indicator_id,indicator,unit,region_code,region,year,value,judgement,source,version\n"


def upload(client, token: str, text: str, name: str = "form.csv"):  # type: ignore[no-untyped-def]
    return client.post("/reporting-upload", data={"csrf_token": token},
                       files={"file": (name, text.encode("utf-8"), "text/csv")})


def test_department_form_upload(client, seed, seeded):
    token = login(client, "health")
    row = f"{seed.childcare},每千人口3岁以下婴幼儿托位数,个,990101,测试县,2024,3.1,,卫健统计,\n"
    r = upload(client, token, HEADER + row)
    assert r.status_code == 200, r.text[:3000]
    assert "已导入 1 条" in r.text
    assert stored(seeded[0], seed.childcare, 2024) == (3.1, "submitted", 1)


def test_upload_imports_valid_rows_and_lists_the_rest(client, seed, seeded):
    """Another department's row and a bad cell are listed with their row, column and message; the
    valid row is imported."""
    token = login(client, "health")
    mine = f"{seed.childcare},每千人口3岁以下婴幼儿托位数,个,990101,测试县,2024,3.1,,,\n"
    theirs = f"{seed.preschool},学前教育毛入园率,%,990101,测试县,2024,91,,,\n"
    bad = f"{seed.doctors},每千人口执业(助理)医师数,人,990101,测试县,2024,三点一,,,\n"
    r = upload(client, token, HEADER + mine + theirs + bad)
    assert r.status_code == 200, r.text[:3000]
    assert "已导入 1 条" in r.text and "2 行未导入" in r.text
    assert stored(seeded[0], seed.childcare, 2024) == (3.1, "submitted", 1)
    assert stored(seeded[0], seed.preschool, 2024) is None
    assert stored(seeded[0], seed.doctors, 2024) is None
    problems = re.findall(r'<tr data-testid="import-problem"><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>',
                          r.text)
    assert [(row, msg) for row, _, msg in problems] == [
        ("3", f"指标 p{seed.plan_id}-i{seed.preschool} 不属于本部门"), ("4", "数字单元格中有文字:&#39;三点一&#39;")], problems
    assert "本年值" in problems[1][1]


def test_upload_refuses_an_unreadable_file(client, seed, seeded):
    token = login(client, "health")
    r = upload(client, token, "x", name="form.exe")
    assert r.status_code == 400 and "文件类型不支持" in r.text
