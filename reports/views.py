"""Pages of the weekly report (list, page, edit, publish, PDF) and of the statistics (charts, Excel)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.errors import error_messages
from common.exports import Column, Sheet, xlsx_response
from common.pdf import pdf_response
from common.permissions import require_perm
from contracts.decorators import contract_required

from . import selectors, services
from .forms import DraftForm, StatisticsForm, WeeklyReportForm

PAGE_SIZE = 20
VIEW = "reports.view_weeklyreport"
EDIT = "reports.change_weeklyreport"
STATS = "reports.view_statistics"


@require_GET
@require_perm(VIEW)
@contract_required
def weekly_list(request, contract):
    page = Paginator(selectors.report_list(request.user, contract), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    this_week = selectors.week_of(clock.today())
    return render(
        request,
        "reports/weekly_list.html",
        {
            "contract": contract,
            "page": page,
            "can_edit": request.user.has_perm(EDIT),
            "draft_form": DraftForm(initial={"day": min(clock.today(), contract.end_on)}),
            "this_week": this_week,
        },
    )


@require_POST
@require_perm(EDIT)
@contract_required
def weekly_draft(request, contract):
    form = DraftForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("reports:weekly_list")
    try:
        report, created = services.weekly_draft(
            contract=contract, day=form.cleaned_data["day"], actor=request.user
        )
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return redirect("reports:weekly_list")
    if created:
        messages.success(request, _("已根据门户数据起草%(label)s周报。") % {"label": report.label})
    else:
        messages.info(request, _("%(label)s已有周报，已为您打开。") % {"label": report.label})
    return redirect("reports:weekly_detail", pk=report.pk)


@require_GET
@require_perm(VIEW)
def weekly_detail(request, pk: int):
    report = selectors.report_for(request.user, pk)
    can_edit = request.user.has_perm(EDIT) and not report.is_published
    return render(
        request,
        "reports/weekly_detail.html",
        {
            "report": report,
            "c": report.content,
            "can_edit": can_edit,
            "can_publish": can_edit and request.user.has_perm("reports.publish_weeklyreport"),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm(EDIT)
def weekly_edit(request, pk: int):
    report = selectors.report_for(request.user, pk)
    if report.is_published:
        messages.error(request, _("周报已发布，不能再修改。"))
        return redirect("reports:weekly_detail", pk=report.pk)
    form = WeeklyReportForm(request.POST or None, instance=report, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.weekly_update(
                report=report,
                actor=request.user,
                version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in services.TEXT_FIELDS},
            )
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("周报已保存。"))
            if "publish" in request.POST and request.user.has_perm("reports.publish_weeklyreport"):
                return weekly_publish(request, pk)
            return redirect("reports:weekly_detail", pk=report.pk)
    return render(request, "reports/weekly_form.html", {"report": report, "form": form})


def _report_action(request, pk: int, action, success: str):
    """Run a service on a report and come back to its page with what happened."""
    report = selectors.report_for(request.user, pk)
    try:
        action(report=report, actor=request.user)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("reports:weekly_detail", pk=report.pk)


@require_POST
@require_perm(EDIT)
def weekly_refresh(request, pk: int):
    return _report_action(request, pk, services.weekly_refresh, _("已按当前数据重新生成本周数据。"))


@require_POST
@require_perm("reports.publish_weeklyreport")
def weekly_publish(request, pk: int):
    return _report_action(
        request, pk, services.weekly_publish, _("周报已发布，内容已冻结；可下载 PDF 供例会使用。")
    )


@require_GET
@require_perm(VIEW)
def weekly_pdf(request, pk: int):
    report = selectors.report_for(request.user, pk)
    content = report.content
    return pdf_response(
        request,
        "reports/pdf/weekly.html",
        {"c": content, "draft": not report.is_published},
        filename=f"{content['number']}{'' if report.is_published else '-draft'}.pdf",
        what="weekly_report",
        changes={"report": report.pk},
        frozen=report if report.is_published else None,  # a draft is rendered every time
        frozen_content=content,
    )


# --- statistics -----------------------------------------------------------------------------------------


def _statistics_form(request, contract):
    years = selectors.statistics_years(contract)
    today = clock.today()
    default_year = min(max(today.year, years[0]), years[-1])
    data = request.GET if "year" in request.GET else {"year": default_year, "month": ""}
    form = StatisticsForm(data, years=years)
    if form.is_valid():
        return form, form.cleaned_data["year"], form.cleaned_data["month"]
    return form, default_year, None


def chart_data(stats: dict) -> dict:
    def pairs(rows):
        return {"labels": [r["label"] for r in rows], "values": [r["count"] for r in rows]}

    def num(value):
        return None if value is None else float(value)

    return {
        "kind": pairs(stats["by_kind"]),
        "scope": pairs(stats["by_scope"]),
        "department": pairs(stats["by_department"]),
        "priority": pairs(stats["by_priority"]),
        "sla": {
            "labels": [r["label"] for r in stats["sla"]],
            "resolve": [num(r["ratio"]) for r in stats["sla"]],
            "respond": [num(r["response_ratio"]) for r in stats["sla"]],
        },
        "trend": stats["trend"]
        and {
            "labels": [r["label"] for r in stats["trend"]],
            "opened": [r["opened"] for r in stats["trend"]],
            "resolved": [r["resolved"] for r in stats["trend"]],
        },
        "workload": {
            "labels": [r["name"] for r in stats["workload"]],
            "resolved": [r["resolved"] for r in stats["workload"]],
            "log_hours": [float(r["log_hours"]) for r in stats["workload"]],
        },
        "attendance": {
            "labels": [m["label"] for m in stats["attendance"]["months"]],
            "ratios": [num(m["ratio"]) for m in stats["attendance"]["months"]],
        },
    }


@require_GET
@require_perm(STATS)
@contract_required
def statistics(request, contract):
    form, year, month = _statistics_form(request, contract)
    stats = selectors.statistics(contract, year=year, month=month)
    return render(
        request,
        "reports/statistics.html",
        {"contract": contract, "form": form, "stats": stats, "charts": chart_data(stats)},
    )


def _ratio_cell(value):
    return None if value is None else float(value) / 100


def _sla_sheet(stats: dict):
    return Sheet(
        _("时限达成"),
        [
            Column(_("类型"), 24),
            Column(_("解决数"), 10),
            Column(_("按时解决"), 10),
            Column(_("按时解决率"), 12, "0.0%"),
            Column(_("已响应"), 10),
            Column(_("按时响应"), 10),
            Column(_("按时响应率"), 12, "0.0%"),
        ],
        [
            [
                r["label"],
                r["resolved"],
                r["on_time"],
                _ratio_cell(r["ratio"]),
                r["responded"],
                r["responded_on_time"],
                _ratio_cell(r["response_ratio"]),
            ]
            for r in stats["sla"]
        ],
    )


def _statistics_sheets(stats: dict) -> list:
    """The statistics as Excel sheets: counts by kind, system, department, priority; SLA; attendance; work."""
    count = [Column(_("项目"), 36), Column(_("请求数"), 10)]

    by = [
        (_("按类型"), "by_kind"),
        (_("按系统"), "by_scope"),
        (_("按科室"), "by_department"),
        (_("按优先级"), "by_priority"),
    ]
    return [Sheet(name, count, [[r["label"], r["count"]] for r in stats[key]]) for name, key in by] + [
        _sla_sheet(stats),
        Sheet(
            _("出勤"),
            [
                Column(_("人员"), 16),
                Column(_("岗位"), 12),
                Column(_("出勤天数"), 10),
                Column(_("应出勤天数"), 12),
                Column(_("出勤率"), 10, "0.0%"),
            ],
            [
                [p["name"], p["position"], p["attended"], p["scheduled"], _ratio_cell(p["ratio"])]
                for p in stats["attendance"]["people"]
            ],
        ),
        Sheet(
            _("工作量"),
            [
                Column(_("人员"), 16),
                Column(_("解决请求"), 10),
                Column(_("请求工时(小时)"), 14, "0.0"),
                Column(_("日志工时(小时)"), 14, "0.0"),
            ],
            [
                [w["name"], w["resolved"], float(w["ticket_hours"]), float(w["log_hours"])]
                for w in stats["workload"]
            ],
        ),
    ]


@require_GET
@require_perm(STATS)
@contract_required
def statistics_export(request, contract):
    _form, year, month = _statistics_form(request, contract)
    stats = selectors.statistics(contract, year=year, month=month)
    period = f"{year}-{month:02d}" if month else str(year)
    sheets = _statistics_sheets(stats)
    return xlsx_response(
        request,
        filename=f"运维统计-{contract.number}-{period}.xlsx",
        what="statistics",
        sheets=sheets,
        filters={"contract": contract.number, "year": year, "month": month},
    )
