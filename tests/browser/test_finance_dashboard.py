"""Finance reads the dashboard on the demo data in Chromium: the score, the tier, the payments, and the
three ECharts charts drawn on canvases, with no console error and no Content-Security-Policy violation
under a strict policy (no inline scripts or styles) added to every page of the portal."""

import pytest
from playwright.sync_api import expect

from performance.models import ScoreLock

from .conftest import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_reads_the_dashboard(demo, strict_page, live_server, log_in):
    page = strict_page
    log_in("finance")
    expect(page.get_by_test_id("finance-panel")).to_contain_text("付款档位")
    open_menu(page, "付款", group="考核与付款")
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("付款与绩效")
    for chart in ("chart-parts", "chart-trend", "chart-payments"):
        expect(page.get_by_test_id(chart).locator("canvas")).to_have_count(1)
        expect(page.get_by_test_id(chart)).to_have_attribute("data-rendered", "true")
    expect(page.get_by_test_id("amount-advance")).to_contain_text("¥240,000.00")
    expect(page.get_by_test_id("amount-advance")).to_contain_text("贰拾肆万圆整")
    # the current contract ends on 2026-12-31: its final payment falls in 2027, whose calendar is not loaded
    expect(page.get_by_test_id("due-final")).to_contain_text("待定")
    expect(page.get_by_test_id("due-final")).to_contain_text("2027 年工作日历尚未加载")
    page.screenshot(path="var/screenshots/finance-dashboard.png", full_page=True)

    # the 2023 contract: locked score, both payments made, the advance 13 days late
    with page.expect_navigation():
        page.select_option("#contract-switch", label="JTRS-JB-2023-001（2023）")
    page.goto(f"{live_server.url}/payments/")
    locked = ScoreLock.objects.get(contract__number="JTRS-JB-2023-001", unlocked_at__isnull=True)
    expect(page.get_by_test_id("kpi-score")).to_have_text(f"{locked.total}")
    expect(page.get_by_test_id("kpi-tier")).to_have_text(f"{locked.pay_ratio.normalize():f}%")
    expect(page.get_by_test_id("status-advance")).to_have_text("逾期付清")
    expect(page.get_by_test_id("fee-advance")).to_contain_text("¥600.00")
    expect(page.get_by_test_id("status-final")).to_have_text("已按期付清")
    expect(page.get_by_test_id("chart-trend").locator("canvas")).to_have_count(1)

    # every figure opens the cases behind it
    page.get_by_role("link", name="五项得分明细 »").click()
    page.get_by_test_id("drill-data_maintenance").click()
    expect(page.get_by_test_id("case-table")).to_be_visible()
    expect(page.get_by_text("已锁定：以下为锁定时的记录")).to_be_visible()

    assert page.evaluate("window.__csp") == []
    assert page.errors == []
