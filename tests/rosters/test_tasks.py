"""The rosters' scheduled jobs: staff-change deadlines and holiday duty lists due — on the right
working day, to the right people, once."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import Role
from common.models import Notification
from contracts.models import CalendarOverride, CalendarYear, Contract
from jobs.models import Reminder
from rosters import services, tasks
from rosters.models import DutyList, HandoverItem
from rosters.selectors import holiday_of_contract

from ..factories import make_contract, make_user
from .conftest import on

CHANGE = "rosters.staff_change_deadlines"
DUTY = "rosters.duty_list_due"
d = dt.date


def run_changes(y, m, day):
    with on(y, m, day, 8, 40):
        return tasks.staff_change_deadlines()


def run_duty(y, m, day):
    with on(y, m, day, 8, 45):
        return tasks.duty_list_due()


def notes(kind, user):
    return list(user.notifications.filter(kind=kind).order_by("id").values_list("title", flat=True))


def recipients(kind, title_contains=""):
    return {n.recipient for n in Notification.objects.filter(kind=kind, title__contains=title_contains)}


def test_both_jobs_are_declared_for_beat():
    from jobs.schedule import job_spec

    for name, hour, minute in ((CHANGE, "8", "40"), (DUTY, "8", "45")):
        spec = job_spec(name)
        assert spec is not None, f"{name} missing from jinbao_service/schedule.py"
        assert (spec.crontab["hour"], spec.crontab["minute"]) == (hour, minute)
        assert "提醒" in str(spec.title)


# --- staff changes ----------------------------------------------------------------------------------


def _apply(team, today, effective):
    with on(*today, 10, 0):
        return services.change_apply(
            contract=team.contract,
            leaving_entry=team.entries["eng2"],
            incoming_person=team.spare,
            effective_on=effective,
            reason="调回总部",
            actor=team.pm,
        )


def test_staff_change_approval_handover_and_confirmation_are_each_reminded_once(team):
    change = _apply(team, (2023, 1, 31), d(2023, 3, 1))
    Notification.objects.all().delete()  # the application's own notice
    # the application waits for the bureau: flagged on its 3rd working day, to the bureau admin only
    assert run_changes(2023, 2, 2) == "0 staff-change reminders"
    assert run_changes(2023, 2, 3) == "1 staff-change reminders"
    assert run_changes(2023, 2, 3) == "0 staff-change reminders"  # running twice sends once
    assert run_changes(2023, 2, 6) == "0 staff-change reminders"
    assert recipients(CHANGE) == {team.admin}
    assert notes(CHANGE, team.admin) == ["人员变动申请待审批：孙浩 → 吴涛，2023-03-01 生效"]
    note = Notification.objects.get(kind=CHANGE)
    assert note.url == reverse("rosters:change_detail", args=[change.pk])

    with on(2023, 2, 6):
        services.change_decide(change=change, actor=team.admin, approve=True)
    Notification.objects.all().delete()
    # from the 5th working day before 1 March (Wednesday 22 February) the PM is told the handover is open
    assert run_changes(2023, 2, 21) == "0 staff-change reminders"
    assert run_changes(2023, 2, 22) == "1 staff-change reminders"
    assert run_changes(2023, 2, 23) == "0 staff-change reminders"
    assert recipients(CHANGE) == {team.pm}
    handover = Notification.objects.get(kind=CHANGE)
    assert "2023-03-01 生效，交接尚未确认" in handover.title and "6 项未完成" in handover.body

    # every item but one done: on the effective date the bureau admin is asked to confirm, and the PM
    # too, since the open item blocks the confirmation
    items = list(HandoverItem.objects.filter(change=change))
    with on(2023, 2, 27):
        for item in items[:-1]:
            services.handover_item_set(item=item, actor=team.pm, done=True)
    assert run_changes(2023, 2, 28) == "0 staff-change reminders"
    assert run_changes(2023, 3, 1) == "1 staff-change reminders"
    assert run_changes(2023, 3, 2) == "0 staff-change reminders"
    confirm = Notification.objects.filter(kind=CHANGE, title__contains="请确认交接")
    assert {n.recipient for n in confirm} == {team.admin, team.pm}
    assert all("1 项未完成" in n.body and items[-1].title in n.body for n in confirm)
    assert team.eng not in recipients(CHANGE) and team.spare not in recipients(CHANGE)

    with on(2023, 3, 2):
        services.handover_item_set(item=items[-1], actor=team.pm, done=True)
        services.change_confirm(change=change, actor=team.admin)
    Reminder.objects.all().delete()  # a confirmed change is closed: nothing, even with the keys gone
    assert run_changes(2023, 3, 3) == "0 staff-change reminders"


def test_a_change_still_undecided_on_its_effective_date_is_flagged_to_both_sides(team):
    _apply(team, (2023, 1, 31), d(2023, 3, 1))
    assert run_changes(2023, 2, 3) == "1 staff-change reminders"
    assert run_changes(2023, 3, 1) == "1 staff-change reminders"
    assert run_changes(2023, 3, 1) == "0 staff-change reminders"
    late = recipients(CHANGE, "已到生效日期仍未审批")
    assert late == {team.admin, team.pm}


def test_the_handover_window_counts_working_days_across_the_spring_festival(team):
    # effective Wednesday 1 February 2023: the 5 working days before it are 31 and 30 January, the
    # make-up Sunday 29 and Saturday 28 January, then Friday 20 January, before the holiday (21–27)
    change = _apply(team, (2023, 1, 1), d(2023, 2, 1))
    with on(2023, 1, 3):
        services.change_decide(change=change, actor=team.admin, approve=True)
    Notification.objects.all().delete()
    assert run_changes(2023, 1, 19) == "0 staff-change reminders"
    assert run_changes(2023, 1, 20) == "1 staff-change reminders"
    assert notes(CHANGE, team.pm) == ["人员变动将于 2023-02-01 生效，交接尚未确认：孙浩 → 吴涛"]
    assert not notes(CHANGE, team.admin)


# --- holiday duty lists -------------------------------------------------------------------------------


@pytest.fixture
def people(db):
    return {
        "pm": make_user(Role.PM),
        "admin": make_user(Role.BUREAU_ADMIN),
        "eng": make_user(Role.ENGINEER),
        "staff": make_user(Role.STAFF),
    }


def test_national_day_duty_list_due_in_working_days_then_overdue(people):
    # National Day 2023 with the Mid-Autumn Festival: 29 September – 6 October. With a lead of 2 working
    # days the list is due by the end of Wednesday 27 September; the PM is reminded from the 5th working
    # day before that, Wednesday 20 September
    contract = make_contract()
    Contract.objects.filter(pk=contract.pk).update(duty_list_lead_workdays=2)
    assert run_duty(2023, 9, 19) == "0 duty-list reminders"
    assert run_duty(2023, 9, 20) == "1 duty-list reminders"
    assert run_duty(2023, 9, 20) == "0 duty-list reminders"  # running twice sends once
    assert run_duty(2023, 9, 27) == "0 duty-list reminders"  # the last day: already reminded
    assert notes(DUTY, people["pm"]) == [
        "中秋节、国庆节（09月29日至10月06日）值班表请于 2023-09-27 24:00 前提交"
    ]
    assert not notes(DUTY, people["admin"])
    assert Notification.objects.get(kind=DUTY).url == reverse("rosters:duty_list")
    # overdue from Thursday 28 September: the PM and the bureau admin, once
    assert run_duty(2023, 9, 28) == "1 duty-list reminders"
    assert run_duty(2023, 9, 30) == "0 duty-list reminders"
    overdue = "中秋节、国庆节（09月29日至10月06日）值班表已逾期未提交：提交期限 2023-09-27 24:00"
    assert recipients(DUTY, "已逾期") == {people["pm"], people["admin"]}
    assert notes(DUTY, people["admin"]) == [overdue]
    assert people["eng"] not in recipients(DUTY) and people["staff"] not in recipients(DUTY)
    assert Reminder.objects.filter(job=DUTY).count() == 2


def test_a_holiday_that_has_ended_gets_nothing(people):
    make_contract()
    # first run on the make-up Saturday after National Day: the holiday is over, nothing is sent
    assert run_duty(2023, 10, 7) == "0 duty-list reminders"
    # ... but a run during the holiday still flags the missing list (default lead: due before 29 September)
    assert run_duty(2023, 10, 2) == "1 duty-list reminders"
    assert recipients(DUTY) == {people["pm"], people["admin"]}


def test_spring_festival_reminder_starts_on_a_make_up_sunday_and_stops_once_submitted(people):
    # Spring Festival 2024: 10–17 February; with the default lead the list is due before the holiday,
    # by the end of Friday 9 February. Counting back 5 working days: 8, 7, 6, 5 February and the make-up
    # working Sunday 4 February
    contract = make_contract(
        number="C2024", signed_on=d(2024, 1, 1), start_on=d(2024, 1, 1), end_on=d(2024, 12, 31)
    )
    assert run_duty(2024, 2, 3) == "0 duty-list reminders"
    assert run_duty(2024, 2, 4) == "1 duty-list reminders"
    assert notes(DUTY, people["pm"]) == ["春节（02月10日至02月17日）值班表请于 2024-02-09 24:00 前提交"]
    with on(2024, 2, 8, 16, 0):
        spring = holiday_of_contract(contract, d(2024, 2, 10))
        duty = services.duty_list_start(contract=contract, holiday=spring, actor=people["pm"])
        rows = [
            services.DutyRow(spring.start + dt.timedelta(days=i), people["eng"], "138 0000 0009")
            for i in range(spring.days)
        ]
        services.duty_list_save(duty_list=duty, rows=rows, actor=people["pm"])
        services.duty_list_submit(duty_list=duty, actor=people["pm"])
    assert DutyList.objects.get().status == "submitted"
    assert run_duty(2024, 2, 10) == "0 duty-list reminders"  # submitted in time: no overdue notice
    assert not recipients(DUTY, "已逾期")


def test_a_draft_list_links_to_its_page(people):
    contract = make_contract()
    with on(2023, 4, 20):
        labour = holiday_of_contract(contract, d(2023, 4, 29))
        duty = services.duty_list_start(contract=contract, holiday=labour, actor=people["pm"])
    # Labour Day 2023 (29 April – 3 May) is due by Friday 28 April; the 5th working day before it is the
    # make-up Sunday 23 April
    assert run_duty(2023, 4, 22) == "0 duty-list reminders"
    assert run_duty(2023, 4, 23) == "1 duty-list reminders"
    note = Notification.objects.get(kind=DUTY)
    assert note.url == reverse("rosters:duty_detail", args=[duty.pk]) and "已开始编制" in note.body


def test_an_unloaded_year_makes_the_duty_job_pending_not_wrong(people):
    make_contract(number="C2027", signed_on=d(2027, 1, 1), start_on=d(2027, 1, 1), end_on=d(2027, 12, 31))
    summary = run_duty(2027, 1, 27)
    assert summary.startswith("0 duty-list reminders; pending") and "2027" in summary
    assert recipients(DUTY, "值班表") == set()  # no duty reminder is guessed
    admin_notes = Notification.objects.filter(
        recipient=people["admin"], title__contains="2027 年工作日历尚未加载"
    )
    assert admin_notes.count() == 1 and DUTY in admin_notes.get().title
    # the bureau admin loads 2027 with a (made-up) Spring Festival of 5–11 February
    CalendarYear.objects.create(year=2027, source="通知")
    for i in range(7):
        CalendarOverride.objects.create(
            date=d(2027, 2, 5) + dt.timedelta(days=i), is_workday=False, name="春节"
        )
    # due by the end of Thursday 4 February; reminded from Thursday 28 January
    assert run_duty(2027, 1, 27) == "0 duty-list reminders"
    assert run_duty(2027, 1, 28) == "1 duty-list reminders"
    assert notes(DUTY, people["pm"]) == ["春节（02月05日至02月11日）值班表请于 2027-02-04 24:00 前提交"]
