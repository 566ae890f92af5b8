"""A bureau admin logs in on the demo data, reads the 2023 contract and calendar, loads 2027."""

import pytest
from playwright.sync_api import expect

from demo.loader import load_demo

from .conftest import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    load_demo()


def test_bureau_admin_reads_contract_and_calendar(demo, page, live_server, log_in):
    log_in("bureau")
    expect(page.get_by_test_id("home-title")).to_have_text("局信息化管理员工作台")
    open_menu(page, "合同", group="合同与设置")
    page.get_by_role("link", name="JTRS-JB-2023-001").click()
    expect(page.get_by_test_id("contract-total")).to_contain_text("¥600,000.00")
    expect(page.get_by_test_id("contract-total")).to_contain_text("陆拾万圆整")
    expect(page.get_by_test_id("scope-list").locator("li")).to_have_count(9)

    page.goto(f"{live_server.url}/contracts/calendar/?year=2023")
    expect(page.locator('td[data-date="2023-01-28"]')).to_have_attribute("data-kind", "makeup")
    expect(page.locator('td[data-date="2023-01-29"]')).to_have_attribute("data-kind", "makeup")

    page.goto(f"{live_server.url}/contracts/calendar/?year=2027")
    expect(page.get_by_test_id("calendar-not-loaded")).to_be_visible()
    page.get_by_role("link", name="加载 2027 年放假安排").click()
    page.fill("#id_source", "国务院办公厅通知")
    page.fill("#id_notice", "2027-01-01~2027-01-03,休,元旦\n2027-02-14,班,春节")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="校验并加载").click()
    expect(page.locator('td[data-date="2027-02-14"]')).to_have_attribute("data-kind", "makeup")
    page.screenshot(path="var/screenshots/calendar-2027.png", full_page=False)


HOMES = [
    ("staff1", "养老保险科 · 我的工作台"),
    ("head1", "养老保险科 · 科室负责人工作台"),
    ("eng1", "驻场工程师工作台"),
    ("pm", "项目经理工作台"),
    ("finance", "财务工作台"),
    ("auditor", "审计员工作台"),
]


def test_every_demo_login_reaches_its_home(demo, page, log_in):
    """One demo load for all the logins: each logs in, sees its home page and logs out."""
    for username, title in HOMES:
        log_in(username)
        expect(page.get_by_test_id("home-title")).to_have_text(title)
        page.get_by_test_id("user-menu").click()
        page.get_by_test_id("logout").click()
        expect(page.get_by_text("您已安全退出")).to_be_visible()
