"""Pages of the rosters app: who may do what, forms that keep what was typed, flat query counts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.models import AuditEntry
from contracts.calendar import get_calendar
from rosters import services
from rosters.models import (
    Attendance,
    AttendanceCorrection,
    ChangeStatus,
    DutyStatus,
    LeaveKind,
    LeaveRequest,
    RequestStatus,
    WeeklyMeeting,
    WorkLog,
)
from rosters.selectors import contract_holidays

from ..contracts.test_contract_views import settings_post_data
from ..factories import make_contract, make_user
from .conftest import on

d = dt.date


def body(response) -> str:
    return response.content.decode()


def leave_of(team, person, day=None):
    day = day or d(2023, 3, 8)
    with on(2023, 3, 1):
        return services.leave_request(
            person=person, kind=LeaveKind.PERSONAL, start_on=day, end_on=day, reason="事假"
        )


@pytest.mark.parametrize(
    ("role", "url", "text"),
    [
        ("pm", "rosters:roster", "周磊"),
        ("bureau_admin", "rosters:staffing", "项目经理驻场不少于 3 个月"),
        ("bureau_admin", "rosters:attendance_month", "工程师在岗"),
        ("pm", "rosters:attendance_rates", "合同期出勤率"),
        ("engineer", "rosters:my_attendance", "本月出勤率"),
        ("engineer", "rosters:leave_list", "申请请假"),
        ("pm", "rosters:correction_list", "考勤更正"),
        ("pm", "rosters:worklog_list", "团队工作日志"),
        ("bureau_admin", "rosters:change_list", "要求更换驻场人员"),
        ("engineer", "rosters:duty_list", "清明节"),
        ("engineer", "rosters:meeting_list", "软件服务质量评估例会"),
        ("bureau_admin", "rosters:key_days", "春节后第一个工作日"),
    ],
)
def test_pages_render_for_their_roles(team, client, role, url, text):
    type(team.eng).objects.filter(pk=team.eng.pk).update(full_name="周磊")
    client.force_login(team.world.users[role])
    with on(2023, 4, 10):
        response = client.get(reverse(url))
    assert response.status_code == 200
    assert text in body(response)


def test_an_engineer_checks_in_from_home_and_sees_it(team, client):
    client.force_login(team.eng)
    with on(2023, 3, 6, 8, 17):
        home = client.get(reverse("home"))
        assert 'data-testid="check-in"' in body(home)
        response = client.post(reverse("rosters:check_in"), {"next": reverse("home")}, follow=True)
    assert "签到成功：08:17" in body(response)
    assert 'data-testid="checked-in-at"' in body(response)
    with on(2023, 3, 6, 8, 18):
        again = client.post(reverse("rosters:check_in"), follow=True)
    assert "您今天已于 08:17 签到" in body(again)
    assert Attendance.objects.filter(person=team.eng).count() == 1


HOME_PANELS = {  # role: (the panel's URL, its placeholder's test id on the home page)
    "pm": ("rosters:home_team", "pm-team"),
    "bureau_admin": ("rosters:home_bureau", "bureau-on-site"),
    "engineer": ("rosters:home_records", "my-records"),
}


def _busy_morning(team):
    """The engineer checked in at 08:17, the second engineer asks for leave, a month of logs."""
    with on(2023, 3, 6, 8, 17):
        services.check_in(person=team.eng)
    leave_of(team, team.eng2, d(2023, 3, 9))
    _grow(team, 10)


def test_home_panels_for_pm_and_bureau(team, client):
    """The home page shows a placeholder that loads the panel from its own URL (issue 14)."""
    _busy_morning(team)
    client.force_login(team.pm)
    with on(2023, 3, 6, 10, 0):
        pm_home = body(client.get(reverse("home")))
        pm_panel = body(client.get(reverse("rosters:home_team"), HTTP_HX_REQUEST="true"))
    assert (
        f'hx-get="{reverse("rosters:home_team")}"' in pm_home and 'data-testid="pm-team-loading"' in pm_home
    )
    assert 'data-testid="pm-team"' not in pm_home and 'data-testid="check-in"' in pm_home  # my day: inline
    assert 'data-testid="pm-team"' in pm_panel and "待审批" in pm_panel and "已签到 08:17" in pm_panel
    client.force_login(team.admin)
    with on(2023, 3, 6, 10, 0):
        admin_home = body(client.get(reverse("home")))
        admin_panel = body(client.get(reverse("rosters:home_bureau")))
    assert f'hx-get="{reverse("rosters:home_bureau")}"' in admin_home
    assert 'data-testid="bureau-on-site"' in admin_panel and "工程师 1 / 2" in admin_panel
    assert 'data-testid="bureau-staffing"' in admin_panel and "<html" not in admin_panel


def test_the_engineers_home_keeps_check_in_and_loads_the_records(team, client):
    client.force_login(team.eng)
    with on(2023, 3, 6, 8, 0):
        home = body(client.get(reverse("home")))
        panel = body(client.get(reverse("rosters:home_records")))
    assert 'data-testid="check-in"' in home and 'data-testid="my-records-loading"' in home
    assert 'role="status"' in home and "<noscript>" in home
    assert 'data-testid="my-records"' in panel and "本月出勤率" in panel


@pytest.mark.parametrize("role", sorted(HOME_PANELS))
@pytest.mark.parametrize("day", [d(2023, 3, 6), d(2023, 6, 1)])
def test_the_home_runs_at_most_15_queries(team, client, django_assert_max_num_queries, role, day):
    """Issue 14: the home page of the PM, the bureau admin and an engineer, on a busy morning (the PM
    on the roster on 6 March, no longer on 1 June)."""
    _busy_morning(team)
    with on(day.year, day.month, day.day, 8, 30):
        services.check_in(person=team.eng2)
    client.force_login(team.world.users[role])
    url_name, testid = HOME_PANELS[role]
    with on(day.year, day.month, day.day, 10, 0):
        client.get(reverse("home"))  # warm the session
        with django_assert_max_num_queries(15):
            response = client.get(reverse("home"))
        assert response.status_code == 200
        assert f'data-testid="{testid}-loading"' in body(response)
        panel = client.get(reverse(url_name))
    assert panel.status_code == 200 and f'data-testid="{testid}"' in body(panel)


@pytest.mark.parametrize("role", sorted(HOME_PANELS))
def test_a_panel_answers_only_its_role(team, client, role):
    url_name, _testid = HOME_PANELS[role]
    for other in sorted(HOME_PANELS):
        client.force_login(team.world.users[other])
        with on(2023, 3, 6, 10, 0):
            status = client.get(reverse(url_name)).status_code
        assert status == (200 if other == role else 403), (url_name, other)


@pytest.mark.parametrize("role", sorted(HOME_PANELS))
def test_without_a_contract_today_the_home_has_no_panel_and_its_url_a_short_card(team, client, role):
    client.force_login(team.world.users[role])
    url_name, testid = HOME_PANELS[role]
    with on(2025, 3, 6, 10, 0):  # the world's only contract ended in 2023
        home = client.get(reverse("home"))
        panel = client.get(reverse(url_name))
    assert home.status_code == 200 and f'data-testid="{testid}-loading"' not in body(home)
    assert panel.status_code == 200 and f'data-testid="{testid}-empty"' in body(panel)
    assert "今天没有在期的合同" in body(panel)


def test_an_engineer_cannot_approve_their_own_leave(team, client):
    leave = leave_of(team, team.eng)
    client.force_login(team.eng)
    response = client.post(reverse("rosters:leave_decide", args=[leave.pk]), {"decision": "approve"})
    assert response.status_code == 403
    detail = client.get(reverse("rosters:leave_detail", args=[leave.pk]))
    assert 'data-testid="leave-decide"' not in body(detail)
    leave.refresh_from_db()
    assert leave.status == RequestStatus.PENDING
    assert AuditEntry.objects.filter(action="access.denied", actor=team.eng).exists()


def test_the_pm_approves_with_a_substitute_and_the_bureau_cannot_decide_an_engineers_leave(team, client):
    leave = leave_of(team, team.eng)
    client.force_login(team.admin)
    assert (
        client.post(reverse("rosters:leave_decide", args=[leave.pk]), {"decision": "approve"}).status_code
        == 403
    )
    client.force_login(team.pm)
    detail = client.get(reverse("rosters:leave_detail", args=[leave.pk]))
    assert 'data-testid="leave-decide"' in body(detail)
    response = client.post(
        reverse("rosters:leave_decide", args=[leave.pk]),
        {"decision": "approve", "substitute": team.spare.pk, "note": "同意"},
        follow=True,
    )
    assert "已批准该请假" in body(response)
    leave.refresh_from_db()
    assert (leave.status, leave.substitute) == (RequestStatus.APPROVED, team.spare)


def test_an_engineer_cannot_see_or_cancel_a_colleagues_leave(team, client):
    leave = leave_of(team, team.eng2)
    client.force_login(team.eng)
    assert client.get(reverse("rosters:leave_detail", args=[leave.pk])).status_code == 404
    assert client.post(reverse("rosters:leave_cancel", args=[leave.pk])).status_code == 404
    listing = body(client.get(reverse("rosters:leave_list")))
    assert reverse("rosters:leave_detail", args=[leave.pk]) not in listing


def test_an_engineer_cannot_edit_anothers_attendance_or_work_log(team, client):
    with on(2023, 3, 6, 17, 0):
        log = services.worklog_create(
            person=team.eng2, date=d(2023, 3, 6), hours=Decimal("8"), content="处理请求"
        )
    with on(2023, 3, 7, 9, 0):
        correction = services.correction_request(
            person=team.eng2, date=d(2023, 3, 6), check_in=dt.time(8, 30), check_out=None, reason="忘记签到了"
        )
    client.force_login(team.eng)
    assert client.get(reverse("rosters:worklog_edit", args=[log.pk])).status_code == 404
    assert client.post(reverse("rosters:correction_cancel", args=[correction.pk])).status_code == 404
    assert (
        client.post(
            reverse("rosters:correction_decide", args=[correction.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    # the correction form has no "person": whatever is posted, it is the engineer's own day
    with on(2023, 3, 7, 9, 5):
        client.post(
            reverse("rosters:correction_create"),
            {
                "person": team.eng2.pk,
                "date": "2023-03-06",
                "check_in": "08:00",
                "check_out": "17:30",
                "reason": "改同事的",
            },
        )
    assert AttendanceCorrection.objects.filter(person=team.eng2).count() == 1
    assert AttendanceCorrection.objects.filter(person=team.eng).count() == 1
    # the PM sees the team's logs but does not edit them
    client.force_login(team.pm)
    assert client.get(reverse("rosters:worklog_edit", args=[log.pk])).status_code == 403
    correction.refresh_from_db()
    assert correction.status == RequestStatus.PENDING


def test_the_pm_cannot_approve_their_own_correction(team, client):
    with on(2023, 3, 7, 9, 0):
        correction = services.correction_request(
            person=team.pm, date=d(2023, 3, 6), check_in=dt.time(8, 30), check_out=None, reason="忘记签到了"
        )
    client.force_login(team.pm)
    assert (
        client.post(
            reverse("rosters:correction_decide", args=[correction.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    client.force_login(team.admin)
    with on(2023, 3, 7, 10, 0):
        client.post(reverse("rosters:correction_decide", args=[correction.pk]), {"decision": "approve"})
    correction.refresh_from_db()
    assert correction.status == RequestStatus.APPROVED


def test_a_refused_form_keeps_what_was_typed(team, client):
    leave_of(team, team.eng, d(2023, 3, 8))
    client.force_login(team.eng)
    with on(2023, 3, 2):
        response = client.post(
            reverse("rosters:leave_create"),
            {"kind": "sick", "start_on": "2023-03-08", "end_on": "2023-03-09", "reason": "复诊，需要两天"},
        )
    assert response.status_code == 200
    page = body(response)
    assert "重叠" in page and "复诊，需要两天" in page and 'value="2023-03-09"' in page
    assert LeaveRequest.objects.filter(person=team.eng).count() == 1


def test_staff_change_form_names_the_earliest_date(team, client):
    client.force_login(team.pm)
    with on(2023, 1, 31, 10, 0):
        response = client.post(
            reverse("rosters:change_create"),
            {
                "leaving_entry": team.entries["eng2"].pk,
                "incoming_person": team.spare.pk,
                "effective_on": "2023-02-27",
                "reason": "调回总部",
            },
        )
    assert response.status_code == 200
    assert "生效日期最早为 2023-02-28" in body(response) and "调回总部" in body(response)
    with on(2023, 1, 31, 10, 0):
        response = client.post(
            reverse("rosters:change_create"),
            {
                "leaving_entry": team.entries["eng2"].pk,
                "incoming_person": team.spare.pk,
                "effective_on": "2023-02-28",
                "reason": "调回总部",
            },
        )
    assert response.status_code == 302
    change = team.contract.staff_changes.get()
    assert response["Location"] == reverse("rosters:change_detail", args=[change.pk])
    client.force_login(team.admin)
    with on(2023, 2, 1):
        page = client.post(
            reverse("rosters:change_decide", args=[change.pk]), {"decision": "approve"}, follow=True
        )
    assert "已批准人员变动" in body(page) and 'data-testid="handover"' in body(page)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED


def test_the_pm_fills_and_submits_a_duty_list_and_the_bureau_prints_it(team, client):
    holiday = next(p for p in contract_holidays(team.contract, get_calendar())[0] if p.name == "劳动节")
    client.force_login(team.pm)
    with on(2023, 4, 25, 15, 0):
        response = client.post(reverse("rosters:duty_start"), {"start": holiday.start.isoformat()})
        edit_url = response["Location"]
        form = client.get(edit_url)
        assert 'name="duty-0-person"' in body(form)
        data = {
            "duty-TOTAL_FORMS": "5",
            "duty-INITIAL_FORMS": "0",
            "duty-MIN_NUM_FORMS": "0",
            "duty-MAX_NUM_FORMS": "1000",
        }
        for i in range(5):
            data[f"duty-{i}-day"] = (holiday.start + dt.timedelta(days=i)).isoformat()
            data[f"duty-{i}-person"] = (team.eng if i % 2 else team.eng2).pk
        data["submit"] = "1"
        data["note"] = "9:00–16:00 在岗"
        done = client.post(edit_url, data, follow=True)
    assert "值班表已提交甲方。" in body(done)
    duty = team.contract.duty_lists.get()
    assert duty.status == DutyStatus.SUBMITTED and duty.assignments.count() == 5
    assert {a.phone for a in duty.assignments.all()} == {"138 0000 0001", "138 0000 0002"}  # from the roster
    client.force_login(team.admin)
    printable = body(client.get(reverse("rosters:duty_detail", args=[duty.pk])))
    assert "138 0000 0001" in printable and "劳动节值班人员名单" in printable and "data-print" in printable


def test_the_duty_list_lead_time_is_on_the_contract_settings_form(team, client):
    client.force_login(team.admin)
    url = reverse("contracts:edit", args=[team.contract.pk])
    response = client.post(url, settings_post_data(team.contract, duty_list_lead_workdays="21"))
    assert response.status_code == 200 and "duty_list_lead_workdays" in response.context["form"].errors
    response = client.post(url, settings_post_data(team.contract, duty_list_lead_workdays="2"))
    assert response.status_code == 302
    team.contract.refresh_from_db()
    assert team.contract.duty_list_lead_workdays == 2


def test_pages_of_an_unloaded_year_show_the_pending_state(world, client):
    contract = make_contract(start_on=d(2027, 1, 1), end_on=d(2027, 12, 31), signed_on=d(2026, 12, 1))
    client.force_login(world.users["bureau_admin"])
    client.post(reverse("contracts:switch"), {"contract": contract.pk})
    with on(2027, 3, 1):
        for name in ("rosters:attendance_month", "rosters:attendance_rates", "rosters:staffing"):
            response = client.get(reverse(name))
            assert response.status_code == 200
            assert 'data-testid="calendar-pending"' in body(response), name
        duty = body(client.get(reverse("rosters:duty_list")))
    assert 'data-testid="duty-pending"' in duty


def test_attendance_rates_drill_down_lists_the_days(team, client):
    cal = get_calendar(team.contract)
    days = cal.workdays_between(d(2023, 3, 1), d(2023, 3, 31))
    Attendance.objects.bulk_create(
        Attendance(contract=team.contract, person=team.eng, date=x, check_in_at=clock.aware(x, 8, 20))
        for x in days
        if x != d(2023, 3, 15)
    )
    client.force_login(team.admin)
    with on(2023, 4, 1):
        response = client.get(
            reverse("rosters:attendance_rates"), {"person": team.eng.pk, "month": "2023-03"}
        )
    page = body(response)
    assert 'data-testid="drill-table"' in page and "2023-03-15" in page and "缺勤" in page
    assert "2023-03-14" not in page  # attended days are not listed by default


# --- query counts stay flat as rows grow ----------------------------------------------------------


def _grow(team, n):
    """Add ``n`` more days of logs, leave requests and meetings."""
    start = d(2023, 5, 1) + dt.timedelta(days=WorkLog.objects.count())
    for i in range(n):
        day = start + dt.timedelta(days=i)
        WorkLog.objects.create(
            contract=team.contract, person=team.eng, date=day, hours=8, content=f"日志 {i}"
        )
        LeaveRequest.objects.create(
            contract=team.contract,
            person=team.eng2,
            start_on=day,
            end_on=day,
            reason="事假",
            substitute=team.spare,
        )
        WeeklyMeeting.objects.create(
            contract=team.contract,
            week_start=d(2023, 1, 2) + dt.timedelta(weeks=WeeklyMeeting.objects.count()),
            held_on=day,
            summary="周报",
            recorded_by=team.pm,
        )
        Attendance.objects.create(
            contract=team.contract, person=team.eng, date=day, check_in_at=clock.aware(day, 8, 0)
        )


@pytest.mark.parametrize(
    ("role", "name", "params"),
    [
        ("pm", "rosters:worklog_list", {}),
        ("pm", "rosters:leave_list", {}),
        ("engineer", "rosters:meeting_list", {}),
        ("bureau_admin", "rosters:attendance_month", {"month": "2023-05"}),
        ("bureau_admin", "rosters:attendance_rates", {"status": "all"}),
        ("bureau_admin", "rosters:staffing", {"show": "all"}),
        ("engineer", "rosters:my_attendance", {"month": "2023-05"}),
        ("pm", "home", {}),
        ("bureau_admin", "home", {}),
        ("engineer", "home", {}),
        ("pm", "rosters:home_team", {}),
        ("bureau_admin", "rosters:home_bureau", {}),
        ("engineer", "rosters:home_records", {}),
    ],
)
def test_query_count_does_not_grow_with_rows(team, client, django_assert_max_num_queries, role, name, params):
    client.force_login(team.world.users[role])
    _grow(team, 3)
    with on(2023, 6, 1, 10, 0):
        client.get(reverse(name), params)  # warm the session
        cache.clear()  # both counts computed afresh (the attendance report is kept across requests)
        with django_assert_max_num_queries(40) as few:
            client.get(reverse(name), params)
    baseline = len(few.captured_queries)
    _grow(team, 20)
    cache.clear()
    with on(2023, 6, 1, 10, 0), django_assert_max_num_queries(baseline):
        assert client.get(reverse(name), params).status_code == 200


def test_list_pages_paginate(team, client):
    _grow(team, 30)
    client.force_login(team.pm)
    page = body(client.get(reverse("rosters:worklog_list")))
    assert "第 1 / 2 页" in page
    assert len(re.findall(r"\"small\">日志 \d+<", page)) == 25


def test_new_engineers_appear_in_the_roster_form(team, client):
    make_user(Role.ENGINEER, username="newcomer", full_name="新同事")
    client.force_login(team.pm)
    assert "新同事" in body(client.get(reverse("rosters:roster_add")))


def test_the_leave_and_correction_lists_filter_by_status_and_ignore_an_unknown_one(team, client):
    pending = leave_of(team, team.eng, d(2023, 3, 8))
    approved = leave_of(team, team.eng, d(2023, 3, 9))
    with on(2023, 3, 2):
        services.leave_decide(leave=approved, approver=team.pm, approve=True)
    with on(2023, 3, 7, 9, 0):
        correction = services.correction_request(
            person=team.eng, date=d(2023, 3, 6), check_in=dt.time(8, 30), check_out=None, reason="忘记签到了"
        )
    client.force_login(team.pm)
    leave_url = reverse("rosters:leave_list")
    shown = {
        status: {leave.pk for leave in client.get(leave_url, {"status": status}).context["page"].object_list}
        for status in ("", "pending", "approved", "rejected", "bogus", " approved")
    }
    assert shown == {
        "": {pending.pk, approved.pk},
        "pending": {pending.pk},
        "approved": {approved.pk},
        "rejected": set(),
        "bogus": {pending.pk, approved.pk},
        " approved": {pending.pk, approved.pk},
    }
    correction_url = reverse("rosters:correction_list")
    listed = [
        client.get(correction_url, {"status": status}).context["page"].object_list
        for status in ("pending", "approved", "bogus")
    ]
    assert [[c.pk for c in page] for page in listed] == [[correction.pk], [], [correction.pk]]


def test_the_bureau_panel_lists_the_staff_changes_it_must_decide_and_confirm(team, client):
    """The changes waiting for the bureau, read once (issue 14): one to decide, one to confirm."""
    with on(2023, 2, 1, 10, 0):
        submitted = services.change_apply(
            contract=team.contract,
            leaving_entry=team.entries["eng2"],
            incoming_person=team.spare,
            effective_on=dt.date(2023, 3, 1),
            reason="调回总部",
            actor=team.pm,
        )
    client.force_login(team.admin)
    with on(2023, 2, 2, 10, 0), CaptureQueriesContext(connection) as queries:
        panel = body(client.get(reverse("rosters:home_bureau")))
    assert len([q for q in queries.captured_queries if 'FROM "rosters_staffchange"' in q["sql"]]) == 1
    leaving = team.entries["eng2"].person.display_name
    assert f"审批人员变动：{leaving}" in panel and "确认交接" not in panel
    with on(2023, 2, 2, 11, 0):
        services.change_decide(change=submitted, actor=team.admin, approve=True)
        panel = body(client.get(reverse("rosters:home_bureau")))
    assert f"确认交接：{leaving}" in panel and "审批人员变动" not in panel
