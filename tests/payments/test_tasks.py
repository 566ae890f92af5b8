"""Payment due and overdue reminders: on the right days, to the right people, once."""

import datetime as dt

import pytest

from common import clock
from common.models import Notification
from jobs.models import Reminder
from payments import tasks
from payments.models import PaymentKind

from .helpers import at, pay

pytestmark = pytest.mark.django_db
KIND = "payments.payment_reminders"


def run(y, m, d):
    with clock.frozen_at(at(y, m, d, 8, 30)):
        return tasks.payment_reminders()


def titles(user):
    return list(user.notifications.filter(kind=KIND).order_by("id").values_list("title", flat=True))


def test_the_job_is_declared_for_beat():
    from jobs.schedule import schedule

    assert "payments.payment_reminders" in {job.name for job in schedule()}


def test_due_overdue_and_termination_reminders_are_sent_once_each(world):
    finance, admin = world.users["finance"], world.users["bureau_admin"]
    assert run(2023, 1, 20) == "0 payment reminders"  # more than 5 working days before 2023-02-03
    # the 5th working day before 3 February is Sunday 29 January, a make-up working day
    assert run(2023, 1, 29) == "1 payment reminders"
    assert run(2023, 1, 30) == "0 payment reminders"
    assert titles(finance) == [f"{world.contract.number} 预付款将于 2023-02-03 到期：应付 ¥240,000.00"]
    assert titles(admin) == []
    assert run(2023, 2, 4) == "1 payment reminders"
    assert run(2023, 2, 5) == "0 payment reminders"
    assert "已逾期" in titles(admin)[0] and len(titles(finance)) == 2
    assert run(2023, 4, 2) == "0 payment reminders"
    assert run(2023, 4, 3) == "1 payment reminders"  # two calendar months late
    assert "乙方有权解除合同" in titles(admin)[-1]
    assert "¥60,000.00" in admin.notifications.filter(kind=KIND).order_by("-id").first().body
    assert Reminder.objects.filter(job=KIND).count() == 3


def test_nothing_is_sent_for_a_paid_instalment(world):
    pay(world, PaymentKind.ADVANCE, dt.date(2023, 1, 30), "240000")
    assert run(2023, 2, 1) == "0 payment reminders"
    assert run(2023, 2, 10) == "0 payment reminders"
    assert not Notification.objects.filter(kind=KIND).exists()


def test_a_due_date_pending_an_unloaded_year_sends_nothing_and_says_so(world):
    from contracts.services import contract_copy

    with clock.frozen_at(at(2026, 1, 5)):
        contract_copy(
            source=world.contract,
            number="T-2026",
            name="2026",
            signed_on=dt.date(2026, 1, 12),
            start_on=dt.date(2026, 1, 1),
            end_on=dt.date(2026, 12, 31),
            actor=world.users["bureau_admin"],
        )
    summary = run(2026, 12, 28)
    assert "1 due dates pending a calendar year" in summary
