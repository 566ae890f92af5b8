"""The weekly draft job: on the last working day of the ISO week from 15:00 (a make-up Saturday or
Sunday counts), to the PM only, once."""

import datetime as dt

from common import clock
from common.models import Notification
from reports.models import WeeklyReport
from reports.tasks import weekly_draft

from ..tickets.helpers import at


def run(when):
    with clock.frozen_at(when):
        return weekly_draft()


def test_drafted_on_the_last_working_day_for_the_pm_only_and_once(world):
    assert run(at(2023, 3, 10, 14, 59)) == "0 drafted, 0 reminders"  # Friday, before 15:00
    assert not WeeklyReport.objects.exists()
    assert run(at(2023, 3, 10, 15, 0)) == "1 drafted, 1 reminders"
    assert run(at(2023, 3, 10, 17, 0)) == "0 drafted, 0 reminders"  # the second run of the day: nothing new
    report = WeeklyReport.objects.get()
    assert report.week_start == dt.date(2023, 3, 6) and report.drafted_by is None
    notes = Notification.objects.filter(kind="reports.weekly_draft")
    assert [n.recipient for n in notes] == [world.pm]
    assert "2023 年第 10 周周报草稿已生成" in notes[0].title


def test_a_week_ending_in_a_holiday_is_drafted_on_its_last_working_day(world):
    # 2023-09-29 (Fri) starts the Mid-Autumn + National Day holiday: Thursday 09-28 is the last working day
    assert run(at(2023, 9, 28, 15, 30)) == "1 drafted, 1 reminders"
    assert WeeklyReport.objects.get().week_start == dt.date(2023, 9, 25)


def test_the_make_up_sunday_is_the_last_working_day_of_its_week(world):
    # the week of 10-02: holiday Mon–Fri, make-up working days Sat 10-07 and Sun 10-08
    assert run(at(2023, 10, 6, 16)) == "0 drafted, 0 reminders"
    assert run(at(2023, 10, 7, 16)) == "0 drafted, 0 reminders"
    assert run(at(2023, 10, 8, 16)) == "1 drafted, 1 reminders"
    assert WeeklyReport.objects.get().week_start == dt.date(2023, 10, 2)


def test_a_missed_friday_is_caught_up_on_saturday(world):
    assert run(at(2023, 3, 11, 9)) == "1 drafted, 1 reminders"


def test_the_spring_festival_week_waits_for_its_make_up_sunday(world):
    # the week of 2023-01-23: holiday until Friday 01-27, make-up working days Sat 01-28 and Sun 01-29
    for day in (24, 27, 28):
        assert run(at(2023, 1, day, 16)) == "0 drafted, 0 reminders"
    assert run(at(2023, 1, 29, 16)) == "1 drafted, 1 reminders"
    assert WeeklyReport.objects.get().week_start == dt.date(2023, 1, 23)
