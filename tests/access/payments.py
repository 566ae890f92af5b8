"""Who may call the payment URLs. Finance records payments and issues notices; the bureau admin and the
PM read. (The settlement API and the API tokens: tests/access/api.py.)"""

import datetime as dt
import uuid
from decimal import Decimal

from accounts.roles import Role

from . import Rule

READERS = frozenset({Role.FINANCE, Role.PM, Role.BUREAU_ADMIN})
FINANCE = frozenset({Role.FINANCE})


def _payment(w):
    from payments.models import Payment

    # A new transfer each call: a world may need several (a reference is unique among valid payments).
    token = uuid.uuid4()
    return Payment.objects.create(
        contract=w.contract,
        kind="advance",
        paid_on=dt.date(2023, 2, 1),
        amount=Decimal("240000.00"),
        reference=f"DH20230201-{token.hex[:8].upper()}",
        token=token,
        recorded_by=w.users["finance"],
    )


def _notice(w):
    from payments.models import PaymentNotice

    return PaymentNotice.objects.create(
        contract=w.contract,
        kind="advance",
        number=f"{w.contract.number}-YF-01",
        snapshot={"contract": {}, "label": "预付款", "terms": {}, "score": {"parts": []}},
        issued_by=w.users["finance"],
    )


RULES = {
    "payments:dashboard": Rule(READERS),
    "payments:home_panel": Rule(READERS),
    "payments:payment_create": Rule(FINANCE, methods=("GET", "POST")),
    "payments:payment_detail": Rule(READERS, kwargs=lambda w: {"pk": _payment(w).pk}),
    "payments:payment_invoice": Rule(FINANCE, methods=("POST",), kwargs=lambda w: {"pk": _payment(w).pk}),
    "payments:payment_void": Rule(FINANCE, methods=("POST",), kwargs=lambda w: {"pk": _payment(w).pk}),
    "payments:notice_list": Rule(READERS),
    "payments:notice_issue": Rule(FINANCE, methods=("POST",)),
    "payments:notice_pdf": Rule(READERS, kwargs=lambda w: {"pk": _notice(w).pk}),
}
