import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.models import AuditEntry
from common.permissions import require_login, require_perm

from . import rules, selectors, services
from .calendar import get_calendar
from .forms import CalendarLoadForm, ContractCopyForm, ContractForm, ScopeFormSet, SlaFormSet, TierFormSet
from .models import CalendarOverride, CalendarYear, Contract
from .workdays import CalendarNotLoaded


@require_GET
@require_perm("contracts.view_contract")
def contract_list(request):
    contracts = selectors.contract_list()
    return render(request, "contracts/contract_list.html", {"contracts": contracts, "today": clock.today()})


@require_GET
@require_perm("contracts.view_contract")
def contract_detail(request, pk: int):
    contract = selectors.contract_detail(pk)
    tiers = rules.tier_bands([t.as_rule() for t in contract.tiers.all()])
    calendar = get_calendar(contract)
    due: dict[str, object] = {}
    try:
        due["advance"] = calendar.workday_after(contract.signed_on, contract.advance_due_workdays)
    except CalendarNotLoaded as exc:
        due["advance_pending"] = exc
    try:
        due["final"] = calendar.workday_after(contract.end_on, contract.final_due_workdays)
    except CalendarNotLoaded as exc:
        due["final_pending"] = exc
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "tiers": tiers,
            "due": due,
            "minutes_per_day": contract.working_hours.minutes_per_day,
            "can_edit": request.user.has_perm("contracts.change_contract"),
            "can_copy": request.user.has_perm("contracts.add_contract"),
            "can_history": request.user.has_perm("contracts.view_contract_history"),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("contracts.change_contract")
def contract_edit(request, pk: int):
    contract = get_object_or_404(Contract, pk=pk)
    data = request.POST if request.method == "POST" else None
    form = ContractForm(data, instance=contract)
    tier_formset = TierFormSet(data, instance=contract, prefix="tiers")
    sla_formset = SlaFormSet(data, instance=contract, prefix="sla", working_hours=contract.working_hours)
    scope_formset = ScopeFormSet(data, instance=contract, prefix="scopes")
    formsets: list[BaseInlineFormSet] = [tier_formset, sla_formset, scope_formset]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            services.contract_save(form=form, formsets=formsets, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("合同条款已保存，修改已记入历史。"))
            return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/contract_form.html",
        {
            "contract": contract,
            "form": form,
            "tier_formset": tier_formset,
            "sla_formset": sla_formset,
            "scope_formset": scope_formset,
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("contracts.add_contract")
def contract_copy(request, pk: int):
    source = get_object_or_404(Contract, pk=pk)
    if request.method == "POST":
        form = ContractCopyForm(request.POST)
        if form.is_valid():
            try:
                contract = services.contract_copy(source=source, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("已按 %(src)s 的条款创建新合同，请核对并修改。") % {"src": source.number}
                )
                return redirect("contracts:edit", pk=contract.pk)
    else:
        next_start = source.end_on + dt.timedelta(days=1)
        form = ContractCopyForm(
            initial={
                "name": source.name,
                "start_on": next_start,
                "end_on": next_start.replace(year=next_start.year + 1) - dt.timedelta(days=1),
                "signed_on": next_start,
            }
        )
    return render(request, "contracts/contract_copy.html", {"form": form, "source": source})


@require_GET
@require_perm("contracts.view_contract_history")
def contract_history(request, pk: int):
    contract = get_object_or_404(Contract, pk=pk)
    entries = AuditEntry.objects.filter(
        object_type="contracts.contract", object_id=str(contract.pk)
    ).select_related("actor")
    page = Paginator(entries, 20).get_page(request.GET.get("page"))
    labels = {f.name: str(f.verbose_name) for f in Contract._meta.concrete_fields}
    labels.update(
        {
            "tiers": _("付款档位"),
            "sla": _("服务时限"),
            "scopes": _("服务范围"),
            "via": _("途径"),
            "copied_from": _("复制自"),
        }
    )
    return render(
        request,
        "contracts/contract_history.html",
        {"contract": contract, "page": page, "field_labels": labels},
    )


@require_POST
@require_login
def contract_switch(request):
    contract_id = (request.POST.get("contract") or "").strip()
    contract = (
        Contract.objects.filter(pk=int(contract_id)).first()
        if contract_id.isascii() and contract_id.isdigit()
        else None
    )
    if contract is None or not request.user.has_perm("contracts.view_contract"):
        messages.error(request, _("无法切换到该合同。"))
    else:
        selectors.use_contract(request, contract)
        messages.info(request, _("现在使用合同 %(number)s。") % {"number": contract.number})
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    return HttpResponseRedirect(target)


def _first_year_to_load() -> int:
    """The first year from this one on that neither the package nor the bureau admin has loaded."""
    calendar = get_calendar()
    year = clock.today().year
    while calendar.knows_year(year) and year < 2100:
        year += 1
    return year


def _year_param(request) -> int:
    try:
        year = int(request.GET.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    return min(max(year, 2000), 2100)


@require_GET
@require_perm("contracts.view_calendar")
def calendar_view(request):
    year = _year_param(request)
    calendar = get_calendar(selectors.contract_in_use(request))
    context = {
        "year": year,
        "today": clock.today(),
        "prev_year": year - 1,
        "next_year": year + 1,
        "can_load": request.user.has_perm("contracts.load_calendar"),
        "loaded_year": CalendarYear.objects.filter(year=year).select_related("loaded_by").first(),
    }
    try:
        context["months"] = [(month, calendar.month_weeks(year, month)) for month in range(1, 13)]
        context["holidays"] = calendar.holiday_periods(year)
        context["summary"] = calendar.year_summary(year)
        context["overrides"] = CalendarOverride.objects.filter(date__year=year)
    except CalendarNotLoaded as exc:
        context["not_loaded"] = exc
    return render(request, "contracts/calendar.html", context)


@require_http_methods(["GET", "POST"])
@require_perm("contracts.load_calendar")
def calendar_load(request):
    if request.method == "POST":
        form = CalendarLoadForm(request.POST, request.FILES)
        if form.is_valid():
            services.calendar_load_year(
                year=form.cleaned_data["year"],
                days=form.cleaned_data["days"],
                source=form.cleaned_data["source"],
                actor=request.user,
            )
            messages.success(
                request,
                _("已加载 %(year)s 年放假安排（%(n)s 天调整）。")
                % {"year": form.cleaned_data["year"], "n": len(form.cleaned_data["days"])},
            )
            return redirect(f"{reverse('contracts:calendar')}?year={form.cleaned_data['year']}")
    else:
        form = CalendarLoadForm(
            initial={"year": _year_param(request) if "year" in request.GET else _first_year_to_load()}
        )
    return render(request, "contracts/calendar_load.html", {"form": form})
