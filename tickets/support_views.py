"""Pages of the support sessions and the bureau's required-by date (issue 18 items 1 and 2).

Kept out of tickets/views.py (being split into a package): the request page shows these through the
``ticket_extras`` tag, and its forms post here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.permissions import require_perm
from contracts.selectors import active_scopes, contract_in_use

from . import selectors, support
from .forms import apply_service_error
from .support_forms import RequiredByForm, SupportForm, SystemSupportForm


def _retry(request, template: str, context: dict, status: int = 200):
    messages.error(request, _("操作未完成，请查看下方提示。"))
    return render(request, template, context, status=status)


@require_POST
@require_perm("tickets.record_support")
def ticket_support(request, pk: int):
    ticket = selectors.ticket_for(request.user, pk)
    form = SupportForm(request.POST, prefix="support", people=support.support_people(request.user))
    if form.is_valid():
        try:
            support.support_record(
                contract=ticket.contract, ticket=ticket, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("支持记录已登记。"))
            return redirect("tickets:detail", pk=ticket.pk)
    return _retry(request, "tickets/support_form.html", {"ticket": ticket, "form": form})


@require_POST
@require_perm("tickets.set_required_by")
def ticket_required_by(request, pk: int):
    ticket = selectors.ticket_for(request.user, pk)
    form = RequiredByForm(request.POST, prefix="required_by")
    if form.is_valid():
        try:
            support.required_by_set(ticket=ticket, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("甲方要求完成日已设定，处理人和项目经理已收到通知。"))
            return redirect("tickets:detail", pk=ticket.pk)
    return _retry(request, "tickets/required_by_form.html", {"ticket": ticket, "form": form})


def _list_context(request, form=None) -> dict:
    contract = contract_in_use(request)
    qs = support.support_list(request.user, contract) if contract else support.SupportSession.objects.none()
    can_add = request.user.has_perm("tickets.record_support") and contract is not None
    if can_add and contract is not None and form is None:
        form = SystemSupportForm(
            prefix="support", scopes=active_scopes(contract), people=support.support_people(request.user)
        )
    return {
        "contract": contract,
        "page": Paginator(qs, 25).get_page(request.GET.get("page")),
        "form": form if can_add else None,
    }


@require_GET
@require_perm("tickets.view_supportsession")
def support_list(request):
    return render(request, "tickets/support_list.html", _list_context(request))


@require_POST
@require_perm("tickets.record_support")
def support_add(request):
    contract = contract_in_use(request)
    if contract is None:
        messages.error(request, _("没有可用的合同。"))
        return redirect("tickets:support_list")
    form = SystemSupportForm(
        request.POST,
        prefix="support",
        scopes=active_scopes(contract),
        people=support.support_people(request.user),
    )
    if form.is_valid():
        try:
            support.support_record(contract=contract, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("支持记录已登记。"))
            return redirect("tickets:support_list")
    return _retry(request, "tickets/support_list.html", _list_context(request, form))
