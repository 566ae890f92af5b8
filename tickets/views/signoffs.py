"""Sign-off forms (服务内容确认表): list, detail, signing, PDF, the signed scan and batch forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.pdf import pdf_response
from common.permissions import require_perm
from contracts.selectors import contract_in_use

from .. import policy, selectors, services
from ..filters import SignOffFilter
from ..forms import BatchSignoffForm, SignForm, apply_service_error
from ..models import SignOffMethod, SignOffStatus
from .files import file_response
from .lists import PAGE_SIZE


@require_GET
@require_perm("tickets.view_ticket")
def signoff_list(request):
    contract = contract_in_use(request)
    filtered = SignOffFilter(
        request.GET, queryset=selectors.signoffs_for(request.user).filter(contract=contract)
    )
    qs = filtered.qs
    status = filtered.data["status"]
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
    return pdf_response(
        request,
        "tickets/pdf/signoff.html",
        {"snap": signoff.snapshot, "signoff": signoff},
        filename=f"{signoff.number}.pdf",
        what="signoff",
        changes={"signoff": signoff.pk},
        downloadable=False,
        # Frozen per state (issued, then signed or void): rendered once, then served from storage.
        frozen=signoff,
        frozen_content=[signoff.status, signoff.snapshot],
    )


@require_GET
@require_perm("tickets.view_ticket")
def signoff_scan(request, pk: int):
    signoff = selectors.signoff_for(request.user, pk)
    name = f"{signoff.number}-signed." + (signoff.scan.name.rsplit(".", 1)[-1] if signoff.scan else "pdf")
    return file_response(request, signoff, signoff.scan, name)


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
