"""Writes of the payments app: record a payment (idempotent), register the invoice, void a mistaken
record, issue a payment notice, manage API tokens. Each runs in a transaction with an audit entry."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.audit import log_action, snapshot
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.money import cny_uppercase, format_cny, quantize
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded
from jobs.runner import people, remind_once

from . import selectors
from .models import Payment, PaymentKind, PaymentNotice, normalize_reference

REMINDER_JOB = "payments.payment_reminders"
PAYMENT_FIELDS = ["kind", "paid_on", "amount", "reference", "invoice_received", "invoice_number", "note"]


class DuplicateReference(ServiceError):
    """The transfer's reference is already on a valid payment of the contract: ``existing`` is that
    record (the form links to it)."""

    def __init__(self, existing: Payment):
        self.existing = existing
        super().__init__(
            {
                "reference": [
                    f"凭证号 {existing.reference} 已用于 {existing.paid_on:%Y-%m-%d} 登记的"
                    f"{existing.get_kind_display()} {format_cny(existing.amount)}（登记人"
                    f" {existing.recorded_by.display_name}）：同一笔电汇只能登记一次。"
                    "如原记录有误，请先作废原记录再重新登记。"
                ]
            }
        )


def duplicate_of(contract: Contract, reference: str) -> Payment | None:
    """The valid payment of the contract that already carries this reference, if any."""
    reference = normalize_reference(reference)
    if not reference:
        return None
    return (
        Payment.objects.filter(contract=contract, voided_at__isnull=True, reference__iexact=reference)
        .select_related("recorded_by")
        .order_by("id")
        .first()
    )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionNotAllowed(message)


def payment_record(
    *,
    contract: Contract,
    kind: str,
    paid_on: dt.date,
    amount: Decimal,
    reference: str,
    actor,
    token: uuid.UUID,
    invoice_received: bool = False,
    invoice_number: str = "",
    invoice_received_on: dt.date | None = None,
    note: str = "",
) -> tuple[Payment, bool]:
    """Record a payment. ``token`` comes from the form: submitting the same form twice (a double click,
    a retry, two tabs) records one payment and returns ``(payment, False)`` for the repeats."""
    _require(actor.has_perm("payments.add_payment"), "只有财务可以登记付款。")
    existing = Payment.objects.filter(token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            payment, created = _record(
                contract=contract,
                kind=kind,
                paid_on=paid_on,
                amount=amount,
                reference=reference,
                actor=actor,
                token=token,
                invoice_received=invoice_received,
                invoice_number=invoice_number,
                invoice_received_on=invoice_received_on,
                note=note,
            )
    except IntegrityError:
        existing = Payment.objects.filter(token=token).first()
        if existing is not None:
            return existing, False
        first = duplicate_of(contract, reference)
        if first is not None:  # the same transfer, committed by another form in the meantime
            raise DuplicateReference(first) from None
        raise
    return payment, created


def invoice_date_problem(received_on: dt.date, paid_on: dt.date) -> str:
    """Why an invoice cannot have been received that day ("" if it can): the vendor invoices after it
    is paid, and not in the future. One rule for the payment form and the invoice form (issue 11)."""
    if received_on > clock.today():
        return "收票日期不能晚于今天。"
    if received_on < paid_on:
        return "乙方在收到付款后开具发票：收票日期不能早于付款日期。"
    return ""


def _record(*, contract, kind, paid_on, amount, reference, actor, token, **extra) -> tuple[Payment, bool]:
    # One writer per contract at a time: two different payments cannot both pass the outstanding check,
    # and the second of two identical submissions finds the first once it holds the lock.
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    existing = Payment.objects.filter(token=token).first()
    if existing is not None:
        return existing, False
    if kind not in PaymentKind.values:
        raise ServiceError({"kind": ["请选择款项。"]})
    amount = quantize(Decimal(amount))
    today = clock.today()
    errors: dict[str, list[str]] = {}
    if paid_on > today:
        errors.setdefault("paid_on", []).append("付款日期不能晚于今天：请在付款后登记。")
    if paid_on < contract.signed_on:
        errors.setdefault("paid_on", []).append(
            f"付款日期不能早于合同签订日期 {contract.signed_on:%Y-%m-%d}。"
        )
    if amount <= 0:
        errors.setdefault("amount", []).append("金额必须大于零。")
    reference = normalize_reference(reference)
    if not reference:
        errors.setdefault("reference", []).append("请填写电汇凭证号或银行流水号。")
    invoiced_on = extra.get("invoice_received_on")
    if extra.get("invoice_received"):
        if invoiced_on is None:
            errors.setdefault("invoice_received_on", []).append("已收到发票时请填写收票日期。")
        elif problem := invoice_date_problem(invoiced_on, paid_on):
            errors.setdefault("invoice_received_on", []).append(problem)
    if errors:
        raise ServiceError(errors)
    first = duplicate_of(contract, reference)
    if first is not None:
        raise DuplicateReference(first)
    refused = selectors.refusal(selectors.settlement(contract, today=today), kind, amount)
    if refused is not None:
        field, message = refused
        raise ServiceError({field: [message]} if field else message)
    payment = Payment(
        contract=contract,
        kind=kind,
        paid_on=paid_on,
        amount=amount,
        reference=reference,
        invoice_received=bool(extra.get("invoice_received")),
        invoice_number=(extra.get("invoice_number") or "").strip(),
        invoice_received_on=extra.get("invoice_received_on"),
        note=(extra.get("note") or "").strip(),
        token=token,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    payment.full_clean(exclude=["token"], validate_constraints=False)
    payment.save(force_insert=True)
    log_action("payment.record", actor=actor, obj=payment, changes=snapshot(payment, PAYMENT_FIELDS))
    return payment, True


def refuse_unlock_after_final_paid(*, contract: Contract) -> None:
    """Hook ``score.before_unlock``: the final instalment was paid on the locked score; unlocking could
    lower the tier below what has been paid (issue 11). Finance voids the final payments first."""
    refused = selectors.unlock_refusal(selectors.settlement(contract))
    if refused:
        raise ServiceError(refused)


def refuse_terms_below_paid(*, contract: Contract) -> None:
    """Hook ``contract.terms_saved``: new terms (total, advance ratio, tiers) must still cover what has
    been paid under each instalment."""
    state = selectors.settlement(contract)
    for instalment in state.instalments:
        if instalment.amount is not None and instalment.paid > instalment.amount:
            raise ServiceError(
                f"按新的合同条款，{instalment.label}应付 {format_cny(instalment.amount)}，"
                f"但已登记付款 {format_cny(instalment.paid)}：已付金额不能超过应付金额。"
            )


@transaction.atomic
def payment_invoice(*, payment: Payment, invoice_number: str, received_on: dt.date, actor) -> Payment:
    """The vendor's invoice arrived (乙方收到付款后开具发票)."""
    _require(actor.has_perm("payments.change_payment"), "只有财务可以登记发票。")
    invoice_number = (invoice_number or "").strip()
    if not invoice_number:
        raise ServiceError({"invoice_number": ["请填写发票号码。"]})
    if problem := invoice_date_problem(received_on, payment.paid_on):
        raise ServiceError({"received_on": [problem]})
    claimed = Payment.objects.filter(pk=payment.pk, voided_at__isnull=True, invoice_received=False).update(
        invoice_received=True, invoice_number=invoice_number, invoice_received_on=received_on
    )
    if claimed != 1:
        raise ConcurrentChange("该付款已登记发票或已作废，请刷新页面查看。")
    payment.refresh_from_db()
    log_action(
        "payment.invoice",
        actor=actor,
        obj=payment,
        changes={"invoice_number": invoice_number, "invoice_received_on": received_on},
    )
    return payment


