"""Finance's pages: the dashboard, recording payments and invoices, payment notices (PDF), API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.errors import apply_service_error, error_messages
from common.money import format_cny
from common.pdf import pdf_response
from common.permissions import require_perm
from contracts.decorators import contract_required
from contracts.rules import tier_bands
from performance import selectors as score_selectors

from . import selectors, services
from .forms import InvoiceForm, NoticeForm, PaymentForm, VoidForm
from .models import Payment

PAGE_SIZE = 25
TOKEN_SESSION_KEY = "payments_new_api_key"  # noqa: S105 (a session key name, not a secret)


def _num(value) -> float | None:
    return None if value is None else float(value)


def chart_data(state: selectors.Settlement, trend) -> dict:
    """What the dashboard's ECharts draw (passed with json_script; the JS is static/js/payments.js)."""
    card = state.card
    bands = tier_bands(card.tiers)
    return {
        "parts": {
            "labels": [p.label for p in card.parts],
            "weights": [p.weight for p in card.parts],
            "scores": [_num(p.score) for p in card.parts],
        },
        "trend": {
            "labels": [c.period.short_label for c in trend],
            "totals": [_num(c.total) for c in trend],
            "final": _num(card.total),
        },
        "tiers": [
            {
                "min": float(t.min_score),
                "max": float(upper) if upper is not None else 100.0,
                "ratio": float(t.pay_ratio),
            }
            for t, upper in bands
        ],
        "payments": {
            "labels": [i.label for i in state.instalments],
            "paid": [float(i.paid) for i in state.instalments],
            "outstanding": [_num(i.outstanding) or 0.0 for i in state.instalments],
            "fees": [float(i.late_fee) for i in state.instalments],
        },
    }


@require_GET
@require_perm("payments.view_payment")
@contract_required
def dashboard(request, contract):
    evidence = score_selectors.Evidence(contract)
    state = selectors.settlement(contract, evidence=evidence)
    trend = score_selectors.monthly_trend(contract, evidence)
    records = selectors.payments_for(contract)
    return render(
        request,
        "payments/dashboard.html",
        {
            "contract": contract,
            "state": state,
            "card": state.card,
            "trend": trend,
            "charts": chart_data(state, trend),
            "records": records,
            "notices": selectors.notices_for(contract)[:10],
            "can_record": request.user.has_perm("payments.add_payment"),
            "can_notice": request.user.has_perm("payments.add_paymentnotice"),
            "notice_form": NoticeForm(),
            "today": clock.today(),
        },
    )


@require_GET
@require_perm("payments.view_payment")
@contract_required
def home_panel(request, contract):
    """Finance's home panel, loaded after the page (see ``selectors.home_finance``)."""
    return render(request, "payments/home/finance.html", selectors.home_finance_panel(contract))


@require_http_methods(["GET", "POST"])
@require_perm("payments.add_payment")
@contract_required
def payment_create(request, contract):
    state = selectors.settlement(contract)
    duplicate = None  # the valid payment that already carries the reference typed
    if request.method == "POST":
        form = PaymentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment, created = services.payment_record(
                    contract=contract,
                    kind=data["kind"],
                    paid_on=data["paid_on"],
                    amount=data["amount"],
                    reference=data["reference"],
                    invoice_received=data["invoice_received"],
                    invoice_number=data["invoice_number"],
                    invoice_received_on=data["invoice_received_on"],
                    note=data["note"],
                    token=data["token"],
                    actor=request.user,
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
                duplicate = getattr(exc, "existing", None)
            else:
                if created:
                    messages.success(
                        request,
                        _("已登记%(kind)s %(amount)s（%(day)s）。")
                        % {
                            "kind": payment.get_kind_display(),
                            "amount": format_cny(payment.amount),
                            "day": payment.paid_on.isoformat(),
                        },
                    )
                else:
                    messages.info(request, _("这笔付款已经登记过（重复提交只记一次）。"))
                return redirect(reverse("payments:dashboard"))
    else:
        pending = next((i for i in state.instalments if not i.is_paid and i.outstanding), None)
        initial = {"token": PaymentForm.new_token(), "paid_on": clock.today()}
        if pending is not None:
            initial.update(kind=pending.kind, amount=pending.outstanding)
        form = PaymentForm(initial=initial)
    return render(
        request,
        "payments/payment_form.html",
        {"contract": contract, "form": form, "state": state, "duplicate": duplicate},
    )


@require_GET
@require_perm("payments.view_payment")
def payment_detail(request, pk: int):
    payment = get_object_or_404(Payment.objects.select_related("contract", "recorded_by", "voided_by"), pk=pk)
    can_change = request.user.has_perm("payments.change_payment")
    return render(
        request,
        "payments/payment_detail.html",
        {
            "payment": payment,
            "can_change": can_change,
            "invoice_form": InvoiceForm(initial={"received_on": clock.today()}),
            "void_form": VoidForm(),
        },
    )


@require_POST
@require_perm("payments.change_payment")
def payment_invoice(request, pk: int):
    payment = get_object_or_404(Payment, pk=pk)
    form = InvoiceForm(request.POST)
    if form.is_valid():
        try:
            services.payment_invoice(
                payment=payment,
                invoice_number=form.cleaned_data["invoice_number"],
                received_on=form.cleaned_data["received_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记发票。"))
            return redirect(reverse("payments:payment_detail", args=[payment.pk]))
    payment = Payment.objects.select_related("contract", "recorded_by", "voided_by").get(pk=pk)
    return render(
        request,
        "payments/payment_detail.html",
        {"payment": payment, "can_change": True, "invoice_form": form, "void_form": VoidForm()},
    )


@require_POST
@require_perm("payments.change_payment")
def payment_void(request, pk: int):
    payment = get_object_or_404(Payment, pk=pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.payment_void(payment=payment, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("付款记录已作废（保留记录与理由）。"))
            return redirect(reverse("payments:payment_detail", args=[payment.pk]))
    payment = Payment.objects.select_related("contract", "recorded_by", "voided_by").get(pk=pk)
    return render(
        request,
        "payments/payment_detail.html",
        {
            "payment": payment,
            "can_change": True,
            "invoice_form": InvoiceForm(initial={"received_on": clock.today()}),
            "void_form": form,
        },
    )


@require_GET
@require_perm("payments.view_paymentnotice")
@contract_required
def notice_list(request, contract):
    page = Paginator(selectors.notices_for(contract), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/notice_list.html",
        {
            "contract": contract,
            "page": page,
            "can_notice": request.user.has_perm("payments.add_paymentnotice"),
            "notice_form": NoticeForm(),
        },
    )


@require_POST
@require_perm("payments.add_paymentnotice")
@contract_required
def notice_issue(request, contract):
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择款项。"))
        return redirect(reverse("payments:notice_list"))
    try:
        notice = services.notice_issue(contract=contract, kind=form.cleaned_data["kind"], actor=request.user)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return redirect(reverse("payments:notice_list"))
    messages.success(request, _("已出具付款通知书 %(n)s。") % {"n": notice.number})
    return redirect(reverse("payments:notice_list"))


@require_GET
@require_perm("payments.view_paymentnotice")
def notice_pdf(request, pk: int):
    notice = selectors.notice_for(pk)
    return pdf_response(
        request,
        "payments/pdf/notice.html",
        {"notice": notice, "snap": notice.snapshot},
        filename=f"payment-notice-{notice.number}.pdf",
        what="payment_notice",
        changes={"notice": notice.pk},
        frozen=notice,
        frozen_content=notice.snapshot,
    )
