"""On a phone (390 × 844, issue 16): the engineer checks in and writes the day's log, the clerk finds
the request list as cards with the filters folded away, the request page's actions near the top,
and signs the sign-off form — in Chromium against the live server, on data built for today."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from common import clock
from contracts.calendar import get_calendar
from contracts.models import CalendarOverride
from demo.people import DEFAULT_PASSWORD
from rosters import services as roster_services
from rosters.models import Attendance, Position, WorkLog
from tickets import services as ticket_services
from tickets.models import SignOffStatus, Status

from ..factories import DepartmentFactory, make_contract, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TITLE = "2026年度养老保险待遇调整批量计算结果核对及个别人员差错更正"


@pytest.fixture
def today_team(db):
    today = clock.today()
    contract = make_contract(
        start_on=today - dt.timedelta(days=40),
        end_on=today + dt.timedelta(days=300),
        signed_on=today - dt.timedelta(days=40),
    )
    dept = DepartmentFactory(code="phone-dept", name="养老保险科")
    pm = make_user(Role.PM, username="pm_phone", password=DEFAULT_PASSWORD)
    head = make_user(Role.DEPT_HEAD, department=dept, username="head_phone", password=DEFAULT_PASSWORD)
    staff = make_user(
        Role.STAFF, department=dept, username="staff_phone", full_name="陈静", password=DEFAULT_PASSWORD
    )
    engineer = make_user(Role.ENGINEER, username="eng_phone", full_name="周磊", password=DEFAULT_PASSWORD)
    roster_services.roster_add(
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
        CalendarOverride.objects.create(date=today, is_workday=True, name="调休", note="浏览器测试")
    scope = contract.scopes.order_by("order").first()
    ticket = ticket_services.ticket_submit(
        actor=staff, contract=contract, kind="software", scope=scope, priority="normal",
        title=TITLE, description="核对批量计算结果，更正个别人员的待遇差错。",
    )  # fmt: skip
    ticket = ticket_services.ticket_confirm(ticket=ticket, actor=head)
    ticket = ticket_services.ticket_assign(ticket=ticket, actor=pm, assignee=engineer)
    ticket = ticket_services.ticket_start(ticket=ticket, actor=engineer)
    ticket = ticket_services.ticket_resolve(ticket=ticket, actor=engineer, resolution="已核对并更正。")
    for n in range(3):  # a few more rows for the list
        ticket_services.ticket_submit(
            actor=staff, contract=contract, kind="software", scope=scope, priority="normal",
            title=f"社保卡信息同步失败 {n}", description="同步任务报错。",
        )  # fmt: skip
    return ticket, engineer


def _fits_the_width(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


def test_engineer_and_clerk_on_a_phone(today_team, page, live_server, log_in):
    ticket, engineer = today_team
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())

    # The engineer checks in and writes the day's log.
    log_in("eng_phone")
    page.get_by_test_id("check-in").click()
    expect(page.get_by_role("alert")).to_contain_text("签到成功")
    _fits_the_width(page)
    assert Attendance.objects.get(person=engineer).date == clock.today()
    page.get_by_test_id("write-log").click()
    page.fill("#id_hours", "7.5")
    page.fill("#id_content", "核对养老保险待遇调整批量计算结果")
    page.get_by_test_id("worklog-save").click()
    expect(page.get_by_role("alert")).to_contain_text("的工作日志已保存")
    _fits_the_width(page)
    assert WorkLog.objects.get(person=engineer).hours == 7.5

    # The clerk: the home panel shows the whole title of the form waiting for her.
    page.context.clear_cookies()
    log_in("staff_phone")
    pending = page.get_by_test_id("pending-signoffs")
    expect(pending).to_contain_text(TITLE)
    title = page.get_by_test_id("ticket-queue").get_by_text(TITLE)
    expect(title).to_be_visible()
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", title.element_handle())  # not cut
    _fits_the_width(page)

    # The request list: cards, filters folded away behind one button.
    page.goto(f"{live_server.url}/tickets/")
    expect(page.get_by_test_id("ticket-filter")).to_be_hidden()
    expect(page.get_by_test_id("filter-toggle")).to_be_visible()
    # the column headers stay for screen readers only; each card labels its own fields
    assert page.locator(".ticket-table thead").evaluate("(el) => el.getBoundingClientRect().height") <= 1
    row = page.locator(".ticket-table tbody tr").first
    assert row.evaluate("(el) => getComputedStyle(el).display") == "block"
    _fits_the_width(page)
    page.get_by_test_id("filter-toggle").click()
    expect(page.get_by_test_id("ticket-filter")).to_be_visible()
    page.screenshot(path="var/screenshots/phone-ticket-list.png")

    # The request page: signing is the first thing within the first screen.
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    sign = page.get_by_test_id("sign-signoff")
    expect(sign).to_be_visible()
    box = sign.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    _fits_the_width(page)
    sign.click()

    # The sign-off form, signed on the phone.
    expect(page.get_by_test_id("signoff-tickets")).to_contain_text(TITLE)
    _fits_the_width(page)
    page.get_by_test_id("sign").click()
    expect(page.get_by_test_id("signoff-status")).to_have_text("已签署")
    ticket.refresh_from_db()
    assert ticket.status == Status.SIGNED_OFF and ticket.signoff.status == SignOffStatus.SIGNED
