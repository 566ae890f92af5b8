"""Reads of the payments app: the settlement of a contract (what is due, when, what has been paid and
what has accrued), the payment records, notices and API tokens.

``settlement(contract)`` is the one answer finance, the dashboard, the notices, the reminders and the
API share. Due dates come from the working-day calendar; a date in a year that is not loaded is
"pending" with the reason, never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from common import clock
from common.money import format_cny
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from performance.selectors import Evidence, ScoreCard, final_score

from . import rules
from .models import Payment, PaymentKind, PaymentNotice

ZERO = Decimal("0.00")


class Status:
    PENDING = "pending"  # due date not known: its year's calendar is not loaded
    NOT_DUE = "not_due"  # before the due date, not paid in full
    OVERDUE = "overdue"  # after the due date, not paid in full
    PAID = "paid"  # paid in full by the due date
    PAID_LATE = "paid_late"  # paid in full after the due date

    LABELS = {
        PENDING: gettext_lazy("期限待定"),
        NOT_DUE: gettext_lazy("未到期"),
        OVERDUE: gettext_lazy("已逾期"),
        PAID: gettext_lazy("已按期付清"),
        PAID_LATE: gettext_lazy("逾期付清"),
    }


@dataclass
class Instalment:
    kind: str
    label: str
    amount: Decimal | None  # None while the score it depends on cannot be computed
    due_on: dt.date | None
    pending_reason: str
    payments: list[Payment]
    provisional: bool = False  # the final amount follows a score that is not locked yet
    basis: str = ""
    today: dt.date = field(default_factory=clock.today)
    terms: rules.Terms | None = None

    @cached_property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @cached_property
    def last_paid_on(self) -> dt.date | None:
        return max((p.paid_on for p in self.payments), default=None)

    @cached_property
    def outstanding(self) -> Decimal | None:
        if self.amount is None:
            return None
        return max(ZERO, self.amount - self.paid)

    @cached_property
    def settled_on(self) -> dt.date | None:
        if self.amount is None:
            return None
        if self.amount <= 0:
            return self.due_on or self.today
        return rules.settled_on(self.amount, [(p.paid_on, p.amount) for p in self.payments])

    @cached_property
    def lateness(self) -> rules.Lateness | None:
        """How late it is (paid in full: on that day; else as of today); None before the due date."""
        if self.due_on is None or self.terms is None:
            return None
        until = self.settled_on or self.today
        if until <= self.due_on:
            return None
        return rules.lateness(self.terms, self.due_on, until)

    @property
    def days_late(self) -> int:
        return self.lateness.days if self.lateness else 0

    @property
    def late_fee(self) -> Decimal:
        return self.lateness.fee if self.lateness else ZERO

    @property
    def termination_right(self) -> bool:
        return bool(self.lateness and self.lateness.termination_right)

    @property
    def termination_penalty(self) -> Decimal:
        return self.lateness.termination_penalty if self.lateness else ZERO

    @property
    def termination_from(self) -> dt.date | None:
        if self.due_on is None or self.terms is None:
            return None
        return rules.termination_from(self.due_on, self.terms.termination_months)

    @property
    def suspension_from(self) -> dt.date | None:
        """第八条(2): the vendor may suspend service from the first day the payment is late."""
        return self.due_on + dt.timedelta(days=1) if self.due_on is not None else None

    @property
    def suspension_right(self) -> bool:
        """While the instalment is late and not paid in full (issue 18 item 5)."""
        return self.settled_on is None and self.due_on is not None and self.today > self.due_on

    @property
    def status(self) -> str:
        if self.settled_on is not None:
            return Status.PAID_LATE if self.days_late else Status.PAID
        if self.due_on is None:
            return Status.PENDING
        return Status.OVERDUE if self.today > self.due_on else Status.NOT_DUE

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def status_badge(self) -> str:
        return {
            Status.PAID: "text-bg-success",
            Status.PAID_LATE: "text-bg-warning",
            Status.OVERDUE: "text-bg-danger",
            Status.NOT_DUE: "text-bg-primary",
            Status.PENDING: "text-bg-secondary",
        }[self.status]

    @property
    def is_paid(self) -> bool:
        return self.settled_on is not None


@dataclass
class Settlement:
    contract: Contract
    card: ScoreCard
    instalments: list[Instalment]
    today: dt.date

    @property
    def advance(self) -> Instalment:
        return self.instalments[0]

    @property
    def final(self) -> Instalment:
        return self.instalments[1]

    @property
    def earned(self) -> Decimal | None:
        if self.card.tier is None:
            return None
        return rules.earned_amount(self.contract.total_amount, self.card.tier.pay_ratio)

    @property
    def total_paid(self) -> Decimal:
        return sum((i.paid for i in self.instalments), ZERO)

    @property
    def total_due(self) -> Decimal | None:
        amounts = [i.amount for i in self.instalments if i.amount is not None]
        return None if len(amounts) < len(self.instalments) else sum(amounts, ZERO)

    @property
    def late_fees(self) -> Decimal:
        return sum((i.late_fee for i in self.instalments), ZERO)

    @property
    def termination_right(self) -> bool:
        return any(i.termination_right for i in self.instalments)

    @property
    def suspension_from(self) -> dt.date | None:
        days = [i.suspension_from for i in self.instalments if i.suspension_right and i.suspension_from]
        return min(days, default=None)

    @property
    def termination_penalty(self) -> Decimal:
        penalty = rules.termination_penalty(
            self.contract.total_amount, self.contract.termination_penalty_ratio
        )
        return penalty if self.termination_right else ZERO


def terms_of(contract: Contract) -> rules.Terms:
    return rules.Terms(
        total=contract.total_amount,
        late_fee_per_mille=contract.late_fee_per_mille,
        late_fee_period_days=contract.late_fee_period_days,
        termination_months=contract.termination_months,
        termination_penalty_ratio=contract.termination_penalty_ratio,
    )


def _due(calendar: WorkCalendar, day: dt.date, workdays: int) -> tuple[dt.date | None, str]:
    try:
        return calendar.workday_after(day, workdays), ""
    except CalendarNotLoaded as exc:
        return None, gettext_lazy("%(year)s 年工作日历尚未加载，应付日待定") % {"year": exc.year}


def valid_payments(contract: Contract) -> QuerySet[Payment]:
    return Payment.objects.filter(contract=contract, voided_at__isnull=True)


def settlement(
    contract: Contract,
    *,
    calendar: WorkCalendar | None = None,
    card: ScoreCard | None = None,
    evidence: Evidence | None = None,
    today: dt.date | None = None,
) -> Settlement:
    """The advance and the final payment of a contract, as of ``today``."""
    today = today or clock.today()
    calendar = calendar or get_calendar(contract)
    card = card or final_score(contract, evidence=evidence)
    payments = list(valid_payments(contract).select_related("recorded_by"))
    return assemble(contract, card=card, payments=payments, calendar=calendar, today=today)


def assemble(
    contract: Contract, *, card: ScoreCard, payments: list[Payment], calendar: WorkCalendar, today: dt.date
) -> Settlement:
    """The settlement from what has been read (no query): the score card (its tier and lock), the valid
    payments, the calendar. Pure, so that the property tests can replay thousands of sequences."""
    by_kind: dict[str, list[Payment]] = {k: [] for k in PaymentKind.values}
    for payment in payments:
        by_kind[payment.kind].append(payment)
    terms = terms_of(contract)
    total = contract.total_amount

    advance_due, advance_reason = _due(calendar, contract.signed_on, contract.advance_due_workdays)
    advance = Instalment(
        kind=PaymentKind.ADVANCE,
        label=str(PaymentKind.ADVANCE.label),
        amount=rules.advance_amount(total, contract.advance_ratio),
        due_on=advance_due,
        pending_reason=advance_reason,
        payments=by_kind[PaymentKind.ADVANCE],
        basis=f"合同总额 × {contract.advance_ratio.normalize():f}%",
        today=today,
        terms=terms,
    )
    final_due, final_reason = _due(calendar, contract.end_on, contract.final_due_workdays)
    if card.tier is not None and advance.amount is not None:
        amount = rules.final_amount(total, card.tier.pay_ratio, advance.amount)
        basis = (
            f"合同总额 × {card.tier.pay_ratio.normalize():f}%（得分 {card.total}）"
            f" − 预付款 {format_cny(advance.amount)}（无论是否已付清）"
        )
    else:
        amount, basis = None, "得分待定"
    final = Instalment(
        kind=PaymentKind.FINAL,
        label=str(PaymentKind.FINAL.label),
        amount=amount,
        due_on=final_due,
        pending_reason=final_reason,
        payments=by_kind[PaymentKind.FINAL],
        provisional=not card.locked,
        basis=basis,
        today=today,
        terms=terms,
    )
    return Settlement(contract, card, [advance, final], today)


def refusal(state: Settlement, kind: str, amount: Decimal) -> tuple[str | None, str] | None:
    """Why a payment of ``amount`` against the instalment ``kind`` cannot be recorded now, as
    ``(form field or None, message with the figures)``; None if it can (issue 11)."""
    instalment = state.advance if kind == PaymentKind.ADVANCE else state.final
    if kind == PaymentKind.FINAL and not state.card.locked:
        return None, "最终得分尚未锁定，尾款金额未定：请局信息化管理员锁定最终得分后再登记尾款。"
    if instalment.amount is None or instalment.outstanding is None:
        return None, f"{instalment.label}金额待定，暂不能登记。"
    if amount > instalment.outstanding:
        return (
            "amount",
            f"{instalment.label}应付 {format_cny(instalment.amount)}，"
            f"已付 {format_cny(instalment.paid)}，本次最多 {format_cny(instalment.outstanding)}。",
        )
    return None


def unlock_refusal(state: Settlement) -> str | None:
    """Why the final score may not be unlocked now: the final was paid on it, and a new score could
    earn less than has been paid (issue 11). Finance voids the final payments first."""
    if state.final.paid > 0:
        return (
            f"尾款已按锁定的得分登记付款 {format_cny(state.final.paid)}："
            "解锁后得分和付款比例可能变化，已付金额可能超过应付。如确需调整得分，请先作废尾款付款记录。"
        )
    return None


def payments_for(contract: Contract) -> QuerySet[Payment]:
    """Every payment record of the contract, voided ones included (shown struck through)."""
    return (
        Payment.objects.filter(contract=contract)
        .select_related("recorded_by", "voided_by")
        .order_by("paid_on", "id")
    )


def notices_for(contract: Contract) -> QuerySet[PaymentNotice]:
    return PaymentNotice.objects.filter(contract=contract).select_related("issued_by")


def notice_for(pk: int) -> PaymentNotice:
    return get_object_or_404(PaymentNotice.objects.select_related("contract"), pk=pk)


# --- home panel -------------------------------------------------------------------------------------------


def home_finance(request, contract) -> dict | None:
    """Finance's home: a placeholder that loads the panel once the page is up (htmx)."""
    if contract is None or not request.user.has_perm("payments.view_payment"):
        return None
    return {
        "title": gettext_lazy("绩效与付款"),
        "icon": "cash-coin",
        "url_name": "payments:home_panel",
        "testid": "finance-panel",
    }


def home_finance_panel(contract) -> dict:
    """The score so far, the tier, what has been paid and what is due."""
    return {"settlement": settlement(contract), "contract": contract}
