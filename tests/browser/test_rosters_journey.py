"""An on-site engineer checks in with one click and logs the day's work, in Chromium against the live
server. The data is built for today (whatever day the suite runs), so the journey never depends on
the calendar of the demo year."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from common import clock
from contracts.calendar import get_calendar
from contracts.models import CalendarOverride
from demo.people import DEFAULT_PASSWORD
from rosters import services
from rosters.models import Attendance, Position, WorkLog

from ..factories import make_contract, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def engineer_on_site_today(db):
    today = clock.today()
    contract = make_contract(
        start_on=today - dt.timedelta(days=40),
        end_on=today + dt.timedelta(days=300),
        signed_on=today - dt.timedelta(days=40),
    )
    pm = make_user(Role.PM, username="pm_journey", password=DEFAULT_PASSWORD)
    engineer = make_user(Role.ENGINEER, username="eng_journey", full_name="周磊", password=DEFAULT_PASSWORD)
    services.roster_add(
        contract=contract,
        person=engineer,
        position=Position.ENGINEER,
        phone="138 1500 2302",
        start_on=today - dt.timedelta(days=40),
        end_on=today + dt.timedelta(days=300),
        actor=pm,
        note="测试：合同开始时已到岗",
    )
    calendar = get_calendar(contract)
    if calendar.knows_year(today.year) and not calendar.is_workday(today):
        # The suite may run on a weekend: today is made a working day the way the bureau admin would.
        CalendarOverride.objects.create(date=today, is_workday=True, name="调休", note="浏览器测试")
    return engineer


def test_engineer_checks_in_and_logs_work(engineer_on_site_today, page, live_server, log_in):
    log_in("eng_journey")
    expect(page.get_by_test_id("home-title")).to_have_text("驻场工程师工作台")
    # the records panel loads after the page (htmx) and replaces its placeholder
    expect(page.get_by_test_id("my-records")).to_contain_text("我的出勤与日志")
    expect(page.get_by_test_id("my-records-loading")).to_have_count(0)
    page.get_by_test_id("check-in").click()
    expect(page.get_by_role("alert")).to_contain_text("签到成功")
    expect(page.get_by_test_id("checked-in-at")).to_contain_text(re.compile(r"已签到 \d{2}:\d{2}"))
    expect(page.get_by_test_id("check-out")).to_be_visible()
    record = Attendance.objects.get(person=engineer_on_site_today)
    assert record.date == clock.today()

    page.get_by_test_id("write-log").click()
    page.fill("#id_hours", "7.5")
    page.fill("#id_content", "处理养老保险科待遇核定问题，核对缴费年限并修正参数")
    page.fill("#id_references", "JT-0001")
    page.get_by_test_id("worklog-save").click()
    expect(page.get_by_role("alert")).to_contain_text("的工作日志已保存")
    expect(page.get_by_test_id("worklog-table")).to_contain_text("核对缴费年限并修正参数")
    log = WorkLog.objects.get(person=engineer_on_site_today)
    assert (log.date, str(log.hours), log.references) == (clock.today(), "7.5", "JT-0001")

    page.get_by_role("link", name="首页").click()
    expect(page.get_by_test_id("today-log")).to_contain_text("7.5 小时")
    page.screenshot(path="var/screenshots/rosters-engineer-home.png", full_page=False)
