"""Who may call the payment URLs and the settlement API. Finance records payments and issues notices;
the bureau admin and the PM read; the bureau admin and the system administrator manage API tokens.

The API answers anonymous callers with a JSON 401 (not a redirect to the login page), which the matrix
counts as answered: its rules are marked public, and tests/payments/test_api.py checks the 401 itself."""

import datetime as dt
import uuid
from decimal import Decimal

from accounts.roles import Role

from . import Rule

READERS = frozenset({Role.FINANCE, Role.PM, Role.BUREAU_ADMIN})
FINANCE = frozenset({Role.FINANCE})
TOKEN_ADMINS = frozenset({Role.BUREAU_ADMIN, Role.SYSADMIN})


def _payment(w):
    from payments.models import Payment

    return Payment.objects.create(
        contract=w.contract,
        kind="advance",
        paid_on=dt.date(2023, 2, 1),
        amount=Decimal("240000.00"),
        reference="DH20230201-0001",
        token=uuid.uuid4(),
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


def _token(w):
    from payments.models import ApiToken, hash_key

    return ApiToken.objects.create(
        name="市人社局结算系统",
        user=w.users["finance"],
        prefix="abcdefgh",
        key_hash=hash_key(uuid.uuid4().hex),
        created_by=w.users["bureau_admin"],
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
    "payments:token_list": Rule(TOKEN_ADMINS, methods=("GET", "POST")),
    "payments:token_revoke": Rule(TOKEN_ADMINS, methods=("POST",), kwargs=lambda w: {"pk": _token(w).pk}),
    "api:contracts": Rule(READERS, public=True, note="anonymous: JSON 401"),
    "api:settlement": Rule(
        READERS, public=True, kwargs=lambda w: {"pk": w.contract.pk}, note="anonymous: JSON 401"
    ),
}
