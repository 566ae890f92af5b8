"""What is due, when, what has been paid and what has accrued; recording payments (idempotent);
payment notices (frozen PDF with the CJK font embedded)."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from common import clock
from common.errors import ServiceError, TransitionNotAllowed
from common.models import AuditEntry
from contracts.services import contract_copy
from payments import selectors, services
from payments.models import Payment, PaymentKind, PaymentNotice
from tests.pdf_helpers import assert_cjk_font_embedded, no_missing_glyphs, pdf_text

from .helpers import at, lock_score, pay

pytestmark = pytest.mark.django_db
D = Decimal
ADVANCE, FINAL = PaymentKind.ADVANCE, PaymentKind.FINAL


def state(world, today):
    with clock.frozen_at(clock.aware(today, 12, 0)):
        return selectors.settlement(world.contract, today=today)


def test_due_dates_come_from_the_working_day_calendar(world):
    s = state(world, dt.date(2023, 1, 11))
    # 15 working days after Tuesday 2023-01-10, across the Spring Festival with its two make-up Sundays
    assert s.advance.due_on == dt.date(2023, 2, 3) and s.advance.amount == D("240000.00")
    # 10 working days after 2023-12-31 (New Year's Day off)
    assert s.final.due_on == dt.date(2024, 1, 15)
    assert s.advance.status == "not_due" and s.final.provisional


def test_a_due_date_in_an_unloaded_year_is_pending_with_its_reason(world):
    with clock.frozen_at(at(2026, 1, 5)):
        contract = contract_copy(
            source=world.contract,
            number="T-2026",
            name="2026",
            signed_on=dt.date(2026, 1, 12),
            start_on=dt.date(2026, 1, 1),
            end_on=dt.date(2026, 12, 31),
            actor=world.users["bureau_admin"],
        )
        s = selectors.settlement(contract)
    assert s.advance.due_on == dt.date(2026, 2, 2)
    assert s.final.due_on is None and s.final.status == "pending"
    assert s.final.pending_reason == "2027 年工作日历尚未加载，应付日待定"
    assert s.final.lateness is None and s.final.late_fee == 0


def test_a_late_advance_accrues_a_fee_until_paid_in_full(world):
    pay(world, ADVANCE, dt.date(2023, 2, 10), "100000")
    s = state(world, dt.date(2023, 2, 20))  # 17 days after 2023-02-03, 140,000 still unpaid
    assert (s.advance.status, s.advance.days_late, s.advance.late_fee) == ("overdue", 17, D("600.00"))
    assert s.advance.outstanding == D("140000.00")
    pay(world, ADVANCE, dt.date(2023, 2, 24), "140000", reference="DH-0002")
    s = state(world, dt.date(2023, 6, 1))
    assert (s.advance.status, s.advance.days_late, s.advance.late_fee) == ("paid_late", 21, D("1200.00"))
    assert s.advance.settled_on == dt.date(2023, 2, 24) and s.late_fees == D("1200.00")


def test_two_months_unpaid_gives_the_termination_right_and_penalty(world):
    s = state(world, dt.date(2023, 4, 2))
    assert not s.advance.termination_right and s.termination_penalty == 0
    s = state(world, dt.date(2023, 4, 3))
    assert s.advance.termination_right and s.termination_penalty == D("60000.00")
    assert (s.advance.days_late, s.advance.late_fee) == (59, D("3000.00"))  # five full periods of ten days


def test_final_amount_follows_the_score_and_the_advance_paid(world):
    pay(world, ADVANCE, dt.date(2023, 2, 1), "240000")
    s = state(world, dt.date(2024, 1, 5))
    assert s.card.total == D("100.00") and s.final.amount == D("360000.00") and s.final.provisional
    lock_score(world)
    s = state(world, dt.date(2024, 1, 9))
    assert not s.final.provisional and s.final.amount == D("360000.00")
    assert s.earned == D("600000.00")


def test_recording_a_payment_is_audited_and_the_same_form_twice_records_one(world):
    token = uuid.uuid4()
    first, created = pay(world, ADVANCE, dt.date(2023, 2, 1), "240000", token=token)
    again, created_again = pay(world, ADVANCE, dt.date(2023, 2, 1), "240000", token=token)
    assert (created, created_again) == (True, False) and first == again
    assert Payment.objects.count() == 1
    entry = AuditEntry.objects.get(action="payment.record")
    assert entry.actor == world.users["finance"] and entry.changes["amount"] == "240000.00"


@pytest.mark.parametrize(
    ("kind", "day", "amount", "message"),
    [
        (ADVANCE, dt.date(2023, 2, 1), "240000.01", "本次最多 ¥240,000.00"),
        (ADVANCE, dt.date(2023, 1, 9), "1000", "不能早于合同签订日期"),
        (ADVANCE, dt.date(2023, 3, 1), "1000", "不能晚于今天"),
        (FINAL, dt.date(2023, 2, 1), "1000", "最终得分尚未锁定"),
    ],
)
def test_payments_that_cannot_be_right_are_refused(world, kind, day, amount, message):
    with pytest.raises(ServiceError) as exc:
        pay(world, kind, day, amount, when=at(2023, 2, 2))
    assert message in " ".join(exc.value.messages)
    assert not Payment.objects.exists()


def test_only_finance_records_payments(world):
    with pytest.raises(TransitionNotAllowed), clock.frozen_at(at(2023, 2, 2)):
        services.payment_record(
            contract=world.contract,
            kind=ADVANCE,
            paid_on=dt.date(2023, 2, 1),
            amount=D("1"),
            reference="x",
            token=uuid.uuid4(),
            actor=world.users["bureau_admin"],
        )


def test_a_voided_payment_no_longer_counts_and_the_invoice_is_registered(world):
    payment, _ = pay(world, ADVANCE, dt.date(2023, 2, 1), "239999")
    pay(world, ADVANCE, dt.date(2023, 2, 1), "1", reference="DH-0002")
    finance = world.users["finance"]
    with clock.frozen_at(at(2023, 2, 6)):
        with pytest.raises(ServiceError, match="不能早于付款日期"):
            services.payment_invoice(
                payment=payment, invoice_number="No.0001", received_on=dt.date(2023, 1, 31), actor=finance
            )
        services.payment_invoice(
            payment=payment, invoice_number="No.0001", received_on=dt.date(2023, 2, 6), actor=finance
        )
    payment.refresh_from_db()
    assert payment.invoice_received and payment.invoice_number == "No.0001"
    with clock.frozen_at(at(2023, 2, 7)):
        services.payment_void(payment=payment, reason="金额录入错误", actor=world.users["finance"])
    s = state(world, dt.date(2023, 2, 7))
    assert s.advance.paid == D("1.00") and s.advance.status == "overdue"
    assert AuditEntry.objects.filter(action__in=["payment.invoice", "payment.void"]).count() == 2


def test_the_payment_notice_is_frozen_and_prints_amounts_in_figures_and_words(world):
    with clock.frozen_at(at(2023, 2, 20)):  # the advance is 17 days late
        notice = services.notice_issue(contract=world.contract, kind=ADVANCE, actor=world.users["finance"])
    snap = notice.snapshot
    assert (snap["outstanding_cny"], snap["outstanding_upper"]) == ("¥240,000.00", "贰拾肆万圆整")
    assert (snap["days_late"], snap["late_fee_cny"]) == (17, "¥600.00")
    pay(world, ADVANCE, dt.date(2023, 2, 21), "240000")  # paid afterwards: the notice does not change
    from common.pdf import render_pdf

    notice.refresh_from_db()
    with no_missing_glyphs():
        data = render_pdf("payments/pdf/notice.html", {"notice": notice, "snap": notice.snapshot})
    assert_cjk_font_embedded(data)
    text = pdf_text(data)
    for fragment in ("付款通知书", "¥240,000.00", "贰拾肆万圆整", "陆拾万圆整", "已逾期 17 天", "¥600.00"):
        assert fragment in text, fragment


def test_a_final_notice_needs_the_locked_score(world):
    with pytest.raises(ServiceError, match="尚未锁定"), clock.frozen_at(at(2024, 1, 5)):
        services.notice_issue(contract=world.contract, kind=FINAL, actor=world.users["finance"])
    lock_score(world)
    with clock.frozen_at(at(2024, 1, 9)):
        notice = services.notice_issue(contract=world.contract, kind=FINAL, actor=world.users["finance"])
    # total × tier − the advance instalment, although the advance is still unpaid (issue 11)
    assert notice.snapshot["score"]["locked"] and notice.snapshot["outstanding_cny"] == "¥360,000.00"
    assert PaymentNotice.objects.count() == 1 and notice.number.endswith("-WK-01")
    pay(world, FINAL, dt.date(2024, 1, 10), "360000", when=at(2024, 1, 10))
    with pytest.raises(ServiceError, match="已付清"), clock.frozen_at(at(2024, 1, 11)):
        services.notice_issue(contract=world.contract, kind=FINAL, actor=world.users["finance"])
