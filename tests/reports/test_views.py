"""The weekly report and statistics pages: drafting, editing that keeps what was typed, publishing,
who sees drafts, statistics figures and their Excel export, bounded queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from common import clock
from common.models import AuditEntry
from contracts.selectors import SESSION_KEY
from reports.models import ReportStatus, WeeklyReport

from ..tickets.helpers import at


@pytest.fixture
def friday(week):
    with clock.frozen_at(at(2023, 3, 10, 15, 30)):
        yield


def test_pm_drafts_edits_and_publishes(world, week, friday, login):
    client = login(world.pm)
    response = client.post(reverse("reports:weekly_draft"), {"day": "2023-03-08"})
    report = WeeklyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:weekly_detail", args=[report.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "2023 年第 10 周" in page and "草稿" in page and "门诊慢特病待遇参数调整" in page
    assert reverse("rosters:meeting_detail", args=[week.meeting.pk]) in page  # the week's minutes are linked

    edit = reverse("reports:weekly_edit", args=[report.pk])
    response = client.post(
        edit,
        {
            "version": report.version,
            "summary": "修复养老待遇核定问题。",
            "next_week_plan": "完成参数调整。",
            "publish": "1",
        },
    )
    report.refresh_from_db()
    assert response.status_code == 302 and report.status == ReportStatus.PUBLISHED
    assert report.snapshot["summary"] == "修复养老待遇核定问题。"
    assert AuditEntry.objects.filter(action="reports.weekly_publish", actor=world.pm).exists()
    # published: the edit page sends back to the report with the reason
    response = client.get(edit, follow=True)
    assert "周报已发布，不能再修改" in response.content.decode()


def test_an_invalid_edit_keeps_what_was_typed(world, week, friday, login):
    client = login(world.pm)
    client.post(reverse("reports:weekly_draft"), {"day": "2023-03-08"})
    report = WeeklyReport.objects.get()
    typed = "本周小结" * 1001  # over 4000 characters
    response = client.post(
        reverse("reports:weekly_edit", args=[report.pk]),
        {"version": report.version, "summary": typed, "next_week_plan": "下周计划"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["summary"]
    assert typed in response.content.decode() and "下周计划" in response.content.decode()
    assert WeeklyReport.objects.get().summary == ""


def test_a_stale_edit_is_refused_and_keeps_the_text(world, week, friday, login):
    client = login(world.pm)
    client.post(reverse("reports:weekly_draft"), {"day": "2023-03-08"})
    report = WeeklyReport.objects.get()
    url = reverse("reports:weekly_edit", args=[report.pk])
    client.post(url, {"version": report.version, "summary": "第一位", "next_week_plan": "计划"})
    response = client.post(
        url, {"version": report.version, "summary": "第二位的文字", "next_week_plan": "计划"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "请刷新后再保存" in html and "第二位的文字" in html
    assert WeeklyReport.objects.get().summary == "第一位"


def test_publishing_an_empty_report_says_why(world, week, friday, login):
    client = login(world.pm)
    client.post(reverse("reports:weekly_draft"), {"day": "2023-03-08"})
    report = WeeklyReport.objects.get()
    response = client.post(reverse("reports:weekly_publish", args=[report.pk]), follow=True)
    assert "发布前请填写" in response.content.decode()
    assert WeeklyReport.objects.get().status == ReportStatus.DRAFT


def test_an_invalid_draft_day_is_explained(world, friday, login):
    response = login(world.pm).post(reverse("reports:weekly_draft"), {"day": "2023-02-30"}, follow=True)
    assert "请输入有效日期" in response.content.decode() and not WeeklyReport.objects.exists()


def test_engineers_see_published_reports_only(world, week, friday, login):
    draft = WeeklyReport.objects.create(contract=world.contract, week_start=dt.date(2023, 3, 6))
    published = WeeklyReport.objects.create(
        contract=world.contract, week_start=dt.date(2023, 2, 27), status=ReportStatus.PUBLISHED
    )
    client = login(world.engineer)
    listing = client.get(reverse("reports:weekly_list"))
    assert [r.pk for r in listing.context["page"]] == [published.pk]
    assert client.get(reverse("reports:weekly_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reports:weekly_detail", args=[published.pk])).status_code == 200
    assert "起草周报" not in listing.content.decode()


@pytest.mark.parametrize("weeks", [3, 25])
def test_the_list_pages_with_a_bounded_number_of_queries(
    world, friday, login, weeks, django_assert_max_num_queries
):
    WeeklyReport.objects.bulk_create(
        WeeklyReport(
            contract=world.contract,
            week_start=dt.date(2023, 1, 2) + dt.timedelta(weeks=n),
            status=ReportStatus.PUBLISHED,
            published_by=world.pm,
            figures={"requests": {"opened": n, "resolved": 1, "overdue": 0}},
        )
        for n in range(weeks)
    )
    client = login(world.pm)
    with django_assert_max_num_queries(14):  # the same bound for 3 rows and for 25 (two pages)
        response = client.get(reverse("reports:weekly_list"))
    assert response.status_code == 200 and len(response.context["page"]) == min(weeks, 20)


def test_a_report_of_another_contract_is_not_found_in_the_list(world, friday, login):
    from ..factories import make_contract

    other = make_contract(number="OTHER-2023")
    WeeklyReport.objects.create(contract=other, week_start=dt.date(2023, 3, 6), status=ReportStatus.PUBLISHED)
    client = login(world.bureau_admin)
    session = client.session
    session[SESSION_KEY] = world.contract.pk
    session.save()
    assert list(client.get(reverse("reports:weekly_list")).context["page"]) == []


def test_statistics_of_a_month_and_its_excel(world, week, login):
    client = login(world.bureau_admin)
    with clock.frozen_at(at(2023, 4, 3)):
        response = client.get(reverse("reports:statistics"), {"year": 2023, "month": 3})
        stats = response.context["stats"]
        assert response.status_code == 200
        assert (stats["opened"], stats["resolved"], stats["on_time"]) == (2, 1, 1)
        assert {r["label"]: r["count"] for r in stats["by_kind"]} == {"软件问题": 1, "数据维护": 1}
        assert stats["by_department"] == [{"label": "养老保险科", "count": 2}]
        assert stats["attendance"]["counted"] and stats["attendance"]["people"][0]["attended"] >= 4
        assert [w["log_hours"] for w in stats["workload"] if w["name"] == world.engineer.display_name] == [
            "15.0"
        ]
        assert stats["trend"] is None
        export = client.get(reverse("reports:statistics_export"), {"year": 2023, "month": 3})
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["按类型", "按系统", "按科室", "按优先级", "时限达成", "出勤", "工作量"]
    assert [[c.value for c in row] for row in book["按类型"].iter_rows(min_row=2)] == [
        ["软件问题", 1],
        ["数据维护", 1],
    ]
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.changes["what"] == "statistics" and entry.changes["filters"]["month"] == 3


def test_statistics_of_a_year_have_a_monthly_trend(world, week, login):
    with clock.frozen_at(at(2023, 12, 31)):
        response = login(world.pm).get(reverse("reports:statistics"), {"year": 2023})
    trend = response.context["stats"]["trend"]
    assert len(trend) == 12 and trend[1]["opened"] == 1 and trend[2]["opened"] == 2
    assert response.context["charts"]["trend"]["labels"][0] == "1月"


def test_statistics_with_a_bad_period_fall_back_to_the_default(world, login):
    with clock.frozen_at(at(2023, 5, 10)):
        response = login(world.pm).get(reverse("reports:statistics"), {"year": "1999", "month": "13"})
    assert response.status_code == 200 and response.context["stats"]["year"] == 2023
    assert "所选期间无效" in response.content.decode()


def test_refreshing_or_publishing_a_published_report_says_why(world, week, friday, login):
    report = WeeklyReport.objects.create(
        contract=world.contract,
        week_start=dt.date(2023, 3, 6),
        status=ReportStatus.PUBLISHED,
        snapshot={"figures": {"requests": {"opened": 7}}},
    )
    client = login(world.pm)
    for name in ("reports:weekly_refresh", "reports:weekly_publish"):
        response = client.post(reverse(name, args=[report.pk]), follow=True)
        assert "周报已发布，不能再修改" in response.content.decode()
    report.refresh_from_db()
    assert report.snapshot == {"figures": {"requests": {"opened": 7}}}


def test_request_numbers_on_the_weekly_report_link_to_the_request(world, week, friday, login):
    """Issue 16 item 8: request numbers link wherever they appear, the weekly report page included."""
    client = login(world.pm)
    response = client.post(reverse("reports:weekly_draft"), {"day": "2023-03-08"})
    page = client.get(response["Location"]).content.decode()
    overdue = page[page.index('data-testid="fig-overdue-list"') :]
    assert (
        f'href="{reverse("tickets:detail", args=[week.t_late.pk])}" data-testid="ticket-number-link">'
        f"{week.t_late.number}</a>"
    ) in overdue
