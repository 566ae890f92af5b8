"""Pages of issue 17 (find and reuse) kept out of ``views.py``: similar solved requests while filing,
saved views, bulk actions, request templates, linked and merged requests."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.roles import Role
from common.errors import error_messages
from common.permissions import deny, require_perm
from contracts.models import Priority, ServiceScope
from contracts.selectors import active_scopes, contract_in_use

from . import bulk, links, policy, saved_views, search, selectors, templates_service
from .filters import NUMBER, TicketFilter
from .forms import apply_service_error
from .models import RecurringRun, RequestTemplate, Ticket


@require_GET
@require_perm("tickets.add_ticket")
def similar(request):
    """htmx: up to five solved requests (and knowledge-base articles) like the title being typed."""
    text = request.GET.get("title", "").strip()[:120]
    tickets, articles = [], []
    if len(text) >= 2:
        tickets = search.similar_solved(request.user, text, contract=None)
        for provider in search.SUGGESTION_PROVIDERS:
            articles.extend(provider(request.user, text, contract_in_use(request)))
    return render(
        request, "tickets/includes/similar.html", {"tickets": tickets, "articles": articles[:5], "text": text}
    )


# --- saved views -------------------------------------------------------------------------------------------


@require_POST
@require_perm("tickets.view_ticket")
def view_save(request):
    try:
        view = saved_views.view_save(
            actor=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
            shared_role=request.POST.get("shared_role", "") if request.POST.get("share") else "",
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(
            reverse("tickets:list") + "?" + saved_views.clean_query(request.POST.get("query", ""))
        )
    messages.success(request, _("视图“%(n)s”已保存。") % {"n": view.name})
    return redirect(reverse("tickets:list") + "?" + view.query)


@require_POST
@require_perm("tickets.view_ticket")
def view_delete(request, pk: int):
    view = saved_views.views_for(request.user).filter(pk=pk, owner=request.user).first()
    if view is None:  # gone already, or someone else's (a shared view is deleted by its owner only)
        messages.error(request, _("该视图不存在或不是您创建的，不能删除。"))
        return redirect("tickets:list")
    saved_views.view_delete(actor=request.user, view=view)
    messages.success(request, _("视图已删除。"))
    return redirect("tickets:list")


# --- bulk actions ------------------------------------------------------------------------------------------


def _bulk_selection(request, contract) -> tuple[list[Ticket], int, str]:
    """The selected visible requests (ticked rows, or all matching the list's filter), capped."""
    user = request.user
    base = selectors.ticket_list(user, contract)
    query = saved_views.clean_query(request.POST.get("query", ""))
    if request.POST.get("all") == "1":
        flt = TicketFilter(QueryDict(query), queryset=base, user=user, contract=contract)
        qs = flt.qs if flt.is_valid() else base.none()
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) < 10]
        qs = base.filter(pk__in=ids)
    total = qs.count()
    return list(qs.order_by("pk")[: bulk.MAX_ITEMS]), total, query


@require_POST
@require_perm("tickets.view_ticket")
def bulk_action(request):
    """Step 1 (no ``confirm``): what will be done to which requests. Step 2: do it, say what was refused."""
    user = request.user
    if not bulk.actions_for(user):
        return deny(request, "bulk")
    contract = contract_in_use(request)
    actions = bulk.actions_for(user)
    action = request.POST.get("action", "")
    tickets, total, query = _bulk_selection(request, contract)
    assignees = selectors.assignable_users()
    assignee = None
    if request.POST.get("assignee", "").isdigit():
        assignee = assignees.filter(pk=int(request.POST["assignee"])).first()
    context = {
        "actions": actions,
        "action": action if action in dict(actions) else "",
        "action_label": dict(actions)[action].label if action in dict(actions) else "",
        "tickets": tickets,
        "total": total,
        "capped": total > len(tickets),
        "max_items": bulk.MAX_ITEMS,
        "query": query,
        "all": request.POST.get("all") == "1",
        "assignees": assignees,
        "assignee": assignee,
        "needs_assignee": action in dict(actions) and dict(actions)[action].needs_assignee,
        "priorities": Priority.choices if any(a.needs_priority for _k, a in actions) else [],
        "priority": request.POST.get("priority", ""),
    }
    if not tickets:
        messages.error(request, _("没有选中任何请求。"))
        return redirect(reverse("tickets:list") + ("?" + query if query else ""))
    if context["action"] and bulk.ACTIONS[action].export:
        # The list's own export (and its audit entry): the filter, or the ticked rows by id.
        selection = query if context["all"] else "ids=" + ",".join(str(t.pk) for t in tickets)
        return redirect(reverse("tickets:export") + "?" + selection)
    if request.POST.get("confirm") != "1" or not context["action"]:
        return render(request, "tickets/bulk_confirm.html", context)
    try:
        result = bulk.run(
            actor=user, action=action, tickets=tickets, assignee=assignee, priority=context["priority"]
        )
    except ValidationError as exc:
        context["error"] = "；".join(error_messages(exc))
        return render(request, "tickets/bulk_confirm.html", context)
    return render(request, "tickets/bulk_result.html", {**context, "result": result})


