"""The weekly report: figures from hand-made data, drafting, editing, publishing as a frozen snapshot,
the PDF (fonts embedded, no missing glyph), concurrency."""

import datetime as dt

import pytest

from common import clock
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.models import AuditEntry
from reports import services
from reports.models import ReportStatus, WeeklyReport
from reports.selectors import weekly_figures

from ..pdf_helpers import assert_cjk_font_embedded, no_missing_glyphs, pdf_text
from ..tickets.helpers import at, submit
from .conftest import WEEK


def test_the_overdue_count_is_every_overdue_request_when_the_list_is_cut(world, week, monkeypatch):
    """The list shows the first LIST_LIMIT overdue requests; the count is all of them (one query)."""
    monkeypatch.setattr("reports.selectors.weekly.LIST_LIMIT", 1)
    with clock.frozen_at(at(2023, 3, 20)):
        r = weekly_figures(world.contract, WEEK)["requests"]
    assert r["overdue"] == 2
    assert [t["number"] for t in r["overdue_list"]] == [week.t_late.number]


def test_figures_of_a_hand_made_week(world, week):
    with clock.frozen_at(at(2023, 3, 20)):
        f = weekly_figures(world.contract, WEEK)
    r = f["requests"]
    assert (r["opened"], r["resolved"], r["resolved_on_time"], r["overdue"], r["open_at_end"]) == (
        2,
        1,
        1,
        2,
        2,
    )
    assert r["resolved_on_time_ratio"] == "100.0"
    assert {k["key"]: (k["opened"], k["resolved"]) for k in r["by_kind"]} == {
        "software": (1, 1),
        "data": (1, 0),
    }
    # t_late was due 03-02; t_data (3 working days from Tue 09:30) was due Fri 09:30 and is still open
    assert [t["number"] for t in r["overdue_list"]] == [week.t_late.number, week.t_data.number]
    assert sum(s["count"] for s in r["by_scope"]) == 2
    # first responses in the week: 0 working minutes (t_fixed) and 2 hours (t_data): 1 hour on average
    assert f["times"]["response_cases"] == 2 and f["times"]["response_avg_minutes"] == 60
    assert f["times"]["response_avg"] == "1 小时"
    assert f["times"]["resolution_cases"] == 1 and f["times"]["resolution_avg_minutes"] == 0
    # the sign-off form of t_fixed is due the next working day (Tue) and still unsigned at the week's end
    assert (f["signoffs"]["issued"], f["signoffs"]["outstanding"], f["signoffs"]["outstanding_late"]) == (
        1,
        1,
        1,
    )
    # attendance: checked in Mon–Thu of five working days; logs written Mon and Tue only
    att = f["attendance"]
    assert att["counted"] and (att["attended"], att["scheduled"]) == (4, 5) and att["ratio"] == "80.0"
    assert f["worklogs"]["count"] == 2 and f["worklogs"]["hours"] == "15.0"
    assert {m["date"] for m in f["worklogs"]["missing"]} >= {"2023-03-08", "2023-03-09"}
    assert f["meeting"]["held_on"] == "2023-03-10" and "门诊慢特病" in f["meeting"]["decisions"]
    assert f["upgrades"] == []
    assert f["as_of"] == "2023-03-13 00:00"


def test_a_week_in_progress_counts_up_to_now(world, week):
    with clock.frozen_at(at(2023, 3, 7, 10, 0)):  # Tuesday 10:00: t_data is filed, not yet started
        f = weekly_figures(world.contract, WEEK)
    assert f["requests"]["opened"] == 2 and f["times"]["response_cases"] == 1
    assert f["as_of"] == "2023-03-07 10:00"


def draft(world, when=None):
    with clock.frozen_at(when or at(2023, 3, 10, 15, 0)):
        report, created = services.weekly_draft(contract=world.contract, day=WEEK, actor=world.pm)
    assert created
    return report


def write(world, report, **texts):
    texts = {
        "summary": "本周完成养老待遇核定问题修复。",
        "next_week_plan": "完成门诊慢特病参数调整。",
        **texts,
    }
    with clock.frozen_at(at(2023, 3, 10, 15, 30)):
        return services.weekly_update(report=report, actor=world.pm, version=report.version, **texts)


def test_a_draft_is_made_once_a_week_and_audited(world, week):
    report = draft(world)
    with clock.frozen_at(at(2023, 3, 10, 16, 0)):
        again, created = services.weekly_draft(
            contract=world.contract, day=dt.date(2023, 3, 12), actor=world.pm
        )
    assert not created and again.pk == report.pk
    assert report.status == ReportStatus.DRAFT and report.figures["requests"]["opened"] == 2
    assert AuditEntry.objects.filter(action="reports.weekly_draft", object_id=str(report.pk)).count() == 1


