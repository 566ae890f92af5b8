"""Payments: 2023's advance paid late (a late fee accrued) and its final payment on time after the score
was locked, with notices and invoices; the current contract's advance paid on time."""

from __future__ import annotations

import datetime as dt
import uuid

from common import clock
from contracts.calendar import get_calendar
from payments import selectors, services
from payments.models import PaymentKind


def _pay(contract, kind, day: dt.date, amount, reference: str, finance, *, invoice_on: dt.date | None = None):
    with clock.frozen_at(clock.aware(day, 14, 30)):
        payment, _created = services.payment_record(
            contract=contract,
            kind=kind,
            paid_on=day,
            amount=amount,
            reference=reference,
            token=uuid.uuid5(uuid.NAMESPACE_URL, f"jinbao-demo:{contract.number}:{kind}:{day}"),
            actor=finance,
        )
    if invoice_on is not None and invoice_on <= clock.today():
        with clock.frozen_at(clock.aware(invoice_on, 10, 0)):
            services.payment_invoice(
                payment=payment,
                invoice_number=f"{invoice_on:%Y%m%d}{reference[-4:]}",
                received_on=invoice_on,
                actor=finance,
            )
    return payment


def load_payments(ctx) -> None:
    finance = ctx.users["finance"]
    contract = ctx.contract_2023
    calendar = get_calendar(contract)
    state = selectors.settlement(contract, calendar=calendar, today=dt.date(2023, 1, 11))
    advance_due = state.advance.due_on  # 2023-02-07 (15 working days after 2023-01-10, Spring Festival)
    with clock.frozen_at(clock.aware(dt.date(2023, 1, 11), 9, 0)):
        services.notice_issue(contract=contract, kind=PaymentKind.ADVANCE, actor=finance)
    # The advance went out 13 days late (funds released after the Spring Festival budget meeting).
    paid_on = advance_due + dt.timedelta(days=13)
    _pay(
        contract,
        PaymentKind.ADVANCE,
        paid_on,
        state.advance.amount,
        f"DH{paid_on:%Y%m%d}-0417",
        finance,
        invoice_on=calendar.workday_after(paid_on, 3),
    )
    # The final payment, on time: the score was locked on 2024-01-10 (demo/performance.py), the notice
    # issued the same afternoon, the transfer made on 2024-01-12 (due 2024-01-15).
    with clock.frozen_at(clock.aware(dt.date(2024, 1, 10), 14, 0)):
        services.notice_issue(contract=contract, kind=PaymentKind.FINAL, actor=finance)
    final_day = dt.date(2024, 1, 12)
    state = selectors.settlement(contract, calendar=calendar, today=final_day)
    if state.final.outstanding:
        _pay(
            contract,
            PaymentKind.FINAL,
            final_day,
            state.final.outstanding,
            "DH20240112-0032",
            finance,
            invoice_on=calendar.workday_after(final_day, 4),
        )

    current = ctx.contract_current
    calendar = get_calendar(current)
    today = clock.today()
    state = selectors.settlement(current, calendar=calendar, today=today)
    if current.signed_on < today:
        with clock.frozen_at(clock.aware(current.signed_on + dt.timedelta(days=1), 9, 0)):
            services.notice_issue(contract=current, kind=PaymentKind.ADVANCE, actor=finance)
    due = state.advance.due_on
    if due is not None:
        paid_on = calendar.workday_before(due)
        if paid_on < today:
            _pay(
                current,
                PaymentKind.ADVANCE,
                paid_on,
                state.advance.amount,
                f"DH{paid_on:%Y%m%d}-0105",
                finance,
                invoice_on=calendar.workday_after(paid_on, 2),
            )
