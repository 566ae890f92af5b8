"""Two people at once on PostgreSQL (two real connections): a double submit records one payment, two
different payments cannot both take the same outstanding amount, two admins cannot both lock."""

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, connections

from common.errors import ConcurrentChange, ServiceError
from payments import services
from payments.models import Payment
from performance import services as score_services
from performance.models import ScoreLock

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a real race needs two PostgreSQL connections"
    ),
]


def race(fn, args_list):
    barrier = threading.Barrier(len(args_list))
    results = []

    def run(args):
        try:
            barrier.wait(timeout=10)
            results.append(("ok", fn(*args)))
        except (ConcurrentChange, ServiceError) as exc:
            results.append(("told", " ".join(exc.messages)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def record(world, token, reference):
    return services.payment_record(
        contract=world.contract,
        kind="advance",
        paid_on=dt.date(2023, 2, 1),
        amount=Decimal("240000.00"),
        reference=reference,
        token=token,
        actor=world.users["finance"],
    )


def test_two_concurrent_submits_of_one_form_record_one_payment():
    from ..conftest import build_world

    world = build_world()
    token = uuid.uuid4()
    results = race(lambda: record(world, token, "DH-1"), [(), ()])
    assert [kind for kind, _ in results] == ["ok", "ok"]
    created = sorted(flag for _kind, (_payment, flag) in results)
    assert created == [False, True]
    assert Payment.objects.count() == 1


def test_two_different_payments_cannot_both_take_the_outstanding_amount():
    from ..conftest import build_world

    world = build_world()
    results = race(lambda ref: record(world, uuid.uuid4(), ref), [("DH-1",), ("DH-2",)])
    assert sorted(kind for kind, _ in results) == ["ok", "told"]
    told = next(message for kind, message in results if kind == "told")
    assert "本次最多 ¥0.00" in told
    assert Payment.objects.count() == 1


def test_two_admins_locking_at_once_make_one_lock():
    from ..conftest import build_world
    from ..factories import make_user

    world = build_world()
    other = make_user("bureau_admin", username="bureau_admin_2")
    results = race(
        lambda user: score_services.score_lock(contract=world.contract, actor=user),
        [(world.users["bureau_admin"],), (other,)],
    )
    assert sorted(kind for kind, _ in results) == ["ok", "told"]
    assert ScoreLock.objects.count() == 1


def test_the_same_transfer_from_two_forms_at_once_is_recorded_once():
    """Issue 11 item 2: two forms (two tokens), the same reference, date and amount, submitted together."""
    from ..conftest import build_world

    world = build_world()
    results = race(lambda: record_part(world, uuid.uuid4(), "HX-2023-0001"), [(), ()])
    assert sorted(kind for kind, _ in results) == ["ok", "told"]
    told = next(message for kind, message in results if kind == "told")
    assert "凭证号 HX-2023-0001 已用于" in told
    assert Payment.objects.count() == 1


def record_part(world, token, reference):
    return services.payment_record(
        contract=world.contract,
        kind="advance",
        paid_on=dt.date(2023, 2, 1),
        amount=Decimal("100000.00"),
        reference=reference,
        token=token,
        actor=world.users["finance"],
    )
