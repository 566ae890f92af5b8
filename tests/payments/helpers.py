import datetime as dt
import uuid
from decimal import Decimal

from common import clock
from payments import services
from performance import services as score_services


def at(y, m, d, hour=10, minute=0):
    return clock.aware(dt.date(y, m, d), hour, minute)


def pay(world, kind, day, amount, *, token=None, reference=None, when=None, **extra):
    """Record a payment; without ``reference`` each call is a different transfer (a fresh 凭证号)."""
    token = token or uuid.uuid4()
    reference = reference or f"DH-{token.hex[:10].upper()}"
    with clock.frozen_at(when or clock.aware(day, 15, 0)):
        return services.payment_record(
            contract=world.contract,
            kind=kind,
            paid_on=day,
            amount=Decimal(amount),
            reference=reference,
            token=token,
            actor=world.users["finance"],
            **extra,
        )


def lock_score(world, when=None):
    with clock.frozen_at(when or at(2024, 1, 8)):
        return score_services.score_lock(contract=world.contract, actor=world.users["bureau_admin"])
