"""In a real browser: an administrator creates a reporter, the reporter signs in with the temporary password,
is made to change it, submits a value, and the audit log lists every step."""

from __future__ import annotations

import pytest
import web_seed
from webtools import shot

pytestmark = pytest.mark.browser

TEMP = "temporary-orchard-31"
OWN = "my-own-lantern-2026"


def sign_in(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_admin_creates_a_reporter_who_changes_the_password_reports_and_the_audit_log_shows_it(
        server, browser, seed):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    admin = ctx.new_page()
    sign_in(admin, server, "admin", web_seed.PASSWORD)
    admin.click("[data-testid=nav-admin]")
    admin.wait_for_url("**/admin/users")
    form = admin.locator("[data-testid=new-user]")
    form.locator("#nu-username").fill("wangli")
    form.locator("#nu-display").fill("王丽")
    form.locator("#nu-role").select_option("reporter")
    form.locator("#nu-dept").select_option(str(seed.health_dept))
    form.locator("#nu-password").fill(TEMP)
    form.locator("#nu-confirm").fill("something-else-99")
    form.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    assert admin.locator(".field-error[data-for=confirm]").inner_text() == "两次输入的新密码不一致"
    form = admin.locator("[data-testid=new-user]")
    form.locator("#nu-password").fill(TEMP)
    form.locator("#nu-confirm").fill(TEMP)
    form.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    row = admin.locator("tr[data-user=wangli]")
    assert "部门填报" in row.inner_text() and "待修改初始密码" in row.inner_text()
    shot(admin, "admin-users")

    rep_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    rep = rep_ctx.new_page()
    sign_in(rep, server, "wangli", TEMP)
    assert "/account/password" in rep.url
    assert rep.locator("[data-testid=password-forced]").is_visible()
    rep.goto(f"{server}/reporting")  # nothing else until the password is changed
    assert "/account/password" in rep.url
    rep.fill("#current_password", TEMP)
    rep.fill("#new_password", OWN)
    rep.fill("#confirm", OWN)
    rep.click("form[action=\"/account/password\"] button[type=submit]")
    rep.wait_for_load_state()
    assert rep.locator("[data-testid=password-done]").is_visible()
    rep.goto(f"{server}/reporting?year=2024")
    card = rep.locator(f"[data-testid=report-{seed.doctors}]")
    card.locator(f"#value-{seed.doctors}").fill("2.6")
    card.locator(f"#note-{seed.doctors}").fill("2024年卫生统计年报")
    card.locator(f"[data-testid=submit-{seed.doctors}]").click()
    rep.wait_for_load_state()
    card = rep.locator(f"[data-testid=report-{seed.doctors}]")
    assert card.locator("[data-testid=obs-status]").inner_text() == "待审核"
    rep_ctx.close()

    admin.goto(f"{server}/admin/audit")
    admin.select_option("[data-testid=audit-filters] select[name=actor]", "wangli")
    admin.click("[data-testid=audit-filters] button[type=submit]")
    admin.wait_for_load_state()
    actions = [a for a in admin.locator("[data-testid=audit] tr[data-action]").evaluate_all(
        "rows => rows.map(r => r.dataset.action)")]
    assert actions == ["observation.create", "user.password"]  # newest first
    table = admin.locator("[data-testid=audit]").inner_text()
    assert "指标数据 · 新建" in table and "数值:2.6" in table and "状态:待审核" in table
    assert "每千人口执业(助理)医师数" in table
    admin.goto(f"{server}/admin/audit?actor=admin")
    table = admin.locator("[data-testid=audit]").inner_text()
    assert "账号 · 新建" in table and "wangli" in table and "须修改密码:是" in table
    assert "password_hash" not in table and TEMP not in admin.content()
    shot(admin, "admin-audit")
    ctx.close()