@transaction.atomic
def payment_void(*, payment: Payment, reason: str, actor) -> Payment:
    """A record entered by mistake is voided (kept, struck through, with the reason), never deleted."""
    _require(actor.has_perm("payments.change_payment"), "只有财务可以作废付款记录。")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ServiceError({"reason": ["请写明作废理由（至少 4 个字）。"]})
    claimed = Payment.objects.filter(pk=payment.pk, voided_at__isnull=True).update(
        voided_at=clock.now(), voided_by=actor, void_reason=reason
    )
    if claimed != 1:
        raise ConcurrentChange("该付款记录已被作废。")
    payment.refresh_from_db()
    log_action(
        "payment.void",
        actor=actor,
        obj=payment,
        changes={"amount": payment.amount, "kind": payment.kind, "reason": reason},
    )
    return payment


# --- payment notices ------------------------------------------------------------------------------------


def _notice_number(contract: Contract, kind: str) -> str:
    count = PaymentNotice.objects.filter(contract=contract, kind=kind).count() + 1
    code = "YF" if kind == PaymentKind.ADVANCE else "WK"
    return f"{contract.number}-{code}-{count:02d}"[:40]


def _contract_part(contract: Contract) -> dict:
    return {
        "number": contract.number,
        "name": contract.name,
        "total": str(contract.total_amount),
        "total_cny": format_cny(contract.total_amount),
        "total_upper": cny_uppercase(contract.total_amount),
        "signed_on": contract.signed_on.isoformat(),
        "start_on": contract.start_on.isoformat(),
        "end_on": contract.end_on.isoformat(),
        "client_name": contract.client_name,
        "vendor_name": contract.vendor_name,
        "vendor_bank": contract.vendor_bank,
        "vendor_account_name": contract.vendor_account_name or contract.vendor_name,
        "vendor_account": contract.vendor_account,
    }


