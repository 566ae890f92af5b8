"""Issue 18 in Chromium on the demo data: the PM answers the bureau's open change proposal; the bureau
admin reads the contacts of a day, the undertakings register with the missing one, the incidents and the
withdrawn termination; the PM records an engineer's remote support on a request; the request shows the
bureau's required-by date. Strict CSP, no console error."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.models import User
from common import clock
from contracts.agreement import ChangeStatus, ContractChange
from tickets.models import RequiredBy

from .conftest import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rest_of_the_contract_in_the_browser(demo, strict_page, live_server, log_in):
    page = strict_page
    proposal = ContractChange.objects.get(status=ChangeStatus.PROPOSED, contract__number="JTRS-JB-2026-001")

    log_in("pm")
    open_menu(page, "合同履约", group="合同与设置")
    expect(page.get_by_test_id("change-table")).to_contain_text("每工作日驻场工程师增至 3 名")
    page.get_by_role("link", name=proposal.number).click()
    page.get_by_label("同意变更").check()
    page.get_by_label("意见/理由").fill("同意，下月起增派一名工程师。")
    page.get_by_role("button", name="提交答复").click()
    expect(page.get_by_test_id("change-status")).to_have_text("已同意")
    expect(page.get_by_test_id("change-applied")).to_contain_text("2 → 3")
    page.context.clear_cookies()

    log_in("bureau")
    page.goto(f"{live_server.url}/contracts/contacts/")
    expect(page.get_by_test_id("contact-client")).to_contain_text("刘洋")
    page.get_by_role("link", name="保密承诺（第五条）").click()
    expect(page.get_by_test_id("undertaking-missing").first).to_be_visible()
    with page.expect_navigation():
        page.select_option("#contract-switch", label="JTRS-JB-2023-001（2023）")
    page.goto(f"{live_server.url}/contracts/incidents/")
    expect(page.get_by_test_id("incident-table")).to_contain_text("¥60,000.00")
    page.get_by_role("link", name="解除/终止（第八条）").click()
    expect(page.get_by_test_id("termination")).to_contain_text("已撤回")
    page.goto(f"{live_server.url}/contracts/contacts/?on=2023-03-01")
    expect(page.get_by_test_id("contact-vendor")).to_contain_text("赵鹏")
    page.context.clear_cookies()

    required = RequiredBy.objects.select_related("ticket").first()
    ticket = required.ticket
    log_in("pm")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("required-by")).to_contain_text(f"{required.due_on:%Y-%m-%d}")
    page.get_by_test_id("support-card").get_by_text("登记支持").click()
    engineer = User.objects.get(username="eng1")
    page.get_by_label("支持人员").select_option(str(engineer.pk))
    page.get_by_label("方式").select_option("remote")
    started = clock.local(clock.now()) - dt.timedelta(minutes=5)
    page.get_by_label("开始时间").fill(f"{started:%Y-%m-%dT%H:%M}")
    page.get_by_label("时长（分钟）").fill("25")
    page.get_by_label("支持内容").fill("远程核对缴费基数参数表。")
    page.get_by_test_id("support-card").get_by_role("button", name="登记").click()
    row = page.get_by_test_id("support-rows").locator("tr", has_text="远程核对缴费基数参数表")
    expect(row).to_contain_text(engineer.display_name)

    assert page.evaluate("window.__csp") == []
    assert page.errors == []
