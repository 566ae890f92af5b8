"""Fault 6 (issue 15): many people at once, on PostgreSQL with real connections (one per thread).
20 concurrent confirmations of one request: 1 succeeds, 1 audit entry, the others are told;
20 concurrent recordings of the same transfer (one form, submitted 20 times): 1 payment."""

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, connections

from common.errors import ConcurrentChange, ServiceError
from common.models import AuditEntry, OutboxMessage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL connections"),
]

N = 20


def race(fn, n: int = N) -> list[tuple[str, object]]:
    barrier = threading.Barrier(n)
    results, lock = [], threading.Lock()

    def run():
        try:
            barrier.wait(timeout=20)
            outcome = ("ok", fn())
        except (ConcurrentChange, ServiceError) as exc:
            outcome = ("told", " ".join(exc.messages))
        except Exception as exc:
            outcome = ("error", repr(exc))
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_twenty_at_once():
    """One test (a transactional test empties the database afterwards, seconds each)."""
    from tests.conftest import build_world

    world = build_world()
    twenty_concurrent_confirmations_of_one_request(world)
    twenty_concurrent_recordings_of_one_transfer_make_one_payment(world)


def twenty_concurrent_confirmations_of_one_request(world):
    from tests.access.tickets import _ticket
    from tickets import services
    from tickets.models import Status, Ticket

    _ticket(world)  # stretches the contract over today
    ticket = services.ticket_submit(
        actor=world.staff,
        contract=world.contract,
        kind="software",
        scope=world.contract.scopes.first(),
        priority="normal",
        title="并发确认",
        description="d",
    )
    mails_before = OutboxMessage.objects.count()

    def confirm():
        return services.ticket_confirm(ticket=Ticket.objects.get(pk=ticket.pk), actor=world.dept_head)

    results = race(confirm)
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["ok"] + ["told"] * (N - 1), results
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CONFIRMED
    assert AuditEntry.objects.filter(action__endswith="confirm", object_id=str(ticket.pk)).count() == 1
    assert OutboxMessage.objects.count() == mails_before + 1  # one notification batch, not twenty


def twenty_concurrent_recordings_of_one_transfer_make_one_payment(world):
    from payments import services
    from payments.models import Payment

    token = uuid.uuid4()

    def record():
        return services.payment_record(
            contract=world.contract,
            kind="advance",
            paid_on=dt.date(2023, 2, 1),
            amount=Decimal("240000.00"),
            reference="DH-20",
            token=token,
            actor=world.users["finance"],
        )

    results = race(record)
    assert all(kind == "ok" for kind, _ in results), results
    assert sorted(created for _, (_payment, created) in results) == [False] * (N - 1) + [True]
    assert Payment.objects.count() == 1
    assert AuditEntry.objects.filter(action="payment.record").count() == 1
