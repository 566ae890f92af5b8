"""Views parse input, check the role permission, call one service and redirect (or re-render the
page with the form as typed and the reason it was refused)."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.audit import log_action
from common.exports import Column, xlsx_response
from common.pdf import render_pdf
from common.permissions import require_perm
from common.privacy import personal_data
from contracts.selectors import contract_in_use

from . import policy, selectors, services
from .filters import TicketFilter
from .forms import (
    KIND_FIELDS,
    AssignForm,
    AttachmentForm,
    AuthorizationForm,
    BatchSignoffForm,
    BatchStepForm,
    CommentForm,
    NoteForm,
    ReasonForm,
    ResolveForm,
    SignForm,
    TicketForm,
    TimeForm,
    UpgradeStepForm,
    apply_service_error,
)
from .models import (
    UPGRADE_STAGE_ORDER,
    BatchStep,
    BatchStepKind,
    DataAuthorization,
    SignOffMethod,
    SignOffStatus,
    Ticket,
    UpgradeStage,
    UpgradeStep,
    UpgradeTarget,
)

PAGE_SIZE = 25


def _filtered(request):
    contract = contract_in_use(request)
    qs = selectors.ticket_list(request.user, contract)
    flt = TicketFilter(request.GET or None, queryset=qs, user=request.user, contract=contract)
    return contract, flt


@require_GET
@require_perm("tickets.view_ticket")
def ticket_list(request):
    contract, flt = _filtered(request)
    tickets = flt.qs if flt.is_bound and flt.is_valid() else flt.queryset
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tickets/ticket_list.html",
        {
            "filter": flt,
            "page": page,
            "contract": contract,
            "now": clock.now(),
            "can_file": request.user.has_perm("tickets.add_ticket") and policy.can_file(request.user),
            "can_export": request.user.has_perm("tickets.export_ticket"),
            "can_batch": policy.can_issue_batch(request.user),
        },
    )


EXPORT_COLUMNS = [
    Column("编号", 14),
    Column("标题", 36),
    Column("类型", 16),
    Column("系统", 26),
    Column("优先级", 8),
    Column("科室", 16),
    Column("提出人", 10),
    Column("状态", 12),
    Column("提交时间", 17, "yyyy-mm-dd hh:mm"),
    Column("确认时间", 17, "yyyy-mm-dd hh:mm"),
    Column("处理人", 10),
    Column("响应期限", 17, "yyyy-mm-dd hh:mm"),
    Column("首次响应", 17, "yyyy-mm-dd hh:mm"),
    Column("解决期限", 17, "yyyy-mm-dd hh:mm"),
    Column("解决时间", 17, "yyyy-mm-dd hh:mm"),
    Column("超期", 8),
    Column("返工次数", 9),
    Column("工时（小时）", 11, "0.0"),
]


@require_GET
@require_perm("tickets.export_ticket")
def ticket_export(request):
    contract, flt = _filtered(request)
    tickets = flt.qs if flt.is_bound and flt.is_valid() else flt.queryset
    now = clock.now()

    def rows():
        for t in tickets.iterator(chunk_size=500):
            yield [
                t.number,
                t.title,
                t.get_kind_display(),
                str(t.scope),
                t.get_priority_display(),
                str(t.department),
                t.requester.display_name,
                t.get_status_display(),
                t.created_at,
                t.confirmed_at,
                t.assignee.display_name if t.assignee_id else "",
                t.respond_due_at if t.respond_due_at else ("待定" if t.due_pending_year else ""),
                t.first_response_at,
                t.resolve_due_at if t.resolve_due_at else ("待定" if t.due_pending_year else ""),
                t.resolved_at,
                "是" if t.is_overdue(now) else "",
                t.rework_count,
                round(t.time_spent_minutes / 60, 1),
            ]

    filters = flt.describe() if flt.is_bound else {}
    filters["contract"] = contract.number if contract else ""
    return xlsx_response(
        request,
        filename=f"服务请求-{clock.today():%Y%m%d}.xlsx",
        sheet="服务请求",
        what="tickets",
        columns=EXPORT_COLUMNS,
        rows=rows(),
        filters=filters,
    )


@require_http_methods(["GET", "POST"])
@require_perm("tickets.add_ticket")
@personal_data
def ticket_create(request):
    contract = contract_in_use(request)
    if not policy.can_file(request.user):
        messages.error(request, _("只有科室经办人员或科室负责人可以提交服务请求。"))
        return redirect("tickets:list")
    form = TicketForm(
        request.POST or None,
        request.FILES or None,
        contract=contract,
        initial={"contact_phone": request.user.phone},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "files"}
        try:
            with transaction.atomic():
                ticket = services.ticket_submit(actor=request.user, contract=contract, **data)
                for upload in form.cleaned_data.get("files") or []:
                    services.attachment_add(ticket=ticket, actor=request.user, upload=upload)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("请求 %(n)s 已提交，等待科室负责人确认。") % {"n": ticket.number})
            return redirect("tickets:detail", pk=ticket.pk)
    return render(
        request,
        "tickets/ticket_form.html",
        {"form": form, "contract": contract, "kind_fields": KIND_FIELDS},
    )


def _detail_context(request, ticket: Ticket, bound: dict | None = None) -> dict:
    user = request.user
    actions = policy.actions_for(user, ticket)
    forms = {
        "reject": ReasonForm(prefix="reject"),
        "cancel": ReasonForm(prefix="cancel"),
        "wait": ReasonForm(prefix="wait"),
        "reopen": ReasonForm(prefix="reopen"),
        "emergency_request": ReasonForm(prefix="emergency_request"),
        "resume": NoteForm(prefix="resume"),
        "start": NoteForm(prefix="start"),
        "resolve": ResolveForm(prefix="resolve"),
        "comment": CommentForm(prefix="comment"),
        "attach": AttachmentForm(prefix="attach"),
        "time": TimeForm(prefix="time"),
        "authorize": AuthorizationForm(prefix="authorize"),
        "batch_step": BatchStepForm(prefix="batch_step"),
        "upgrade_step": UpgradeStepForm(prefix="upgrade_step"),
    }
    if actions["assign"]:
        forms["assign"] = AssignForm(prefix="assign", users=selectors.assignable_users())
    if bound:
        forms.update(bound)
    batch_steps = {row.step: row for row in ticket.batch_steps.select_related("recorded_by")}
    upgrade_steps = {row.stage: row for row in ticket.upgrade_steps.select_related("recorded_by")}
    next_stage = policy.next_upgrade_stage(ticket, set(upgrade_steps)) if ticket.kind == "upgrade" else None
    upgrade_rows = [
        {"stage": stage, "label": UpgradeStage(stage).label, "row": upgrade_steps.get(stage)}
        for stage in UPGRADE_STAGE_ORDER
    ]
    can_next_stage = bool(next_stage) and policy.can_record_upgrade_stage(user, ticket, next_stage)
    can_reschedule = (
        ticket.kind == "upgrade"
        and UpgradeStage.SCHEDULED in upgrade_steps
        and UpgradeStage.DEPLOYED not in upgrade_steps
        and policy.can_record_upgrade_stage(user, ticket, UpgradeStage.SCHEDULED)
    )
    window = None
    if ticket.kind == "upgrade" and ticket.upgrade_target:
        window = services.upgrade_window(ticket.contract, ticket.upgrade_target)
    authorization = DataAuthorization.objects.filter(ticket=ticket).select_related("authorized_by").first()
    return {
        "ticket": ticket,
        "actions": actions,
        "forms": forms,
        "failed": next(iter(bound), None) if bound else None,
        "timeline": selectors.timeline(user, ticket),
        "comments": selectors.comments_for(user, ticket),
        "attachments": selectors.attachments_for(user, ticket),
        "time_entries": ticket.time_entries.select_related("engineer") if policy.is_vendor(user) else None,
        "authorization": authorization,
        "batch_rows": [
            {"step": s, "label": BatchStepKind(s).label, "row": batch_steps.get(s)}
            for s in BatchStepKind.values
        ],
        "batch_missing": [s for s in BatchStepKind.values if s not in batch_steps],
        "upgrade_rows": upgrade_rows,
        "next_stage": next_stage,
        "next_stage_label": UpgradeStage(next_stage).label if next_stage else "",
        "can_next_stage": can_next_stage,
        "can_reschedule": can_reschedule,
        "stage_needs_time": next_stage in {UpgradeStage.SCHEDULED, UpgradeStage.DEPLOYED},
        "window": window,
        "upgrade_target_label": UpgradeTarget(ticket.upgrade_target).label if ticket.upgrade_target else "",
        "blockers": services.resolve_blockers(ticket) if actions["resolve"] else [],
        "now": clock.now(),
        "today": clock.today(),
        "signoff": ticket.signoff,
    }


@require_GET
@require_perm("tickets.view_ticket")
def ticket_detail(request, pk: int):
    ticket = selectors.ticket_for(request.user, pk)
    return render(request, "tickets/ticket_detail.html", _detail_context(request, ticket))


def _act(request, pk: int, name: str, form, call: Callable, success: str, *, status: int = 200):
    """Run one transition: on success redirect with a message; else re-render with the form as typed."""
    ticket = selectors.ticket_for(request.user, pk)
    if form is None or form.is_valid():
        try:
            call(ticket, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            if form is None:
                for message in services.validation_messages(exc):
                    messages.error(request, message)
                return redirect("tickets:detail", pk=ticket.pk)
            apply_service_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("tickets:detail", pk=ticket.pk)
    ticket.refresh_from_db()
    messages.error(request, _("操作未完成，请查看下方提示。"))
    return render(
        request, "tickets/ticket_detail.html", _detail_context(request, ticket, {name: form}), status=status
    )


@require_POST
@require_perm("tickets.confirm_ticket")
def ticket_confirm(request, pk: int):
    return _act(
        request,
        pk,
        "confirm",
        None,
        lambda t, d: services.ticket_confirm(ticket=t, actor=request.user),
        _("已确认，请求已交给乙方。"),
    )


@require_POST
@require_perm("tickets.confirm_ticket")
def ticket_reject(request, pk: int):
    form = ReasonForm(request.POST, prefix="reject")
    return _act(
        request,
        pk,
        "reject",
        form,
        lambda t, d: services.ticket_reject(ticket=t, actor=request.user, reason=d["reason"]),
        _("已退回该请求。"),
    )


@require_POST
@require_perm("tickets.cancel_ticket")
def ticket_cancel(request, pk: int):
    form = ReasonForm(request.POST, prefix="cancel")
    return _act(
        request,
        pk,
        "cancel",
        form,
        lambda t, d: services.ticket_cancel(ticket=t, actor=request.user, reason=d["reason"]),
        _("已撤销该请求。"),
    )


@require_POST
@require_perm("tickets.authorize_data")
def ticket_authorize(request, pk: int):
    form = AuthorizationForm(request.POST, request.FILES, prefix="authorize")
    return _act(
        request,
        pk,
        "authorize",
        form,
        lambda t, d: services.data_authorize(
            ticket=t, actor=request.user, scope=d["scope"], approval_file=d.get("approval_file")
        ),
        _("已记录数据维护授权。"),
    )


@require_POST
@require_perm("tickets.assign_ticket")
def ticket_assign(request, pk: int):
    form = AssignForm(request.POST, prefix="assign", users=selectors.assignable_users())
    return _act(
        request,
        pk,
        "assign",
        form,
        lambda t, d: services.ticket_assign(ticket=t, actor=request.user, assignee=d["assignee"]),
        _("已分派。"),
    )


@require_POST
@require_perm("tickets.work_ticket")
def ticket_claim(request, pk: int):
    return _act(
        request,
        pk,
        "claim",
        None,
        lambda t, d: services.ticket_claim(ticket=t, actor=request.user),
        _("已领取，请尽快响应。"),
    )


@require_POST
@require_perm("tickets.work_ticket")
def ticket_start(request, pk: int):
    form = NoteForm(request.POST, prefix="start")
    return _act(
        request,
        pk,
        "start",
        form,
        lambda t, d: services.ticket_start(ticket=t, actor=request.user, note=d.get("note") or ""),
        _("已开始处理。"),
    )


@require_POST
@require_perm("tickets.work_ticket")
def ticket_wait(request, pk: int):
    form = ReasonForm(request.POST, prefix="wait")
    return _act(
        request,
        pk,
        "wait",
        form,
        lambda t, d: services.ticket_wait(ticket=t, actor=request.user, reason=d["reason"]),
        _("已设为等待甲方，解决时限暂停计时。"),
    )


@require_POST
@require_perm("tickets.view_ticket")
def ticket_resume(request, pk: int):
    form = NoteForm(request.POST, prefix="resume")
    return _act(
        request,
        pk,
        "resume",
        form,
        lambda t, d: services.ticket_resume(ticket=t, actor=request.user, note=d.get("note") or ""),
        _("已恢复处理，解决时限继续计时。"),
    )


@require_POST
@require_perm("tickets.work_ticket")
def ticket_resolve(request, pk: int):
    form = ResolveForm(request.POST, prefix="resolve")
    return _act(
        request,
        pk,
        "resolve",
        form,
        lambda t, d: services.ticket_resolve(ticket=t, actor=request.user, resolution=d["resolution"]),
        _("已办结，服务内容确认表已生成，等待甲方签署。"),
    )


@require_POST
@require_perm("tickets.reopen_ticket")
def ticket_reopen(request, pk: int):
    form = ReasonForm(request.POST, prefix="reopen")
    return _act(
        request,
        pk,
        "reopen",
        form,
        lambda t, d: services.ticket_reopen(ticket=t, actor=request.user, reason=d["reason"]),
        _("已重新打开（记为返工），工程师将继续处理。"),
    )


@require_POST
@require_perm("tickets.close_ticket")
def ticket_close(request, pk: int):
    return _act(
        request,
        pk,
        "close",
        None,
        lambda t, d: services.ticket_close(ticket=t, actor=request.user),
        _("已关闭。"),
    )


@require_POST
@require_perm("tickets.view_ticket")
def ticket_comment(request, pk: int):
    form = CommentForm(request.POST, prefix="comment")
    return _act(
        request,
        pk,
        "comment",
        form,
        lambda t, d: services.comment_add(
            ticket=t, actor=request.user, body=d["body"], internal=d.get("internal", False)
        ),
        _("留言已发布。"),
    )


@require_POST
@require_perm("tickets.view_ticket")
def ticket_attach(request, pk: int):
    form = AttachmentForm(request.POST, request.FILES, prefix="attach")
    return _act(
        request,
        pk,
        "attach",
        form,
        lambda t, d: services.attachment_add(
            ticket=t, actor=request.user, upload=d["file"], internal=d.get("internal", False)
        ),
        _("附件已上传。"),
    )


@require_POST
@require_perm("tickets.work_ticket")
def ticket_time(request, pk: int):
    form = TimeForm(request.POST, prefix="time")
    return _act(
        request,
        pk,
        "time",
        form,
        lambda t, d: services.time_log(
            ticket=t,
            actor=request.user,
            work_date=d["work_date"],
            minutes=form.minutes,
            note=d.get("note") or "",
        ),
        _("工时已登记。"),
    )


@require_POST
@require_perm("tickets.work_ticket")
def ticket_batch_step(request, pk: int):
    form = BatchStepForm(request.POST, request.FILES, prefix="batch_step")
    return _act(
        request,
        pk,
        "batch_step",
        form,
        lambda t, d: services.batch_step_record(
            ticket=t, actor=request.user, step=d["step"], note=d.get("note") or "", evidence=d.get("evidence")
        ),
        _("步骤已记录。"),
    )


@require_POST
@require_perm("tickets.view_ticket")
def ticket_upgrade_step(request, pk: int):
    form = UpgradeStepForm(request.POST, request.FILES, prefix="upgrade_step")
    return _act(
        request,
        pk,
        "upgrade_step",
        form,
        lambda t, d: services.upgrade_step_record(
            ticket=t,
            actor=request.user,
            stage=d["stage"],
            note=d.get("note") or "",
            document=d.get("document"),
            window_start=d.get("window_start"),
        ),
        _("升级阶段已记录。"),
    )


@require_POST
@require_perm("tickets.work_ticket")
def ticket_emergency_request(request, pk: int):
    form = ReasonForm(request.POST, prefix="emergency_request")
    return _act(
        request,
        pk,
        "emergency_request",
        form,
        lambda t, d: services.emergency_request(ticket=t, actor=request.user, reason=d["reason"]),
        _("紧急例外申请已提交局信息化管理员。"),
    )


@require_POST
@require_perm("tickets.approve_emergency")
def ticket_emergency_approve(request, pk: int):
    return _act(
        request,
        pk,
        "emergency_approve",
        None,
        lambda t, d: services.emergency_approve(ticket=t, actor=request.user),
        _("已批准紧急升级例外。"),
    )


# --- files (never a public media URL) ------------------------------------------------------------------


def _file_response(request, obj, field_file, filename: str, *, inline: bool = False) -> FileResponse:
    """Serve a stored file to someone allowed to see it; the download is an export and is audited."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    log_action("export.file", actor=request.user, obj=obj, changes={"file": filename, "inline": inline})
    return response