def _score_part(card) -> dict:
    return {
        "total": str(card.total) if card.total is not None else "",
        "locked": card.locked,
        "pay_ratio": str(card.tier.pay_ratio) if card.tier else "",
        "parts": [
            {"label": p.label, "weight": p.weight, "score": str(p.score) if p.score is not None else ""}
            for p in card.parts
        ],
    }


def _terms_part(contract: Contract) -> dict:
    return {
        "advance_ratio": str(contract.advance_ratio),
        "advance_due_workdays": contract.advance_due_workdays,
        "final_due_workdays": contract.final_due_workdays,
        "late_fee_per_mille": str(contract.late_fee_per_mille),
        "late_fee_period_days": contract.late_fee_period_days,
    }


def notice_snapshot(contract: Contract, kind: str, state: selectors.Settlement) -> dict:
    """What a payment notice prints, frozen as JSON: the contract, the instalment, the score, the terms."""
    instalment = state.advance if kind == PaymentKind.ADVANCE else state.final
    if instalment.amount is None or instalment.outstanding is None:
        raise ServiceError(f"{instalment.label}金额待定，暂不能开具付款通知书。")
    amount = instalment.outstanding
    lateness = instalment.lateness
    return {
        "contract": _contract_part(contract),
        "kind": kind,
        "label": instalment.label,
        "basis": instalment.basis,
        "amount": str(instalment.amount),
        "amount_cny": format_cny(instalment.amount),
        "amount_upper": cny_uppercase(instalment.amount),
        "paid": str(instalment.paid),
        "paid_cny": format_cny(instalment.paid),
        "outstanding": str(amount),
        "outstanding_cny": format_cny(amount),
        "outstanding_upper": cny_uppercase(amount),
        "due_on": instalment.due_on.isoformat() if instalment.due_on else "",
        "due_pending": instalment.pending_reason,
        "days_late": instalment.days_late,
        "late_fee": str(instalment.late_fee),
        "late_fee_cny": format_cny(instalment.late_fee),
        "late_fee_upper": cny_uppercase(instalment.late_fee) if instalment.late_fee else "",
        "termination_right": instalment.termination_right,
        "termination_from": lateness.termination_from.isoformat() if lateness else "",
        "termination_penalty_cny": format_cny(instalment.termination_penalty),
        "score": _score_part(state.card),
        "terms": _terms_part(contract),
        "as_of": state.today.isoformat(),
    }


