"""Issue 16, item 10: one definition per name. 出勤率 on the bureau's home, the attendance page, the
score and the statistics is the same number for the same period (engineers only, up to yesterday,
one decimal), and the figures that differ on purpose (完成率 / 按时解决率) say why on the page."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from common import clock
from contracts.calendar import get_calendar
from rosters import services as roster_services
from rosters.models import Attendance, Position

from ..tickets.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendance(world):
    """An engineer who missed three working days and a PM who never checked in (2023-01-01 … 03-09)."""
    eng, pm = world.engineer, world.pm
    with clock.frozen_at(at(2022, 12, 28)):
        for person, position in ((eng, Position.ENGINEER), (pm, Position.PM)):
            roster_services.roster_add(
                contract=world.contract,
                person=person,
                position=position,
                phone="138 0000 0001",
                start_on=dt.date(2023, 1, 1),
                end_on=dt.date(2023, 12, 31),
                actor=pm,
            )
    days = get_calendar(world.contract).workdays_between(dt.date(2023, 1, 1), dt.date(2023, 3, 9))
    missed = {dt.date(2023, 1, 10), dt.date(2023, 2, 14), dt.date(2023, 3, 7)}
    Attendance.objects.bulk_create(
        Attendance(contract=world.contract, person=eng, date=d, check_in_at=clock.aware(d, 8, 20))
        for d in days
        if d not in missed
    )
    with clock.frozen_at(at(2023, 3, 10, 15)):
        yield len(days) - len(missed), len(days)


def _text(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</', html, re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _score_attendance(html: str) -> str:
    row = html[html.index('data-part="attendance"') :]
    row = row[: row.index("</tr>")]
    return re.findall(r"(\d+\.\d%)", row)[0]


def test_attendance_rate_is_one_figure_across_pages(world, login, attendance):
    attended, scheduled = attendance
    expected = f"{round(attended * 100 / scheduled, 1)}%"
    client = login(world.users["bureau_admin"])

    home = client.get(reverse("rosters:home_bureau")).content.decode()  # the home's panel (loaded after it)
    assert re.search(r'data-testid="bureau-rate"><strong>([^<]+)</strong>', home).group(1) == expected
    rates = client.get(reverse("rosters:attendance_rates")).content.decode()
    assert _text(rates, "overall-rate") == expected
    score = client.get(reverse("performance:score"), {"period": "contract"}).content.decode()
    assert _score_attendance(score) == expected
    year = client.get(reverse("reports:statistics"), {"year": 2023}).content.decode()
    assert _text(year, "stats-attendance") == expected

    # a month: the score's month and the statistics' month agree as well
    march = client.get(reverse("reports:statistics"), {"year": 2023, "month": 3}).content.decode()
    score_march = client.get(reverse("performance:score"), {"period": "2023-03"}).content.decode()
    assert _text(march, "stats-attendance") == _score_attendance(score_march) == "85.7%"  # 6 of 7

    # with the PM the page says so, and the figure is not called 出勤率
    with_pm = client.get(reverse("rosters:attendance_rates"), {"scope": "all"}).content.decode()
    assert "含项目经理，不是考核口径" in with_pm and _text(with_pm, "overall-rate") != expected


def test_figures_that_differ_on_purpose_say_why(world, login, attendance):
    client = login(world.users["bureau_admin"])
    score = client.get(reverse("performance:score")).content.decode()
    stats = client.get(reverse("reports:statistics"), {"year": 2023}).content.decode()
    for page in (score, stats):
        notes = page[page.index('data-testid="figure-notes"') :]
        assert "完成率" in notes and "按时解决率" in notes and "出勤率" in notes
    # the statistics' label carries the short reason as a tooltip too
    assert re.search(r'<div class="small text-muted" title="[^"]*完成率[^"]*">按时解决率', stats)


def test_the_weekly_report_counts_attendance_up_to_yesterday_too(world, attendance):
    """The weekly report's 出勤率 is the same figure: a draft made on Friday afternoon counts Monday to
    Thursday (today is not over), as the other pages do (failed before: it counted Friday as missed)."""
    from reports.selectors import weekly_figures

    figures = weekly_figures(world.contract, dt.date(2023, 3, 6))["attendance"]
    assert figures["through"] == "2023-03-09"
    assert (figures["attended"], figures["scheduled"]) == (3, 4)  # 7 March missed
