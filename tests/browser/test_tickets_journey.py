"""The whole journey in Chromium on the demo data: file → confirm → assign → work → resolve → sign off."""

import re

import pytest
from playwright.sync_api import expect

from demo.loader import load_demo
from tickets.models import SignOffStatus, Status, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    load_demo()


def test_file_confirm_assign_resolve_sign_off(demo, page, live_server, log_in):
    page.on("dialog", lambda dialog: dialog.accept())

    def as_user(username):
        page.context.clear_cookies()
        return log_in(username)

    # 养老保险科 staff files a request with the kind's own fields; a missing field is explained, input kept.
    as_user("staff1")
    page.get_by_test_id("tickets-panel").wait_for()
    page.goto(f"{live_server.url}/tickets/new/")
    page.select_option("#id_kind", "policy")
    expect(page.locator("#id_policy_document")).to_be_visible()
    expect(page.locator("#id_data_scope")).to_be_hidden()
    page.select_option("#id_scope", label="政策差异化功能")
    page.select_option("#id_priority", "high")
    page.fill("#id_title", "调整 2026 年缴费基数上下限")
    page.fill("#id_description", "按新文件调整缴费基数上下限参数，自 7 月起执行。")
    page.get_by_test_id("submit-ticket").click()
    expect(page.get_by_text("政策调整请填写依据的政策文件")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("调整 2026 年缴费基数上下限")
    page.fill("#id_policy_document", "常人社发〔2026〕21号")
    page.get_by_test_id("submit-ticket").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("待确认")
    ticket = Ticket.objects.get(title="调整 2026 年缴费基数上下限")
    detail = f"{live_server.url}/tickets/{ticket.pk}/"
    page.screenshot(path="var/screenshots/ticket-submitted.png")

    # The head of 养老保险科 sees the bell and confirms; the SLA clocks start.
    as_user("head1")
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    page.goto(detail)
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("待分派")
    due = page.get_by_test_id("resolve-due").get_by_test_id("due")
    expect(due).to_have_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"))

    # The PM assigns eng1.
    as_user("pm")
    page.goto(detail)
    page.get_by_test_id("assign-form").locator("select").select_option(label="周磊（驻场工程师）")
    page.get_by_test_id("assign-form").get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("assignee")).to_have_text("周磊")

    # eng1 starts (first response), logs time and resolves.
    as_user("eng1")
    page.goto(f"{live_server.url}/tickets/?view=assigned")
    page.get_by_role("link", name=ticket.number).click()
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("处理中")
    page.get_by_text("登记工时").click()
    page.get_by_test_id("time-form").locator("input[name=time-hours]").fill("1.5")
    page.get_by_test_id("time-form").get_by_role("button", name="保存").click()
    expect(page.get_by_text("工时已登记")).to_be_visible()
    page.get_by_text("办结", exact=True).click()
    page.get_by_test_id("resolve-form").locator("textarea").fill("已调整缴费基数上下限参数，测试库验证通过。")
    page.get_by_test_id("resolve").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("已解决待确认")
    page.screenshot(path="var/screenshots/ticket-resolved.png")

    # staff1 reads the form, opens the PDF and signs in the portal.
    as_user("staff1")
    page.goto(detail)
    page.get_by_test_id("signoff-link").click()
    pdf = page.request.get(live_server.url + page.get_by_test_id("signoff-pdf").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    page.get_by_test_id("sign").click()
    expect(page.get_by_test_id("signoff-status")).to_have_text("已签署")
    page.screenshot(path="var/screenshots/signoff-signed.png")

    ticket.refresh_from_db()
    assert ticket.status == Status.SIGNED_OFF
    assert ticket.signoff.status == SignOffStatus.SIGNED and ticket.first_response_at is not None
    assert ticket.time_spent_minutes == 90
