"""A full reporting round on the demo register in a real browser (issue 12, the first bar):

1. the planner assigns indicators to a second department from the plan page and opens the round
   with a due and a lock date (the administrator made that department and its reporter);
2. two reporters of different departments download their templates, fill them and upload them;
3. the approver returns one value with a comment; its reporter sees why on 待办 and corrects it;
4. the evidence attached to the correction opens for the approver and is refused to the other
   department;
5. the values and the year are approved and the round locked;
6. the public page shows exactly the approved values;
7. the audit log lists every step.

Every step goes through the pages; nothing is written to the database behind them. Screenshots of
each step are kept in tests/artifacts/web/full_round/."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from demo_site import DemoSite, build_demo, serve, sign_in
from openpyxl import load_workbook
from webtools import ARTIFACTS

from planwatch.exchange.columns import DATA_SHEET, match_header

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "full_round"
TODAY = date.today()
PLAN = 3  # 苍溪县“十四五”公共服务和就业促进规划 (2021–2025); the demo holds values up to 2024
YEAR = 2025
EDU = "苍溪县教育局"  # the demo's department (d-reporter), leading the plan's first 40 indicators
HEALTH = "苍溪县卫生健康局"  # made by the administrator in this test
HEALTH_USER, HEALTH_PASSWORD = "wj-reporter", "Wjj-reporting-2025"
# What each department reports for 2025 (indicator name → value); one edu value is returned and corrected.
EDU_VALUES = {"学前教育毛入园率": 97.4, "高中阶段教育毛入学率": 95.6}
HEALTH_VALUES = {"人均预期寿命": 78.1, "每千人口拥有执业(助理)医师数": 2.83}
RETURNED, CORRECTED = "高中阶段教育毛入学率", 95.9
LATE = "九年义务教育巩固率"  # an edu indicator nobody reported before the lock
COMMENT = "与教育统计年报不一致,请核对后更正"


def shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    home = tmp_path_factory.mktemp("full-round")
    url = build_demo(home)
    for base in serve(url, home / "files"):
        yield DemoSite(base, url)


@pytest.fixture
def pages(browser):  # type: ignore[no-untyped-def]
    """One browser context (own cookies) per person."""
    contexts = []

    def new():  # type: ignore[no-untyped-def]
        ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
        contexts.append(ctx)
        return ctx.new_page()

    yield new
    for ctx in contexts:
        ctx.close()


def fill_template(content: bytes, values: dict[str, float]) -> bytes:
    """The reporter's part: type this year's values into the downloaded form (by indicator name)."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb[DATA_SHEET]
    cols = {match_header(c.value): c.column for c in ws[1]}
    assert {"indicator", "value", "year", "version"} <= set(cols), cols
    left = dict(values)
    for row in ws.iter_rows(min_row=2):
        name = row[cols["indicator"] - 1].value
        if name in left:
            assert row[cols["year"] - 1].value == YEAR
            ws.cell(row=row[0].row, column=cols["value"], value=left.pop(name))
            ws.cell(row=row[0].row, column=cols["source"], value="2025年统计快报")
    assert not left, f"not in the form: {left}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download_template(page, base: str, tmp: Path) -> bytes:  # type: ignore[no-untyped-def]
    """The department's form for the open round, from the reporting page's list of forms."""
    page.goto(f"{base}/reporting?year={YEAR}")
    link = page.locator(f"[data-testid^=template-{PLAN}-{YEAR}-]")
    assert link.count() == 1, "one form: the reporter's own department's, for the open round"
    with page.expect_download() as info:
        link.click()
    d = info.value
    assert d.suggested_filename.endswith(".xlsx"), d.suggested_filename
    path = tmp / d.suggested_filename
    d.save_as(path)
    return path.read_bytes()


def upload(page, base: str, name: str, content: bytes) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/reporting?year={YEAR}")
    page.set_input_files("#sheet", files=[{"name": name, "mimeType": "application/vnd.openxmlformats-officedocument"
                                           ".spreadsheetml.sheet", "buffer": content}])
    page.click("[data-testid=upload-sheet]")
    page.wait_for_load_state()
    assert not page.locator("[data-testid=sheet-error]").inner_text().strip()
    return page.locator(".flash").first.inner_text()


def queue_row(page, name: str):  # type: ignore[no-untyped-def]
    row = page.locator("[data-testid=queue] tbody tr", has_text=name)
    assert row.count() == 1, name
    return row


