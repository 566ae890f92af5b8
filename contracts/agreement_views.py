"""Pages of the rest of the contract (issue 18 items 3–6), for the contract in use. Each list page
carries its form for those who may add; the form posts to its own URL and comes back as typed when
refused."""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role
from common import clock
from common.audit import log_action
from common.permissions import deny, require_login, require_perm

from . import agreement_services as svc
from .agreement import (
    ConfidentialityUndertaking,
    ContactChange,
    ContractChange,
    ContractChangeAttachment,
    Party,
    TerminationNotice,
    TerminationStatus,
)
from .agreement_forms import (
    AnswerForm,
    ChangeForm,
    ContactForm,
    IncidentForm,
    TerminationForm,
    UndertakingForm,
)
from .selectors import contract_in_use


def _contract(request):
    contract = contract_in_use(request)
    if contract is None:
        raise Http404(_("没有可用的合同。"))
    return contract


def _apply_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _submit(request, form, call, success: str, target: str, render_again):
    """Validate, call the service, redirect; else render the page again with the form as typed."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(target)
    messages.error(request, _("操作未完成，请查看下方提示。"))
    return render_again(form)


# --- 第六条 written changes -----------------------------------------------------------------------------


def _changes_page(request, form=None):
    contract = _contract(request)
    can_propose = request.user.has_perm("contracts.propose_contractchange")
    if can_propose and form is None:
        form = ChangeForm(initial={"delivered_on": clock.today()})
    page = Paginator(svc.changes_for(contract), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/agreement/changes.html",
        {"contract": contract, "page": page, "form": form if can_propose else None, "today": clock.today()},
    )


@require_GET
@require_perm("contracts.view_contractchange")
def changes(request):
    return _changes_page(request)


@require_POST
@require_perm("contracts.propose_contractchange")
def change_propose(request):
    contract = _contract(request)
    form = ChangeForm(request.POST, request.FILES)
    return _submit(
        request,
        form,
        lambda data: svc.change_propose(contract=contract, actor=request.user, **data),
        _("变更请求已登记，对方已收到通知。"),
        "contracts:changes",
        lambda f: _changes_page(request, f),
    )


def _change(request, pk: int) -> ContractChange:
    return get_object_or_404(
        ContractChange.objects.filter(contract=_contract(request)).select_related(
            "contract", "proposed_by", "answered_by"
        ),
        pk=pk,
    )


def _change_page(request, change: ContractChange, form=None, status=200):
    party = svc.party_of(request.user)
    can_answer = (
        change.is_open
        and request.user.has_perm("contracts.answer_contractchange")
        and party not in {None, change.party}
    )
    return render(
        request,
        "contracts/agreement/change_detail.html",
        {
            "change": change,
            "attachments": svc.change_attachments(change),
            "form": (form or AnswerForm()) if can_answer else None,
            "can_withdraw": change.is_open and party == change.party,
            "setting_label": svc.setting_label(change.setting) if change.setting else "",
            "today": clock.today(),
        },
        status=status,
    )


@require_GET
@require_perm("contracts.view_contractchange")
def change_detail(request, pk: int):
    return _change_page(request, _change(request, pk))


@require_POST
@require_perm("contracts.answer_contractchange")
def change_answer(request, pk: int):
    change = _change(request, pk)
    form = AnswerForm(request.POST)
    return _submit(
        request,
        form,
        lambda data: svc.change_answer(change=change, actor=request.user, **data),
        _("答复已登记，对方已收到通知。"),
        reverse("contracts:change_detail", args=[change.pk]),
        lambda f: _change_page(request, change, f),
    )


@require_POST
@require_perm("contracts.propose_contractchange")
def change_withdraw(request, pk: int):
    change = _change(request, pk)
    try:
        svc.change_withdraw(change=change, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("变更请求已撤回。"))
    return redirect("contracts:change_detail", pk=change.pk)


# --- 第五条 confidentiality ----------------------------------------------------------------------------


def _undertakings_page(request, form=None):
    contract = _contract(request)
    can_add = request.user.has_perm("contracts.add_confidentialityundertaking")
    if can_add and form is None:
        form = UndertakingForm()
    return render(
        request,
        "contracts/agreement/undertakings.html",
        {
            "contract": contract,
            "register": svc.undertaking_register(contract),
            "form": form if can_add else None,
        },
    )


@require_GET
@require_perm("contracts.view_confidentialityundertaking")
def undertakings(request):
    return _undertakings_page(request)


@require_POST
@require_perm("contracts.add_confidentialityundertaking")
def undertaking_add(request):
    contract = _contract(request)
    form = UndertakingForm(request.POST, request.FILES)
    return _submit(
        request,
        form,
        lambda data: svc.undertaking_record(contract=contract, actor=request.user, **data),
        _("保密承诺书已登记。"),
        "contracts:undertakings",
        lambda f: _undertakings_page(request, f),
    )


def _incidents_page(request, form=None):
    contract = _contract(request)
    can_add = request.user.has_perm("contracts.add_contractincident")
    if can_add and form is None:
        form = IncidentForm(initial={"occurred_on": clock.today()})
    rows = contract.incidents.select_related("reported_by")
    return render(
        request,
        "contracts/agreement/incidents.html",
        {
            "contract": contract,
            "page": Paginator(rows, 20).get_page(request.GET.get("page")),
            "form": form if can_add else None,
        },
    )


@require_GET
@require_perm("contracts.view_contractincident")
def incidents(request):
    return _incidents_page(request)


@require_POST
@require_perm("contracts.add_contractincident")
def incident_add(request):
    contract = _contract(request)
    form = IncidentForm(request.POST)
    return _submit(
        request,
        form,
        lambda data: svc.incident_record(contract=contract, actor=request.user, **data),
        _("违约事件已登记，双方已收到通知。"),
        "contracts:incidents",
        lambda f: _incidents_page(request, f),
    )


# --- 第八条 termination ---------------------------------------------------------------------------------


def _terminations_page(request, form=None):
    contract = _contract(request)
    can_add = request.user.has_perm("contracts.add_terminationnotice")
    if can_add and form is None:
        form = TerminationForm(initial={"given_on": clock.today()})
    party = svc.party_of(request.user)
    rows = [
        {
            "notice": n,
            "can_confirm": n.needs_confirmation and party not in {None, n.party},
            "can_withdraw": n.status != TerminationStatus.WITHDRAWN
            and party == n.party
            and n.effective_on > clock.today(),
        }
        for n in contract.terminations.select_related("given_by", "confirmed_by")
    ]
    return render(
        request,
        "contracts/agreement/terminations.html",
        {
            "contract": contract,
            "rows": rows,
            "form": form if can_add else None,
            "notice_days": contract.termination_notice_days,
            "today": clock.today(),
        },
    )


@require_GET
@require_perm("contracts.view_terminationnotice")
def terminations(request):
    return _terminations_page(request)


@require_POST
@require_perm("contracts.add_terminationnotice")
def termination_give(request):
    contract = _contract(request)
    form = TerminationForm(request.POST, request.FILES)
    return _submit(
        request,
        form,
        lambda data: svc.termination_give(contract=contract, actor=request.user, **data),
        _("解除/终止通知已登记，对方已收到通知。"),
        "contracts:terminations",
        lambda f: _terminations_page(request, f),
    )


def _termination_action(request, pk: int, call, success: str):
    notice = get_object_or_404(TerminationNotice.objects.filter(contract=_contract(request)), pk=pk)
    try:
        call(notice=notice, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("contracts:terminations")


@require_POST
@require_perm("contracts.change_terminationnotice")
def termination_confirm(request, pk: int):
    return _termination_action(request, pk, svc.termination_confirm, _("已确认提前终止。"))


@require_POST
@require_perm("contracts.change_terminationnotice")
def termination_withdraw(request, pk: int):
    return _termination_action(request, pk, svc.termination_withdraw, _("通知已撤回。"))


# --- 第九条 contacts -----------------------------------------------------------------------------------


def _on_param(request) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("on") or "")
    except ValueError:
        return clock.today()
    return min(max(day, dt.date(2000, 1, 1)), dt.date(2100, 12, 31))


def _contacts_page(request, form=None):
    contract = _contract(request)
    day = _on_param(request)
    party = svc.party_of(request.user)
    can_add = request.user.has_perm("contracts.add_contactchange") and party is not None
    if can_add and form is None:
        form = ContactForm(
            initial={"notice_on": clock.today(), "effective_on": clock.today()},
            roles=[Role.BUREAU_ADMIN, Role.STAFF, Role.DEPT_HEAD]
            if party == Party.CLIENT
            else [Role.PM, Role.ENGINEER],
        )
    return render(
        request,
        "contracts/agreement/contacts.html",
        {
            "contract": contract,
            "day": day,
            "contacts": [svc.contact_on(contract, p, day) for p in (Party.CLIENT, Party.VENDOR)],
            "history": contract.contact_changes.select_related("user", "recorded_by"),
            "form": form if can_add else None,
            "party_label": Party(party).label if party else "",
        },
    )


@require_GET
@require_perm("contracts.view_contactchange")
def contacts(request):
    return _contacts_page(request)


@require_POST
@require_perm("contracts.add_contactchange")
def contact_add(request):
    contract = _contract(request)
    party = svc.party_of(request.user)
    roles = (
        [Role.BUREAU_ADMIN, Role.STAFF, Role.DEPT_HEAD] if party == Party.CLIENT else [Role.PM, Role.ENGINEER]
    )
    form = ContactForm(request.POST, request.FILES, roles=roles)
    return _submit(
        request,
        form,
        lambda data: svc.contact_change(contract=contract, actor=request.user, **data),
        _("项目联系人变更已登记，对方已收到通知。"),
        "contracts:contacts",
        lambda f: _contacts_page(request, f),
    )


# --- the signed documents (never a public media URL) ------------------------------------------------------

DOCUMENTS = {
    "change": (ContractChange, "document", "contracts.view_contractchange"),
    "change_attachment": (ContractChangeAttachment, "file", "contracts.view_contractchange"),
    "undertaking": (ConfidentialityUndertaking, "document", "contracts.view_confidentialityundertaking"),
    "termination": (TerminationNotice, "document", "contracts.view_terminationnotice"),
    "contact": (ContactChange, "document", "contracts.view_contactchange"),
}


@require_GET
@require_login
def document(request, kind: str, pk: int):
    if kind not in DOCUMENTS:
        raise Http404
    model, field, perm = DOCUMENTS[kind]
    if not request.user.has_perm(perm):
        deny(request, f"missing {perm}")
    row = get_object_or_404(model, pk=pk)
    field_file = getattr(row, field)
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = field_file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    log_action("export.file", actor=request.user, obj=row, changes={"file": name, "kind": kind})
    return response
