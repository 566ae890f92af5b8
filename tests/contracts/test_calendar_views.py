import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from common.models import AuditEntry
from contracts.calendar import get_calendar
from contracts.models import CalendarOverride, CalendarYear
from contracts.workdays import CalendarNotLoaded

NOTICE_2027 = "2027-01-01~2027-01-03,休,元旦\n2027-02-06~2027-02-13,休,春节\n2027-02-14,班,春节\n"


def test_2023_calendar_marks_the_make_up_weekend(world, client):
    client.force_login(world.users["staff"])
    response = client.get(reverse("contracts:calendar"), {"year": 2023})
    body = response.content.decode()
    assert 'data-date="2023-01-28" data-kind="makeup"' in body
    assert 'data-date="2023-01-29" data-kind="makeup"' in body
    assert 'data-date="2023-01-23" data-kind="holiday"' in body
    assert [h.name for h in response.context["holidays"]][:2] == ["元旦", "春节"]


def test_2027_is_not_loaded_until_the_admin_loads_it(world, client):
    client.force_login(world.users["bureau_admin"])
    response = client.get(reverse("contracts:calendar"), {"year": 2027})
    assert "2027 年工作日历尚未加载" in response.content.decode()
    assert "months" not in response.context

    response = client.post(
        reverse("contracts:calendar_load"),
        {"year": 2027, "source": "国办发明电〔2026〕X号", "notice": NOTICE_2027},
    )
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    assert CalendarOverride.objects.filter(date__year=2027).count() == 12
    entry = AuditEntry.objects.get(action="calendar.load_year")
    assert entry.actor == world.users["bureau_admin"] and entry.changes["year"] == 2027

    body = client.get(reverse("contracts:calendar"), {"year": 2027}).content.decode()
    assert 'data-date="2027-02-14" data-kind="makeup"' in body
    assert 'data-date="2027-02-08" data-kind="holiday"' in body
    calendar = get_calendar()
    assert calendar.workday_after(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)


def test_loading_a_csv_file(world, client):
    client.force_login(world.users["bureau_admin"])
    upload = SimpleUploadedFile("2027.csv", ("日期,类型,名称\n" + NOTICE_2027).encode("gb18030"), "text/csv")
    response = client.post(
        reverse("contracts:calendar_load"), {"year": 2027, "source": "通知", "csv_file": upload}
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.filter(date__year=2027, is_workday=True).count() == 1


def test_a_bad_notice_is_explained_and_nothing_is_loaded(world, client):
    client.force_login(world.users["bureau_admin"])
    typed = "2027-01-01~2027-01-03,休,元旦\n2027-02-30,休,春节"
    response = client.post(
        reverse("contracts:calendar_load"), {"year": 2027, "source": "通知", "notice": typed}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "第 2 行" in body and "不是有效日期" in body
    assert "2027-01-01~2027-01-03,休,元旦" in body  # the typed text is kept
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_loading_again_replaces_the_years_overrides(world, client):
    client.force_login(world.users["bureau_admin"])
    client.post(reverse("contracts:calendar_load"), {"year": 2027, "source": "v1", "notice": NOTICE_2027})
    client.post(
        reverse("contracts:calendar_load"), {"year": 2027, "source": "v2", "notice": "2027-01-01,休,元旦"}
    )
    assert CalendarOverride.objects.filter(date__year=2027).count() == 1
    assert CalendarYear.objects.get(year=2027).source == "v2"


def test_management_command_loads_a_year(db, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(NOTICE_2027, encoding="utf-8")
    with pytest.raises(CalendarNotLoaded):
        get_calendar().is_workday(dt.date(2027, 1, 4))
    call_command("load_calendar", "2027", str(path), "--source", "测试")
    assert get_calendar().is_workday(dt.date(2027, 1, 4))
    assert not get_calendar().is_workday(dt.date(2027, 1, 1))


def test_an_override_wins_over_the_package(db):
    CalendarOverride.objects.create(date=dt.date(2023, 3, 1), is_workday=False, name="停电检修")
    calendar = get_calendar()
    assert not calendar.is_workday(dt.date(2023, 3, 1))
    assert calendar.workday_after(dt.date(2023, 2, 28), 1) == dt.date(2023, 3, 2)


def test_the_load_form_offers_the_first_year_not_loaded(world, client):
    """It pre-filled the current (built-in) year (issue 16 item 12)."""
    from common import clock
    from contracts.workdays import builtin_years

    client.force_login(world.users["bureau_admin"])
    first = max(builtin_years()) + 1
    with clock.frozen_at(clock.aware(dt.date(max(builtin_years()), 3, 1), 10, 0)):
        assert client.get(reverse("contracts:calendar_load")).context["form"].initial["year"] == first
        CalendarYear.objects.create(year=first, source="通知")
        assert client.get(reverse("contracts:calendar_load")).context["form"].initial["year"] == first + 1
        # A link from a year's calendar page still names that year.
        response = client.get(reverse("contracts:calendar_load"), {"year": 2031})
        assert response.context["form"].initial["year"] == 2031
