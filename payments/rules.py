"""The payment rules of RULES §7 and the contract's 第四条 / 第八条 as pure functions (no ORM).

- Advance: ``advance_ratio`` % of the total, due ``advance_due_workdays`` working days after signing.
- Final: total × tier − the advance instalment (whether or not it has been paid: what is still owed of
  the advance stays owed under the advance, with its own late fee), due ``final_due_workdays`` working
  days after the period ends. So advance + final = total × tier at every moment (issue 11).
- Late fee: ``late_fee_per_mille`` ‰ of the contract total for each full ``late_fee_period_days`` days
  late (the contract: 每逾期十日 … 合同总金额 1‰), counted until the instalment is paid in full. One
  period's fee is rounded to the fen, then multiplied by the number of full periods (RULES §7).
- Two months late (``termination_months`` calendar months, "the same day N months later, clamped to the
  month's end"): the vendor may terminate and ``termination_penalty_ratio`` % of the total is due.
All numbers come from the contract; the due dates from the working-day calendar (the caller's job).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from common.money import quantize
from contracts.workdays import add_months_clamped

ZERO = Decimal("0.00")


def advance_amount(total: Decimal, advance_ratio: Decimal) -> Decimal:
    return quantize(Decimal(total) * Decimal(advance_ratio) / 100)


def earned_amount(total: Decimal, pay_ratio: Decimal) -> Decimal:
    """What the score earns: the contract total × the tier's pay ratio."""
    return quantize(Decimal(total) * Decimal(pay_ratio) / 100)


def final_amount(total: Decimal, pay_ratio: Decimal, advance: Decimal) -> Decimal:
    """total × tier − the advance instalment (its amount, paid or not: RULES §7 as corrected).

    Never below zero; the contract settings refuse an advance ratio above the lowest tier's pay ratio
    (``contracts.services.check_payment_terms``), so advance + final = total × tier always holds."""
    return max(ZERO, earned_amount(total, pay_ratio) - quantize(Decimal(advance)))


def days_late(due_on: dt.date, settled_on: dt.date) -> int:
    """Calendar days after the due date (paying on the due date is on time)."""
    return max(0, (settled_on - due_on).days)


def late_periods(days: int, period_days: int) -> int:
    if period_days <= 0:
        raise ValueError("period_days must be positive")
    return max(0, days) // period_days


def period_fee(total: Decimal, per_mille: Decimal) -> Decimal:
    """The fee of one full period, rounded to the fen."""
    return quantize(Decimal(total) * Decimal(per_mille) / 1000)


def late_fee(total: Decimal, per_mille: Decimal, period_days: int, days: int) -> Decimal:
    """per_mille ‰ of the total for each full period of ``period_days`` days late: one period's fee
    rounded to the fen, times the number of full periods (so the figures multiply up)."""
    return period_fee(total, per_mille) * late_periods(days, period_days)


def termination_from(due_on: dt.date, months: int) -> dt.date:
    """The first day on which the payment is ``months`` calendar months late."""
    return add_months_clamped(due_on, months)


def termination_right(due_on: dt.date, settled_on: dt.date, months: int) -> bool:
    return settled_on >= termination_from(due_on, months)


def termination_penalty(total: Decimal, ratio: Decimal) -> Decimal:
    return quantize(Decimal(total) * Decimal(ratio) / 100)


@dataclass(frozen=True)
class Terms:
    total: Decimal
    late_fee_per_mille: Decimal
    late_fee_period_days: int
    termination_months: int
    termination_penalty_ratio: Decimal


@dataclass(frozen=True)
class Lateness:
    days: int
    periods: int
    fee: Decimal
    termination_from: dt.date
    termination_right: bool
    termination_penalty: Decimal  # due if the vendor terminates (0 while it has no right to)


def lateness(terms: Terms, due_on: dt.date, settled_on: dt.date) -> Lateness:
    """How late an instalment is on ``settled_on`` (the day it was paid in full, or today)."""
    days = days_late(due_on, settled_on)
    right = termination_right(due_on, settled_on, terms.termination_months)
    return Lateness(
        days=days,
        periods=late_periods(days, terms.late_fee_period_days),
        fee=late_fee(terms.total, terms.late_fee_per_mille, terms.late_fee_period_days, days),
        termination_from=termination_from(due_on, terms.termination_months),
        termination_right=right,
        termination_penalty=termination_penalty(terms.total, terms.termination_penalty_ratio)
        if right
        else ZERO,
    )


def settled_on(amount_due: Decimal, payments: list[tuple[dt.date, Decimal]]) -> dt.date | None:
    """The date on which the running total of ``payments`` (date, amount) first reaches ``amount_due``."""
    running = ZERO
    for day, amount in sorted(payments):
        running += Decimal(amount)
        if running >= amount_due:
            return day
    return None
