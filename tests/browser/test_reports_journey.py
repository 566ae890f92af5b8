"""The PM opens this week's report from the menu, writes the summary and the plan, publishes it and
downloads the PDF; the bureau admin reads the statistics with their ECharts charts. Chromium against
the live server on the demo data, under a strict Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from common import clock
from contracts.models import Contract
from demo.loader import load_demo
from reports.models import ReportStatus, WeeklyReport

from ..pdf_helpers import assert_cjk_font_embedded, pdf_text
from .conftest import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    load_demo()


def test_pm_writes_publishes_and_downloads_the_weekly_report(demo, strict_page, live_server, log_in):
    page = strict_page
    log_in("pm")
    expect(page.get_by_test_id("weekly-panel")).to_contain_text("本周周报")
    open_menu(page, "周报", group="周报统计")
    expect(page.get_by_test_id("weekly-list-title")).to_have_text("周报")
    page.fill("#id_day", clock.today().isoformat())
    page.get_by_role("button", name="起草周报").click()
    expect(page.get_by_test_id("weekly-status")).to_have_text("草稿")

    page.get_by_test_id("weekly-edit").click()
    page.fill("#id_summary", "本周处理养老待遇核定等请求，系统运行平稳。")
    page.fill("#id_next_week_plan", "完成年度调资测算的数据准备。")
    page.get_by_test_id("save-publish").click()
    expect(page.get_by_test_id("weekly-status")).to_have_text("已发布")
    expect(page.get_by_test_id("weekly-summary")).to_contain_text("养老待遇核定等请求")
    report = WeeklyReport.objects.get(status=ReportStatus.PUBLISHED, summary__contains="养老待遇核定等请求")
    assert report.snapshot["next_week_plan"] == "完成年度调资测算的数据准备。"

    # the download link, fetched with the browser's session (a download is not a page the CSP route sees)
    href = page.get_by_test_id("weekly-pdf").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok and "attachment" in response.headers["content-disposition"]
    data = response.body()
    assert_cjk_font_embedded(data)
    text = pdf_text(data).replace(" ", "").replace("\n", "")
    assert "软件服务周报" in text and "养老待遇核定等请求" in text
    assert page.evaluate("window.__csp") == [] and page.errors == []


def test_bureau_admin_reads_the_statistics_charts(demo, strict_page, live_server, log_in):
    page = strict_page
    log_in("bureau")
    page.locator("#contract-switch").select_option(str(Contract.objects.get(number="JTRS-JB-2023-001").pk))
    page.wait_for_load_state()
    open_menu(page, "统计", group="周报统计")
    page.select_option("#id_year", "2023")
    page.select_option("#id_month", "")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("stats-title")).to_have_text("2023 年运维统计")
    for chart in (
        "chart-kind",
        "chart-scope",
        "chart-department",
        "chart-sla",
        "chart-trend",
        "chart-workload",
    ):
        expect(page.get_by_test_id(chart).locator("canvas")).to_have_count(1)
    assert int(page.get_by_test_id("stats-opened").inner_text()) > 0
    assert page.evaluate("window.__csp") == [] and page.errors == []
