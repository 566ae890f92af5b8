"""Issue 11, items 1, 2 and 4: the advance is never counted twice, one bank transfer is recorded once,
the late fee multiplies up per period. Each test failed on the code before the fix."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from common import clock
from common.errors import ServiceError
from common.models import AuditEntry
from contracts.models import Contract
from payments import api, rules, selectors, services
from payments.models import Payment, PaymentKind
from performance import services as score_services

from ..api.helpers import key_for
from ..pdf_helpers import pdf_text
from .helpers import at, lock_score, pay

pytestmark = pytest.mark.django_db
D = Decimal
ADVANCE, FINAL = PaymentKind.ADVANCE, PaymentKind.FINAL


def state(world, today):
    with clock.frozen_at(clock.aware(today, 12, 0)):
        return selectors.settlement(world.contract, today=today)


# --- item 1: the advance counted twice ------------------------------------------------------------------


def test_an_unpaid_advance_is_not_counted_twice(world):
    pay(world, ADVANCE, dt.date(2023, 2, 1), "100000")
    lock_score(world)
    s = state(world, dt.date(2024, 1, 9))
    assert s.earned == D("600000.00")
    assert s.advance.outstanding == D("140000.00")  # still owed under the advance, with its own fee
    assert s.final.amount == D("360000.00")  # total × tier − the advance instalment, paid or not
    assert s.advance.amount + s.final.amount == s.earned
    assert "预付款 ¥240,000.00" in s.final.basis


def test_a_payment_above_what_the_instalment_still_owes_is_refused_with_the_figures(world):
    pay(world, ADVANCE, dt.date(2023, 2, 1), "100000")
    lock_score(world)
    with pytest.raises(ServiceError) as exc:
        pay(world, FINAL, dt.date(2024, 1, 9), "500000", when=at(2024, 1, 9))
    message = " ".join(exc.value.messages)
    assert "尾款应付 ¥360,000.00" in message and "本次最多 ¥360,000.00" in message
    pay(world, FINAL, dt.date(2024, 1, 9), "360000", when=at(2024, 1, 9), reference="DH-0002")
    pay(world, ADVANCE, dt.date(2024, 1, 9), "140000", when=at(2024, 1, 9), reference="DH-0003")
    s = state(world, dt.date(2024, 1, 10))
    assert s.total_paid == s.earned == D("600000.00")
    assert s.advance.is_paid and s.final.is_paid


def test_the_page_the_notice_and_the_api_agree_on_the_final(world, login):
    pay(world, ADVANCE, dt.date(2023, 2, 1), "100000")
    lock_score(world)
    key = key_for(world.users["finance"], name="对账")
    with clock.frozen_at(at(2024, 1, 9)):
        notice = services.notice_issue(contract=world.contract, kind=FINAL, actor=world.users["finance"])
        body = (
            Client()
            .get(reverse("api:settlement", args=[world.contract.pk]), HTTP_AUTHORIZATION=f"Token {key}")
            .json()
        )
        client = login(world.users["finance"])
        html = client.get(reverse("payments:dashboard")).content.decode()
        pdf = pdf_text(client.get(reverse("payments:notice_pdf", args=[notice.pk])).content)
    assert notice.snapshot["amount"] == "360000.00" and notice.snapshot["outstanding"] == "360000.00"
    assert "¥360,000.00" in pdf and "叁拾陆万圆整" in pdf and "¥500,000.00" not in pdf
    advance, final = body["payments"]
    assert (advance["outstanding"], final["amount"]) == ("140000.00", "360000.00")
    assert body["earned"] == "600000.00"
    assert "¥360,000.00" in html and "¥500,000.00" not in html
    assert ApiToken.objects.count() == 1


def test_unlocking_a_score_the_final_was_paid_on_is_refused(world):
    pay(world, ADVANCE, dt.date(2023, 2, 1), "240000")
    lock_score(world)
    pay(world, FINAL, dt.date(2024, 1, 9), "100000", when=at(2024, 1, 9), reference="DH-0002")
    with pytest.raises(ServiceError, match="请先作废尾款付款记录"), clock.frozen_at(at(2024, 1, 10)):
        score_services.score_unlock(contract=world.contract, actor=world.bureau_admin, reason="复核得分")


def test_the_advance_may_not_exceed_the_lowest_tier(world):
    contract = Contract.objects.get(pk=world.contract.pk)
    contract.advance_ratio = D("55")
    with pytest.raises(ServiceError, match="预付款比例"):
        from contracts.services import check_payment_terms

        check_payment_terms(contract)


def test_contract_terms_below_what_was_paid_are_refused(world):
    from common import hooks

    pay(world, ADVANCE, dt.date(2023, 2, 1), "240000")
    contract = Contract.objects.get(pk=world.contract.pk)
    contract.total_amount = D("500000.00")  # the advance would become ¥200,000.00
    assert services.refuse_terms_below_paid in hooks.functions("contract.terms_saved")
    with pytest.raises(ServiceError) as exc:
        hooks.run("contract.terms_saved", contract=contract)
    assert "预付款应付 ¥200,000.00，但已登记付款 ¥240,000.00" in " ".join(exc.value.messages)


# --- item 2: one transfer, one record -------------------------------------------------------------------


def test_the_same_transfer_from_a_second_form_is_refused_with_a_link_to_the_first(world):
    first, _ = pay(world, ADVANCE, dt.date(2023, 2, 1), "100000", reference="HX-2023-0001")
    with pytest.raises(services.DuplicateReference) as exc:
        pay(world, ADVANCE, dt.date(2023, 2, 1), "100000", reference=" HX-2023-0001 ")
    assert exc.value.existing == first
    assert "凭证号 HX-2023-0001 已用于" in " ".join(exc.value.messages)
    assert Payment.objects.count() == 1 and state(world, dt.date(2023, 2, 2)).advance.paid == D("100000.00")


def test_a_reference_typed_in_full_width_is_the_same_transfer(world):
    """Typed with a Chinese input method the reference comes in full-width letters and digits
    ("ＨＸ－２０２３－０００１"): it is the same transfer (failed before: recorded a second time)."""
    first, _ = pay(world, ADVANCE, dt.date(2023, 2, 1), "100000", reference="HX-2023-0001")
    with pytest.raises(services.DuplicateReference) as exc:
        pay(world, ADVANCE, dt.date(2023, 2, 1), "100000", reference="ｈｘ－２０２３－０００１")
    assert exc.value.existing == first
    second, _ = pay(world, ADVANCE, dt.date(2023, 2, 2), "1000", reference="ＨＸ－２０２３－０００２")
    assert second.reference == "HX-2023-0002"


def test_the_form_shows_the_link_to_the_first_record(world, login):
    first, _ = pay(world, ADVANCE, dt.date(2023, 2, 1), "100000", reference="HX-2023-0001")
    client = login(world.users["finance"])
    with clock.frozen_at(at(2023, 2, 2)):
        response = client.post(
            reverse("payments:payment_create"),
            {
                "token": str(uuid.uuid4()),
                "kind": ADVANCE,
                "paid_on": "2023-02-01",
                "amount": "100000",
                "reference": "HX-2023-0001",
            },
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("payments:payment_detail", args=[first.pk]) in html and "已用于" in html
    assert Payment.objects.count() == 1


def test_voiding_the_first_frees_the_reference(world):
    first, _ = pay(world, ADVANCE, dt.date(2023, 2, 1), "100000", reference="HX-2023-0001")
    with clock.frozen_at(at(2023, 2, 2)):
        services.payment_void(payment=first, reason="金额录入错误", actor=world.users["finance"])
    second, created = pay(world, ADVANCE, dt.date(2023, 2, 1), "1000", reference="HX-2023-0001")
    assert created and second.pk != first.pk


def test_the_database_refuses_a_second_valid_payment_with_the_same_reference(world):
    first, _ = pay(world, ADVANCE, dt.date(2023, 2, 1), "100", reference="HX-1")
    copy = Payment(
        contract=world.contract,
        kind=ADVANCE,
        paid_on=first.paid_on,
        amount=D("100"),
        reference="HX-1",
        recorded_by=world.users["finance"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_the_same_reference_on_another_contract_is_fine(world):
    from contracts.services import contract_copy

    pay(world, ADVANCE, dt.date(2023, 2, 1), "100", reference="HX-1")
    with clock.frozen_at(at(2023, 2, 2)):
        other = contract_copy(
            source=world.contract,
            number="T-2",
            name="另一合同",
            signed_on=dt.date(2023, 1, 10),
            start_on=dt.date(2023, 1, 1),
            end_on=dt.date(2023, 12, 31),
            actor=world.users["bureau_admin"],
        )
        services.payment_record(
            contract=other,
            kind=ADVANCE,
            paid_on=dt.date(2023, 2, 1),
            amount=D("100"),
            reference="HX-1",
            token=uuid.uuid4(),
            actor=world.users["finance"],
        )
    assert Payment.objects.filter(reference="HX-1").count() == 2
    assert AuditEntry.objects.filter(action="payment.record").count() == 2


# --- item 4: the late fee per period --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "days", "fee"),
    [
        ("587654.33", 9, "0.00"),
        ("587654.33", 10, "587.65"),
        ("587654.33", 20, "1175.30"),  # two periods: 2 × ¥587.65, not ¥1,175.31
        ("587654.33", 59, "2938.25"),
        ("600000.00", 30, "1800.00"),
        ("123456.78", 40, "493.84"),  # 4 × 123.46
    ],
)
def test_one_period_is_rounded_to_the_fen_then_multiplied(total, days, fee):
    assert rules.late_fee(D(total), D("1"), 10, days) == D(fee)


def test_the_settlement_late_fee_multiplies_up(world):
    Contract.objects.filter(pk=world.contract.pk).update(total_amount=D("587654.33"))
    world.contract.refresh_from_db()
    s = state(world, dt.date(2023, 2, 23))  # 20 days after 2023-02-03
    assert s.advance.lateness.periods == 2 and s.advance.late_fee == D("1175.30")
    assert api.settlement_json(s)["payments"][0]["penalty"] == "1175.30"


# --- item 5: the invoice's date --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "message"),
    [(dt.date(2023, 1, 31), "不能早于付款日期"), (dt.date(2023, 2, 3), "不能晚于今天")],
)
def test_an_invoice_registered_with_its_payment_is_dated_between_the_payment_and_today(
    world, received_on, message
):
    """The vendor invoices after it is paid (第二条): an invoice dated before the transfer, or after
    today, is refused on the payment form as on the invoice form (failed before: both were stored)."""
    with pytest.raises(ServiceError, match=message):
        pay(
            world,
            ADVANCE,
            dt.date(2023, 2, 1),
            "1000",
            when=clock.aware(dt.date(2023, 2, 2), 10, 0),
            invoice_received=True,
            invoice_number="FP-001",
            invoice_received_on=received_on,
        )
    assert not Payment.objects.exists()


def test_the_invoice_form_refuses_the_same_dates(world):
    payment, _ = pay(world, ADVANCE, dt.date(2023, 2, 1), "1000")
    finance = world.users["finance"]
    with clock.frozen_at(clock.aware(dt.date(2023, 2, 2), 10, 0)):
        for day, message in (
            (dt.date(2023, 1, 31), "不能早于付款日期"),
            (dt.date(2023, 2, 3), "不能晚于今天"),
        ):
            with pytest.raises(ServiceError, match=message):
                services.payment_invoice(
                    payment=payment, invoice_number="FP-1", received_on=day, actor=finance
                )
        services.payment_invoice(
            payment=payment, invoice_number="FP-1", received_on=dt.date(2023, 2, 2), actor=finance
        )
    payment.refresh_from_db()
    assert payment.invoice_received_on == dt.date(2023, 2, 2)