@require_GET
@require_perm("tickets.view_ticket")
def attachment_download(request, pk: int):
    attachment = selectors.attachment_for(request.user, pk)
    return _file_response(request, attachment, attachment.file, attachment.original_name)


EVIDENCE = {
    "authorization": (DataAuthorization, "approval_file"),
    "batch": (BatchStep, "evidence"),
    "upgrade": (UpgradeStep, "document"),
}


@require_GET
@require_perm("tickets.view_ticket")
def evidence_download(request, kind: str, pk: int):
    if kind not in EVIDENCE:
        raise Http404
    model, field = EVIDENCE[kind]
    row = get_object_or_404(model.objects.select_related("ticket"), pk=pk)
    selectors.ticket_for(request.user, row.ticket_id)  # 404 outside the user's scope
    field_file = getattr(row, field)
    name = field_file.name.rsplit("/", 1)[-1] if field_file else ""
    return _file_response(request, row, field_file, name)


# --- sign-off forms ---------------------------------------------------------------------------------------


@require_GET
@require_perm("tickets.view_ticket")
def signoff_list(request):
    contract = contract_in_use(request)
    qs = selectors.signoffs_for(request.user).filter(contract=contract)
    status = request.GET.get("status") or "pending"
    if status in SignOffStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("late") == "1":
        qs = qs.filter(status=SignOffStatus.PENDING, due_on__lt=clock.today())
    page = Paginator(qs.order_by("due_on", "-issued_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tickets/signoff_list.html",
        {
            "page": page,
            "status": status,
            "statuses": SignOffStatus.choices,
            "late_only": request.GET.get("late") == "1",
            "today": clock.today(),
            "can_batch": policy.can_issue_batch(request.user),
        },
    )


@require_GET
@require_perm("tickets.view_ticket")
def signoff_detail(request, pk: int):
    signoff = selectors.signoff_for(request.user, pk)
    return render(
        request,
        "tickets/signoff_detail.html",
        {
            "signoff": signoff,
            "snap": signoff.snapshot,
            "form": SignForm(),
            "can_sign": policy.can_sign(request.user, signoff)
            and request.user.has_perm("tickets.signoff_ticket"),
            "today": clock.today(),
        },
    )


@require_POST
@require_perm("tickets.signoff_ticket")
def signoff_sign(request, pk: int):
    signoff = selectors.signoff_for(request.user, pk)
    form = SignForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.signoff_sign(
                signoff=signoff,
                actor=request.user,
                method=form.cleaned_data["method"],
                note=form.cleaned_data.get("note") or "",
                scan=form.cleaned_data.get("scan"),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("确认表 %(n)s 已签署。") % {"n": signoff.number})
            return redirect("tickets:signoff_detail", pk=signoff.pk)
    signoff.refresh_from_db()
    return render(
        request,
        "tickets/signoff_detail.html",
        {
            "signoff": signoff,
            "snap": signoff.snapshot,
            "form": form,
            "can_sign": policy.can_sign(request.user, signoff),
            "today": clock.today(),
        },
    )


@require_GET
@require_perm("tickets.view_ticket")
def signoff_pdf(request, pk: int):
    signoff = selectors.signoff_for(request.user, pk)
    data = render_pdf("tickets/pdf/signoff.html", {"snap": signoff.snapshot, "signoff": signoff})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{signoff.number}.pdf"'
    return response


@require_GET
@require_perm("tickets.view_ticket")
def signoff_scan(request, pk: int):
    signoff = selectors.signoff_for(request.user, pk)
    name = f"{signoff.number}-signed." + (signoff.scan.name.rsplit(".", 1)[-1] if signoff.scan else "pdf")
    return _file_response(request, signoff, signoff.scan, name)


@require_http_methods(["GET", "POST"])
@require_perm("tickets.work_ticket")
def signoff_batch(request):
    contract = contract_in_use(request)
    queryset = selectors.batchable_tickets(request.user, contract)
    form = BatchSignoffForm(request.POST or None, queryset=queryset)
    if request.method == "POST" and form.is_valid():
        try:
            signoff = services.signoff_issue_batch(
                tickets=list(form.cleaned_data["tickets"]), actor=request.user
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("批量确认表 %(n)s 已生成。") % {"n": signoff.number})
            return redirect("tickets:signoff_detail", pk=signoff.pk)
    rows = list(queryset)
    return render(
        request, "tickets/signoff_batch.html", {"form": form, "rows": rows, "method": SignOffMethod}
    )