@transaction.atomic
def notice_issue(*, contract: Contract, kind: str, actor) -> PaymentNotice:
    """Freeze a payment notice for printing: the amount due now, its basis, due date and penalties."""
    _require(actor.has_perm("payments.add_paymentnotice"), "只有财务可以出具付款通知书。")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if kind not in PaymentKind.values:
        raise ServiceError("请选择款项。")
    state = selectors.settlement(contract)
    instalment = state.advance if kind == PaymentKind.ADVANCE else state.final
    if kind == PaymentKind.FINAL and not state.card.locked:
        raise ServiceError("最终得分尚未锁定，尾款金额未定，暂不能出具尾款付款通知书。")
    if instalment.amount is None:
        raise ServiceError("应付金额待定，暂不能出具付款通知书。")
    if instalment.is_paid:
        raise ServiceError(f"{instalment.label}已付清，无需出具付款通知书。")
    notice = PaymentNotice(
        contract=contract,
        kind=kind,
        number=_notice_number(contract, kind),
        snapshot={**notice_snapshot(contract, kind, state), "issued_by": actor.display_name},
        issued_by=actor,
        issued_at=clock.now(),
    )
    notice.save()
    log_action(
        "payment.notice",
        actor=actor,
        obj=notice,
        changes={"kind": kind, "amount": notice.snapshot["outstanding"], "due_on": notice.snapshot["due_on"]},
    )
    return notice


# --- reminders (the daily job payments.payment_reminders) ---------------------------------------------


def _remind_instalment(contract: Contract, item, calendar, today: dt.date, recipients: dict) -> int:
    """The reminders one unpaid instalment with a known due date calls for today (each sent once)."""
    key = f"contract-{contract.pk}:{item.kind}:{item.due_on}"
    amount = format_cny(item.outstanding) if item.outstanding is not None else "待定"
    subject = f"{contract.number} {item.label}"
    common = {"job": REMINDER_JOB, "url": recipients["url"], "subject": subject}
    try:
        start = calendar.workday_before(item.due_on, contract.payment_reminder_workdays)
    except CalendarNotLoaded:
        start = item.due_on
    sent = 0
    if start <= today <= item.due_on:
        sent += remind_once(
            key=f"due:{key}",
            recipients=recipients["finance"],
            title=f"{subject}将于 {item.due_on:%Y-%m-%d} 到期：应付 {amount}",
            body=f"{item.basis}。" + ("尾款按暂定得分估算，最终得分锁定后确定。" if item.provisional else ""),
            due_on=item.due_on,
            **common,
        )
    if today > item.due_on:
        sent += remind_once(
            key=f"overdue:{key}",
            recipients=recipients["finance_and_admin"],
            title=f"{subject}已逾期：应付日 {item.due_on:%Y-%m-%d}，未付 {amount}",
            body=f"每逾期 {contract.late_fee_period_days} 日按合同总额 "
            f"{contract.late_fee_per_mille.normalize():f}‰ 计违约金；"
            f"逾期满 {contract.termination_months} 个月乙方有权解除合同。",
            due_on=item.due_on,
            **common,
        )
    if item.termination_right:
        sent += remind_once(
            key=f"termination:{key}",
            recipients=recipients["finance_and_admin"],
            title=f"{subject}逾期已满 {contract.termination_months} 个月：乙方有权解除合同",
            body=f"如乙方解除合同，甲方须另付违约金 {format_cny(item.termination_penalty)}；"
            f"已累计逾期违约金 {format_cny(item.late_fee)}。",
            due_on=item.termination_from,
            **common,
        )
    return sent


def reminders_send(*, today: dt.date) -> str:
    """The payment reminders ``today`` calls for, each sent once (the job ``payments.payment_reminders``,
    described in payments/tasks.py): returns the job's summary."""
    recipients = {
        "finance": people(Role.FINANCE),
        "finance_and_admin": people(Role.FINANCE, Role.BUREAU_ADMIN),
        "url": reverse("payments:dashboard"),
    }
    sent = pending = 0
    for contract in Contract.objects.filter(signed_on__lte=today):
        calendar = get_calendar(contract)
        state = selectors.settlement(contract, calendar=calendar, today=today)
        for item in state.instalments:
            if item.is_paid:
                continue
            if item.due_on is None:
                pending += 1
                continue
            sent += _remind_instalment(contract, item, calendar, today, recipients)
    summary = f"{sent} payment reminders"
    if pending:
        summary += f", {pending} due dates pending a calendar year"
    return summary