# --- request templates -------------------------------------------------------------------------------------


class RequesterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.department} · {obj.display_name}"


class TemplateForm(forms.ModelForm):
    class Meta:
        model = RequestTemplate
        fields = templates_service.FIELDS
        field_classes = {"requester": RequesterChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "data_scope": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = cast(forms.ModelChoiceField, self.fields["scope"])
        scope.queryset = active_scopes(contract) if contract else ServiceScope.objects.none()
        cast(RequesterChoiceField, self.fields["requester"]).queryset = User.objects.filter(
            role__in=[Role.STAFF, Role.DEPT_HEAD], is_active=True
        ).order_by("department__order", "username")


@require_GET
@require_perm("tickets.view_ticket")
def template_list(request):
    user = request.user
    if not (templates_service.can_manage(user) or policy.can_file(user)):
        return deny(request, "templates")
    contract = contract_in_use(request)
    templates = RequestTemplate.objects.filter(contract=contract).select_related(
        "scope", "requester__department"
    )
    if not templates_service.can_manage(user):
        templates = templates.filter(active=True)
    runs = RecurringRun.objects.filter(template__contract=contract).select_related("template", "ticket")[:20]
    return render(
        request,
        "tickets/template_list.html",
        {
            "templates": templates,
            "runs": runs if templates_service.can_manage(user) else [],
            "can_manage": templates_service.can_manage(user),
            "can_file": policy.can_file(user) and user.has_perm("tickets.add_ticket"),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("tickets.view_ticket")
def template_edit(request, pk: int | None = None):
    if not templates_service.can_manage(request.user):
        return deny(request, "templates")
    contract = contract_in_use(request)
    template = get_object_or_404(RequestTemplate, pk=pk, contract=contract) if pk else None
    form = TemplateForm(request.POST or None, instance=template, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            templates_service.template_save(
                actor=request.user, contract=contract, template=template, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("模板已保存。"))
            return redirect("tickets:templates")
    return render(request, "tickets/template_form.html", {"form": form, "template": template})


@require_POST
@require_perm("tickets.add_ticket")
def template_use(request, pk: int):
    template = get_object_or_404(RequestTemplate, pk=pk, contract=contract_in_use(request), active=True)
    try:
        ticket = templates_service.file_from_template(actor=request.user, template=template)
    except ValidationError as exc:
        messages.error(request, "；".join(error_messages(exc)))
        return redirect("tickets:templates")
    messages.success(request, _("请求 %(n)s 已按模板提交，等待科室负责人确认。") % {"n": ticket.number})
    return redirect("tickets:detail", pk=ticket.pk)


# --- linked and merged requests ----------------------------------------------------------------------------


def _target_from(user, text: str) -> Ticket | None:
    text = (text or "").strip()[:30]
    match = NUMBER.match(text)
    pk = int(match.group(1)) if match else (int(text) if text.isdigit() and len(text) < 10 else None)
    if pk is None:
        return None
    return selectors.visible_tickets(user).filter(pk=pk).first()


@require_POST
@require_perm("tickets.view_ticket")
def ticket_link(request, pk: int):
    ticket = selectors.ticket_for(request.user, pk)
    target = _target_from(request.user, request.POST.get("target", ""))
    if target is None:
        messages.error(request, _("请填写您可以查看的请求编号，如 FW2023-00012。"))
        return redirect("tickets:detail", pk=ticket.pk)
    try:
        if request.POST.get("kind") == "duplicate":
            links.mark_duplicate(actor=request.user, duplicate=ticket, original=target)
            messages.success(request, _("已合并到 %(n)s，本请求已关闭。") % {"n": target.number})
        else:
            links.link_related(actor=request.user, source=ticket, target=target)
            messages.success(request, _("已关联 %(n)s。") % {"n": target.number})
    except ValidationError as exc:
        messages.error(request, "；".join(error_messages(exc)))
    return redirect("tickets:detail", pk=ticket.pk)