def test_a_full_round_on_the_demo_register(site: DemoSite, pages, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = site.base
    admin, planner, edu, health, outsider = pages(), pages(), pages(), pages(), pages()

    # 0. The administrator makes the second department and its reporter (a temporary password).
    sign_in(admin, base, "d-admin")
    admin.goto(f"{base}/admin/departments")
    admin.fill("#nd-name", HEALTH)
    admin.fill("#nd-region", "510824")
    admin.locator("[data-testid=new-department] button[type=submit]").click()
    admin.wait_for_load_state()
    assert HEALTH in admin.locator("[data-testid=departments]").inner_text()
    admin.goto(f"{base}/admin/users")
    admin.fill("#nu-username", HEALTH_USER)
    admin.fill("#nu-display", "卫健局填报员")
    admin.select_option("#nu-role", "reporter")
    admin.select_option("#nu-dept", label=f"{HEALTH}(苍溪县)")
    admin.fill("#nu-password", HEALTH_PASSWORD + "-tmp")
    admin.fill("#nu-confirm", HEALTH_PASSWORD + "-tmp")
    admin.locator("[data-testid=new-user] button[type=submit]").click()
    admin.wait_for_load_state()
    assert HEALTH in admin.locator(f"[data-user={HEALTH_USER}]").inner_text()
    shot(admin, "00-admin-users")

    # 1. The planner assigns the health indicators to the new department from the plan page …
    sign_in(planner, base, "d-planner")
    planner.goto(f"{base}/plans/{PLAN}")
    planner.click("[data-testid=assign-link]")
    planner.wait_for_url(f"**/plans/{PLAN}/assign")
    for name in HEALTH_VALUES:
        planner.locator("[data-testid=assign-indicator] tbody tr", has_text=name).first.locator(
            "input[type=checkbox]").check()
    planner.select_option("[data-testid=assign-department]", label=HEALTH)
    planner.click("[data-testid=assign-submit]")
    planner.wait_for_load_state()
    for name in HEALTH_VALUES:
        assert HEALTH in planner.locator("[data-testid=assign-indicator] tbody tr", has_text=name).first.inner_text()
    shot(planner, "01-assigned")

    # … and opens the 2025 round with a due date and a lock date.
    planner.goto(f"{base}/rounds")
    planner.select_option("#round-plan", str(PLAN))
    planner.fill("#round-year", str(YEAR))
    due, lock = TODAY + timedelta(days=7), TODAY + timedelta(days=14)
    planner.fill("#round-due", due.isoformat())
    planner.fill("#round-lock", lock.isoformat())
    planner.click("[data-testid=open-round-submit]")
    planner.wait_for_url("**/rounds/*")
    round_url = planner.url.split("?")[0]
    assert "填报中" in planner.locator("[data-testid=round-state]").inner_text()
    assert planner.locator("[data-testid=plan-rate]").inner_text().strip() == "0%"
    shot(planner, "01-round-opened")

    # 2. Each reporter lands on 待办, downloads the department's form, fills it in and uploads it.
    sign_in(edu, base, "d-reporter")
    assert edu.url.endswith("/todo")
    edu_form = download_template(edu, base, tmp_path)
    shot(edu, "02-edu-reporting")

    health.goto(f"{base}/login")
    health.fill("#username", HEALTH_USER)
    health.fill("#password", HEALTH_PASSWORD + "-tmp")
    health.click("button[type=submit]")
    health.wait_for_url("**/account/password**")  # a temporary password must be changed first
    health.fill("#current_password", HEALTH_PASSWORD + "-tmp")
    health.fill("#new_password", HEALTH_PASSWORD)
    health.fill("#confirm", HEALTH_PASSWORD)
    health.locator("form button[type=submit]").last.click()
    health.wait_for_load_state()
    assert health.locator("[data-testid=password-done]").count() == 1
    shot(health, "02-health-password-changed")
    health.locator("main a", has_text="继续").click()  # on to where a reporter lands
    health.wait_for_load_state()
    assert health.url.endswith("/todo"), health.url
    assert health.locator("[data-testid=count-due]").inner_text().strip() == str(len(HEALTH_VALUES))
    shot(health, "02-health-todo")
    health_form = download_template(health, base, tmp_path)

    done = upload(edu, base, "教育局2025.xlsx", fill_template(edu_form, EDU_VALUES))
    assert f"已导入 {len(EDU_VALUES)} 条" in done, done
    shot(edu, "02-edu-uploaded")
    done = upload(health, base, "卫健局2025.xlsx", fill_template(health_form, HEALTH_VALUES))
    assert f"已导入 {len(HEALTH_VALUES)} 条" in done, done
    shot(health, "02-health-uploaded")
    for page, values in ((edu, EDU_VALUES), (health, HEALTH_VALUES)):
        page.goto(f"{base}/reporting?year={YEAR}")
        for name in values:
            card = page.locator("[data-testid^=report-]", has_text=name).first
            assert card.locator("[data-testid=obs-status]").inner_text() == "待审核"

    # 3. The approver returns one edu value with a comment …
    planner.goto(f"{base}/approvals")
    shot(planner, "03-approvals")
    row = queue_row(planner, RETURNED)
    row.locator("input[name=comment]").fill(COMMENT)
    row.locator("button[value=return]").click()
    planner.wait_for_load_state()
    assert planner.locator("[data-testid=queue] tbody tr", has_text=RETURNED).count() == 0

    # … the reporter sees it on 待办 with the comment, and corrects it on the web form with evidence.
    edu.goto(f"{base}/todo")
    assert edu.locator("[data-testid=count-returned]").inner_text().strip() == "1"
    returned = edu.locator("[data-testid=todo-returned]").inner_text()
    assert RETURNED in returned and COMMENT in returned
    shot(edu, "03-edu-todo-returned")
    edu.goto(f"{base}/reporting?year={YEAR}")
    card = edu.locator("[data-testid^=report-]", has_text=RETURNED).first
    assert COMMENT in card.inner_text()
    card.locator("input[name=value]").fill(str(CORRECTED))
    card.locator("input[name=evidence]").set_input_files(files=[{
        "name": "教育统计年报摘录.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n% planwatch full round\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"}])
    card.locator("button[value=submit]").click()
    edu.wait_for_load_state()
    card = edu.locator("[data-testid^=report-]", has_text=RETURNED).first
    assert card.locator("[data-testid=obs-status]").inner_text() == "待审核"
    shot(edu, "03-edu-corrected")

    # 4. The evidence opens for the approver from the approval screen …
    planner.goto(f"{base}/approvals")
    row = queue_row(planner, RETURNED)
    assert "95.9" in row.inner_text()
    link = row.locator("[data-testid=evidence-link]")
    href = link.get_attribute("href")
    assert href and re.fullmatch(r"/evidence/observation/\d+", href)
    with planner.context.expect_page() as opened:
        link.click()
    ev = opened.value
    ev.wait_for_load_state()
    r = planner.request.get(f"{base}{href}")
    assert r.status == 200 and r.body().startswith(b"%PDF-")
    assert f"filename*=UTF-8''{quote('教育统计年报摘录.pdf')}" in r.headers["content-disposition"]
    ev.close()
    shot(planner, "04-approvals-with-evidence")
    # … and from the indicator page.
    indicator_id = queue_row(planner, RETURNED).locator("a").first.get_attribute("href")
    planner.goto(f"{base}{indicator_id}")
    assert planner.locator(f"[data-testid=evidence-link][href='{href}']").count() == 1
    shot(planner, "04-indicator-with-evidence")
    # It is refused to the other department (as if it did not exist), which is offered no link to it.
    r = health.request.get(f"{base}{href}")
    assert r.status == 404
    health.goto(f"{base}{indicator_id}")
    assert health.locator(f"[href='{href}']").count() == 0
    health.goto(f"{base}{href}")
    shot(health, "04-evidence-refused")

    # 5. The approver approves every value, then the year, and locks the round.
    planner.goto(f"{base}/approvals")
    for name in (*EDU_VALUES, *HEALTH_VALUES):  # with last year's value beside each
        assert queue_row(planner, name).locator("[data-testid=ctx-last]").inner_text().strip() not in ("", "—")
    all_button = planner.locator("[data-testid=approve-all]")
    assert "4" in all_button.inner_text()
    all_button.click()
    planner.wait_for_load_state()
    assert planner.locator("[data-testid=queue-empty]").count() == 1
    # Approved values alone do not move the plan's data year: the round's approval does.
    outsider.goto(f"{base}/public/plans/{PLAN}")
    assert f"数据年份 {YEAR - 1}" in outsider.locator("main").inner_text()
    planner.goto(round_url)
    assert planner.locator("[data-testid=plan-rate]").inner_text().strip() == "10%"  # 4 of the 40 items
    planner.click("[data-testid=round-approve]")
    planner.wait_for_load_state()
    assert "已审定" in planner.locator("[data-testid=round-state]").inner_text()
    planner.click("[data-testid=round-lock]")
    planner.wait_for_load_state()
    assert "已锁定" in planner.locator("[data-testid=round-state]").inner_text()
    # Only an unlock is offered now (a locked round is not closed, approved or locked again).
    for step in ("close", "approve", "lock"):
        assert planner.locator(f"[data-testid=round-{step}]").count() == 0, step
    assert planner.locator("[data-testid=round-unlock]").count() == 1
    log = planner.locator("[data-testid=round-log]").inner_text()
    assert "开启" in log and "审定" in log and "锁定" in log
    shot(planner, "05-round-locked")
    # A locked year takes no late value: the page shows it read-only, with why, who locked it and when.
    edu.goto(f"{base}/reporting?year={YEAR}")
    card = edu.locator("[data-testid^=report-]", has_text=LATE).first
    assert card.locator("form").count() == 0
    assert card.locator("[data-testid=closed-state]").inner_text() == "已锁定"
    assert "锁定" in card.locator("[data-testid=closed-why]").inner_text()
    assert card.locator("[data-testid=closed-by]").inner_text().strip()
    assert card.locator("[data-testid=obs-status]").inner_text() == "无"
    shot(edu, "05-edu-refused-after-lock")

    # 6. The public page shows exactly the approved values (the returned one nowhere).
    approved = {**EDU_VALUES, **HEALTH_VALUES, RETURNED: CORRECTED}
    outsider.goto(f"{base}/public/plans/{PLAN}")
    shot(outsider, "06-public-plan")
    assert "数据年份 2025" in outsider.locator("main").inner_text()
    for name, value in approved.items():
        latest = outsider.locator(".pub-ind", has_text=name).first.locator("[data-testid=pub-latest]").inner_text()
        assert re.match(rf"{re.escape(f'{value:g}')}\s*\({YEAR}\)", latest), (name, latest)
    # … and no other 2025 value: exactly the approved indicators carry the year.
    with_year = {ind.locator("a").first.inner_text().strip() for ind in outsider.locator(".pub-ind").all()
                 if f"({YEAR})" in ind.locator("[data-testid=pub-latest]").inner_text()}
    assert with_year == set(approved), with_year
    # The public API agrees: one 2025 value per indicator, the approved one.
    for name, value in approved.items():
        ind = outsider.locator(".pub-ind", has_text=name).first.get_attribute("data-indicator")
        data = outsider.request.get(f"{base}/api/public/indicators/{ind}").json()
        assert [v["value"] for v in data["values"] if v["year"] == YEAR] == [value], (name, data["values"])

    # 7. The audit log lists every step (newest first, all on its first page), in words.
    admin.goto(f"{base}/admin/audit")
    shot(admin, "07-audit")
    rows = [[c.inner_text().strip() for c in tr.locator("td").all()]
            for tr in admin.locator("[data-testid=audit] tbody tr").all()]

    def logged(actor: str, action: str, target: str, *details: str) -> None:
        # who acted: the display name with the user name beside it ("规划科 (d-planner)")
        hits = [r for r in rows if (r[1] == actor or r[1].endswith(f" ({actor})")) and r[2] == action
                and target in r[3]
                and all(d in r[4] + r[5] for d in details)]
        assert hits, (actor, action, target, details)

    plan_year = f"苍溪县“十四五”公共服务和就业促进规划 · {YEAR}"
    logged("d-admin", "部门 · 新建", HEALTH)
    logged("d-admin", "账号 · 新建", HEALTH_USER, "角色:部门填报", f"部门:{HEALTH}")
    logged(HEALTH_USER, "账号 · 修改密码", HEALTH_USER)
    for name in HEALTH_VALUES:
        logged("d-planner", "指标 · 指定责任部门", name, f"部门:{HEALTH}")
    logged("d-planner", "填报轮次 · 开启", plan_year, f"应报日期:{due.year}年{due.month}月{due.day}日",
           f"锁定日期:{lock.year}年{lock.month}月{lock.day}日", "轮次状态:填报中")
    for who, values, sheet in (("d-reporter", EDU_VALUES, "教育局2025.xlsx"), (HEALTH_USER, HEALTH_VALUES,
                                                                              "卫健局2025.xlsx")):
        for name, value in values.items():
            logged(who, "指标数据 · 新建", f"{name} · 苍溪县 · {YEAR}", f"数值:{value:g}", "状态:待审核", sheet)
    logged("d-planner", "指标数据 · 审核状态变更", RETURNED, "状态:待审核 → 已退回", COMMENT)
    logged("d-reporter", "指标数据 · 修改", RETURNED, "数值:95.6 → 95.9", "状态:已退回 → 待审核",
           "佐证材料:— → 教育统计年报摘录.pdf")
    for name in (*EDU_VALUES, *HEALTH_VALUES):
        logged("d-planner", "指标数据 · 审核状态变更", name, "状态:待审核 → 已审核")
    logged("d-planner", "填报轮次 · 审定", plan_year, "轮次状态:填报中 → 已审定")
    logged("d-planner", "填报轮次 · 锁定", plan_year, "轮次状态:已审定 → 已锁定")
    # Never an internal name: no stored file path, no field or state code.
    text = "\n".join(r[3] + r[4] for r in rows)  # targets and changes (notes are the register's reasons)
    for internal in ("evidence/", "evidence_", "locked", "approved", "submitted", "state", "其他:", "#"):
        assert internal not in text, internal
    # The same steps in the export, for the office's records.
    r = admin.request.get(f"{base}/admin/audit.csv?actor=d-planner")
    assert r.status == 200 and "填报轮次 · 锁定" in r.text() and COMMENT in r.text()