@pytest.mark.parametrize(
    "day, message",
    [(dt.date(2024, 3, 4), "不在合同服务期"), (dt.date(2023, 3, 20), "尚未开始")],
)
def test_a_draft_outside_the_contract_or_in_the_future_is_refused(world, day, message):
    with clock.frozen_at(at(2023, 3, 10)), pytest.raises(ServiceError, match=message):
        services.weekly_draft(contract=world.contract, day=day, actor=world.pm)


def test_publishing_needs_the_summary_and_the_plan(world, week):
    report = draft(world)
    with clock.frozen_at(at(2023, 3, 10, 16)), pytest.raises(ServiceError, match="本周工作小结"):
        services.weekly_publish(report=report, actor=world.pm)
    assert WeeklyReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_an_edit_on_a_stale_version_is_refused(world, week):
    report = draft(world)
    stale_version = report.version
    write(world, report)
    with clock.frozen_at(at(2023, 3, 10, 15, 40)), pytest.raises(ConcurrentChange, match="请刷新后再保存"):
        services.weekly_update(report=report, actor=world.pm, version=stale_version, summary="另一个人的版本")
    assert WeeklyReport.objects.get(pk=report.pk).summary == "本周完成养老待遇核定问题修复。"
    entry = AuditEntry.objects.filter(action="reports.weekly_update").get()
    assert entry.changes["summary"] == ["", "本周完成养老待遇核定问题修复。"]


def test_a_published_report_is_frozen(world, week, settings):
    report = write(world, draft(world))
    with clock.frozen_at(at(2023, 3, 10, 17)):
        published = services.weekly_publish(report=report, actor=world.pm)
    assert (
        published.status == ReportStatus.PUBLISHED
        and published.snapshot["figures"]["requests"]["opened"] == 2
    )
    from common.pdf import render_pdf

    before = pdf_text(render_pdf("reports/pdf/weekly.html", {"c": published.content, "draft": False}))

    # the data of the week change afterwards: a late-filed request, the overdue one resolved, a renamed one
    submit(world, title="补录的请求", when=at(2023, 3, 9, 10))
    from tickets.models import Ticket

    Ticket.objects.filter(pk=week.t_fixed.pk).update(title="后来改过的标题")
    with clock.frozen_at(at(2024, 3, 1)):
        fresh = WeeklyReport.objects.get(pk=report.pk)
        after = pdf_text(render_pdf("reports/pdf/weekly.html", {"c": fresh.content, "draft": False}))
        live = weekly_figures(world.contract, WEEK)
    assert live["requests"]["opened"] == 3  # the live figures did change…
    assert fresh.content["figures"]["requests"]["opened"] == 2  # …the published report did not
    assert before == after
    with pytest.raises(TransitionNotAllowed, match="已发布"):
        services.weekly_update(report=fresh, actor=world.pm, version=fresh.version, summary="改")
    with pytest.raises(TransitionNotAllowed, match="已发布"):
        services.weekly_publish(report=fresh, actor=world.pm)
    assert AuditEntry.objects.filter(action="reports.weekly_publish").count() == 1


def test_refresh_recomputes_a_draft_and_keeps_the_text(world, week):
    report = write(world, draft(world))
    submit(world, title="补录的请求", when=at(2023, 3, 9, 10))
    with clock.frozen_at(at(2023, 3, 10, 16)):
        refreshed = services.weekly_refresh(report=report, actor=world.pm)
    assert refreshed.figures["requests"]["opened"] == 3
    assert refreshed.summary == "本周完成养老待遇核定问题修复。"


def test_the_pdf_embeds_the_cjk_font_with_every_glyph(world, week, login):
    report = write(world, draft(world))
    with clock.frozen_at(at(2023, 3, 10, 17)):
        services.weekly_publish(report=report, actor=world.pm)
        with no_missing_glyphs():
            response = login(world.pm).get(f"/reports/weekly/{report.pk}/pdf/?download=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert_cjk_font_embedded(response.content)
    text = pdf_text(response.content).replace(" ", "").replace("\n", "")
    for expected in (
        "软件服务周报",
        "2023年第10周",
        week.t_late.number,
        "门诊慢特病待遇参数",
        "本周完成养老待遇核定问题修复",
        "第1页/共",
    ):
        assert expected in text, expected
    export = AuditEntry.objects.filter(action="export").latest("id")
    assert export.changes["what"] == "weekly_report" and export.changes["download"] is True
