"""Issue 17 in Chromium on the demo data (strict CSP): search from the header, similar solved requests
while filing, a knowledge-base article from a resolution, bulk assign, a recurring request filed by
the scheduler's job."""

import pytest
from playwright.sync_api import expect

from kb.models import Article
from tickets.models import DONE_STATUSES, Status, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_and_reuse(demo, strict_page, live_server, log_in):
    page = strict_page
    page.on("dialog", lambda dialog: dialog.accept())

    def as_user(username):
        page.context.clear_cookies()
        return log_in(username)

    # 1. Staff search from the header: the demo's articles and their department's requests, highlighted.
    as_user("staff1")
    page.get_by_test_id("header-search").locator("input").fill("初始化")
    page.get_by_test_id("header-search").locator("input").press("Enter")
    expect(page.get_by_test_id("search-articles")).to_contain_text("月度初始化与年度初始化要点")
    expect(page.get_by_test_id("search-tickets").locator("mark").first).to_have_text("初始化")

    # 2. While filing, solved requests like the title appear (htmx) before the request is filed.
    page.goto(f"{live_server.url}/tickets/new/")
    page.fill("#id_title", "月度初始化")
    expect(page.get_by_test_id("similar")).to_be_visible()
    expect(page.get_by_test_id("similar")).to_contain_text("月度初始化与年度初始化要点")

    # 3. The PM writes an article from a solved request; the staff read it and find it useful.
    solved = (
        Ticket.objects.filter(status__in=DONE_STATUSES, department__code="yanglao").order_by("-pk").first()
    )
    as_user("pm")
    page.goto(f"{live_server.url}/tickets/{solved.pk}/")
    page.get_by_test_id("kb-from-ticket").click()
    expect(page.locator("#id_steps")).to_have_value(solved.resolution)
    page.fill("#id_title", "演示：从处理结果写成的文章")
    page.get_by_test_id("kb-form").get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("kb-title")).to_have_text("演示：从处理结果写成的文章")
    article = Article.objects.get(title="演示：从处理结果写成的文章")
    as_user("staff1")
    page.goto(f"{live_server.url}/kb/{article.pk}/")
    expect(page.get_by_test_id("kb-used")).to_contain_text("解决过 1 个请求")
    page.get_by_test_id("kb-vote").get_by_role("button", name="有用").click()
    expect(page.get_by_test_id("kb-vote")).to_contain_text("有用 (1)")

    # 4. The PM assigns two confirmed requests at once: a confirmation, then a summary.
    as_user("pm")
    page.goto(f"{live_server.url}/tickets/?status=confirmed")
    rows = page.get_by_test_id("select-row")
    count = min(rows.count(), 2)
    assert count >= 1
    for i in range(count):
        rows.nth(i).check()
    page.select_option("#bulk-action-select", "assign")
    page.get_by_test_id("bulk-start").click()
    page.select_option("#bulk-assignee", label="周磊")
    page.get_by_test_id("bulk-do").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text(f"成功 {count} 个")

    # 5. The scheduler's job files this month's initialization from the demo template, once.
    from tickets.tasks import recurring_requests

    assert recurring_requests().startswith("1 recurring requests filed")
    assert recurring_requests().startswith("0 recurring requests filed")
    as_user("bureau")
    page.goto(f"{live_server.url}/tickets/templates/")
    runs = page.get_by_test_id("recurring-runs")
    expect(runs).to_contain_text("月度初始化")
    runs.get_by_role("link").first.click()
    expect(page.get_by_test_id("ticket-status")).to_have_text(str(Status.SUBMITTED.label))
    assert page.errors == []
