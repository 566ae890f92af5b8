"""Issue 16 (English complete): weekdays after dates, the calendar's and the attendance grid's
column heads, and the change form's setting choices were Chinese on English pages."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from contracts.agreement_services import setting_choices
from rosters.templatetags.roster_tags import weekday, weekday_cn

WEDNESDAY = dt.date(2023, 3, 8)


def test_weekdays_follow_the_language():
    with translation.override("zh-hans"):
        assert (weekday(WEDNESDAY), weekday_cn(WEDNESDAY)) == ("周三", "三")
    with translation.override("en"):
        assert (weekday(WEDNESDAY), weekday_cn(WEDNESDAY)) == ("Wed", "We")


def test_grid_heads_and_setting_choices_in_english():
    with translation.override("en"):
        html = Template(
            "{% load i18n %}{% translate '四' context '星期' %}{% translate '休' context '考勤表' %}"
        )
        assert html.render(Context()) == "ThH"
        assert not any("\u4e00" <= ch <= "\u9fff" for _value, label in setting_choices()[:1] for ch in label)


@pytest.mark.django_db
def test_the_calendar_page_in_english_has_english_weekday_heads(world, login):
    client = login(world.staff)
    client.cookies["django_language"] = "en"
    with translation.override("en"):  # the request activates English in this thread: undo after
        page = client.get(reverse("contracts:calendar")).content.decode()
    assert "<th>Th</th>" in page and "<th>四</th>" not in page


def test_app_names_follow_the_language():
    """The security admin's permission matrix groups by app: their names were Chinese in English."""
    from django.apps import apps

    with translation.override("en"):
        names = [str(cfg.verbose_name) for cfg in apps.get_app_configs() if cfg.name != "demo"]
    assert not any("\u4e00" <= ch <= "\u9fff" for name in names for ch in name), names


def test_key_day_reasons_follow_the_language():
    from contracts.workdays import HolidayPeriod
    from rosters.rules import holiday_key_days

    class Calendar:
        def workday_after(self, day):
            return day + dt.timedelta(days=1)

    period = HolidayPeriod(name="中秋节", start=dt.date(2023, 9, 29), end=dt.date(2023, 10, 6))
    with translation.override("en"):
        (reason,) = holiday_key_days(Calendar(), [period])
    assert reason.reason == "First working day after 中秋节"
    with translation.override("zh-hans"):
        assert holiday_key_days(Calendar(), [period])[0].reason == "中秋节后第一个工作日"
