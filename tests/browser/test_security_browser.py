"""In Chromium, against the live server with the demo: the Content-Security-Policy (no inline script
or style) breaks nothing on the main pages of each role, and the 三员 journey works end to end."""

import re

import pytest
from playwright.sync_api import expect

from demo.loader import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_LOGINS = ["staff1", "head1", "bureau", "eng1", "pm", "finance", "auditor", "sysadmin", "secadmin"]
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " @" + e.sourceFile + ":" + e.lineNumber
  );
});
"""


@pytest.fixture
def demo(db):
    load_demo()


def _main_pages(page, base: str) -> list[str]:
    """Home, every item of the role's menu, the password page; the admin index for staff roles."""
    items = ".portal-navbar .nav-link:not(.dropdown-toggle), .portal-navbar .dropdown-item"
    hrefs = page.locator(items).evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    pages = ["/", *hrefs, "/security/password/"]
    if page.locator("text=管理后台").count():
        pages.append("/admin/")
    return list(dict.fromkeys(pages))


def test_no_csp_violation_on_the_main_pages(demo, page, live_server, log_in):
    """Every demo login in turn (one demo load): home, each menu page, the password page."""
    problems: list[str] = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text}")
            if "Content Security Policy" in msg.text or msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    for username in DEMO_LOGINS:
        log_in(username)
        visited = []
        for path in _main_pages(page, live_server.url):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            visited.append(path)
            problems += [f"{username} {path}: {v}" for v in page.evaluate("window.__csp || []")]
            # The page's own script works under the policy: the user menu opens (Bootstrap's JS).
            if path == "/":
                page.get_by_test_id("user-menu").click()
                expect(page.get_by_test_id("logout")).to_be_visible()
        assert len(visited) >= 3, f"{username}: {visited}"
        page.context.clear_cookies()
    assert not problems, "\n".join(problems)


def test_sysadmin_creates_secadmin_assigns_and_the_new_user_changes_the_password(
    demo, page, live_server, log_in
):
    log_in("sysadmin")
    page.get_by_role("link", name="用户").first.click()
    page.get_by_test_id("user-create").click()
    page.fill("#id_username", "newcomer")
    page.fill("#id_full_name", "新来的同事")
    page.select_option("#id_department", label="养老保险科")
    page.fill("#id_password1", "Qi7#vLm-Tz9x")
    page.fill("#id_password2", "Qi7#vLm-Tz9y")
    page.get_by_role("button", name="创建").click()
    expect(page.locator("#id_password2").locator("xpath=..")).to_contain_text("两次输入的密码不一致")
    expect(page.locator("#id_full_name")).to_have_value("新来的同事")
    page.fill("#id_password1", "Qi7#vLm-Tz9x")
    page.fill("#id_password2", "Qi7#vLm-Tz9x")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_test_id("account-role")).to_contain_text("待安全管理员分配")
    page.screenshot(path="var/screenshots/security-account-created.png")
    page.context.clear_cookies()

    log_in("secadmin")
    expect(page.get_by_test_id("pending-roles")).to_have_text("1")
    page.get_by_role("link", name=re.compile("新来的同事")).click()
    page.get_by_test_id("assign-role").click()
    page.select_option("#id_role", "staff")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("account-role")).to_have_text("经办人员")
    page.context.clear_cookies()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", "Qi7#vLm-Tz9x")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("password-reason")).to_contain_text("由管理员设置")
    page.fill("#id_old_password", "Qi7#vLm-Tz9x")
    page.fill("#id_new_password1", "Mine#Own2026")
    page.fill("#id_new_password2", "Mine#Own2026")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_test_id("home-title")).to_contain_text("养老保险科")
