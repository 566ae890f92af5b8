"""Issue 18 item 5: suspension and termination (第八条, 第十条) — the vendor's right to suspend service
on the payments page, termination notices with their effective date and settlement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from common import clock
from common.errors import ServiceError
from contracts import agreement_services as svc
from contracts.agreement import TerminationStatus
from jobs.contract_jobs import contract_terminations
from jobs.models import Reminder
from payments import selectors as pay_selectors

pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return clock.aware(day, hour, 0)


def test_suspension_right_from_the_first_late_day_on_the_payments_page(world, client):
    with clock.frozen_at(at(dt.date(2023, 3, 20))):
        state = pay_selectors.settlement(world.contract)
        advance = state.instalments[0]
        assert advance.suspension_right
        assert advance.suspension_from == advance.due_on + dt.timedelta(days=1)
        assert state.suspension_from == advance.suspension_from
        client.force_login(world.finance)
        page = client.get(reverse("payments:dashboard")).content.decode()
    assert f"{advance.suspension_from:%Y-%m-%d} 起乙方有权中止服务" in page
    assert 'data-testid="kpi-suspension"' in page


def test_no_suspension_before_the_due_date(world):
    with clock.frozen_at(at(dt.date(2023, 1, 20))):
        state = pay_selectors.settlement(world.contract)
    assert not state.instalments[0].suspension_right and state.suspension_from is None


def test_late_payment_termination_is_the_vendors_and_effective_on_notice(world):
    with clock.frozen_at(at(dt.date(2023, 5, 10))):
        with pytest.raises(ServiceError, match="乙方"):
            svc.termination_give(
                contract=world.contract,
                actor=world.bureau_admin,
                basis="late_payment",
                given_on=dt.date(2023, 5, 10),
                reason="r",
            )
        notice = svc.termination_give(
            contract=world.contract,
            actor=world.pm,
            basis="late_payment",
            given_on=dt.date(2023, 5, 10),
            reason="预付款逾期已满两个月。",
        )
    assert notice.effective_on == dt.date(2023, 5, 10)
    assert notice.settlement["penalty_payer"] == "client"
    assert Decimal(notice.settlement["penalty"]) == Decimal("60000.00")
    assert world.bureau_admin.notifications.filter(kind="contract.termination").count() == 1


def test_early_termination_needs_thirty_days_and_the_other_partys_confirmation(world, client):
    with clock.frozen_at(at(dt.date(2023, 6, 1))):
        notice = svc.termination_give(
            contract=world.contract,
            actor=world.bureau_admin,
            basis="early",
            given_on=dt.date(2023, 6, 1),
            reason="机构改革，系统并入市级平台。",
        )
        assert notice.effective_on == dt.date(2023, 7, 1)
        assert notice.settlement["penalty_payer"] == "client"
        assert notice.needs_confirmation
        with pytest.raises(ServiceError, match="对方"):
            svc.termination_confirm(notice=notice, actor=world.bureau_admin)
        with pytest.raises(ServiceError, match="已有"):
            svc.termination_give(
                contract=world.contract,
                actor=world.pm,
                basis="early",
                given_on=dt.date(2023, 6, 1),
                reason="r",
            )
        client.force_login(world.pm)
        assert client.post(reverse("contracts:termination_confirm", args=[notice.pk])).status_code == 302
        notice.refresh_from_db()
        assert notice.status == TerminationStatus.CONFIRMED
        client.force_login(world.finance)
        page = client.get(reverse("payments:dashboard")).content.decode()
        assert 'data-testid="termination-notice"' in page and "¥60,000.00" in page
        page = client.get(reverse("contracts:terminations")).content.decode()
        assert "2023-07-01" in page and "确认提前终止" not in page


def test_withdrawn_before_it_takes_effect_only(world):
    with clock.frozen_at(at(dt.date(2023, 6, 1))):
        notice = svc.termination_give(
            contract=world.contract, actor=world.pm, basis="early", given_on=dt.date(2023, 6, 1), reason="r"
        )
    with clock.frozen_at(at(dt.date(2023, 7, 1))), pytest.raises(ServiceError, match="已生效"):
        svc.termination_withdraw(notice=notice, actor=world.pm)
    with clock.frozen_at(at(dt.date(2023, 6, 20))):
        svc.termination_withdraw(notice=notice, actor=world.pm)
    notice.refresh_from_db()
    assert notice.status == TerminationStatus.WITHDRAWN


def test_settlement_counts_the_days_served(world):
    s = svc.termination_settlement(world.contract, "impossible", "client", dt.date(2023, 7, 2))
    assert s["penalty_payer"] == "" and s["served_days"] == 182 and s["period_days"] == 365
    assert Decimal(s["pro_rata_fee"]) == Decimal("299178.08")


def _early(world, given_on=dt.date(2023, 11, 1)):
    with clock.frozen_at(at(given_on)):
        return svc.termination_give(
            contract=world.contract,
            actor=world.pm,
            basis="early",
            given_on=given_on,
            reason="系统迁移至省集中平台",
        )


def test_job_reminds_before_the_effective_date_and_tells_when_it_takes_effect(world):
    notice = _early(world)  # effective Friday 2023-12-01; the 5th working day before is Friday 11-24
    assert notice.effective_on == dt.date(2023, 12, 1)
    with clock.frozen_at(at(dt.date(2023, 11, 23), 8)):
        assert contract_terminations().startswith("0 terminations approaching reminded")
    with clock.frozen_at(at(dt.date(2023, 11, 24), 8)):
        assert contract_terminations().startswith("1 terminations approaching reminded")
        assert contract_terminations().startswith("0 terminations approaching reminded")
    asked = world.bureau_admin.notifications.get(kind="jobs.contract_terminations")
    assert "甲方尚未确认" in asked.title and "2023-12-01" in asked.title
    assert world.finance.notifications.filter(kind="jobs.contract_terminations").count() == 1
    with clock.frozen_at(at(dt.date(2023, 12, 4), 8)):  # missed Friday: caught up on Monday
        assert contract_terminations().endswith("1 taking effect told")
        assert contract_terminations().endswith("0 taking effect told")
    told = world.pm.notifications.filter(kind="jobs.contract_terminations").latest("id")
    assert "已于 2023-12-01 解除/终止" in told.title and "违约金" in told.body
    assert Reminder.objects.filter(job="jobs.contract_terminations").count() == 2


def test_job_reminds_nobody_of_a_withdrawn_notice_and_waits_for_an_unloaded_year(world):
    notice = _early(world)
    with clock.frozen_at(at(dt.date(2023, 11, 2))):
        svc.termination_withdraw(notice=notice, actor=world.pm)
    with clock.frozen_at(at(dt.date(2023, 11, 24), 8)):
        assert contract_terminations().startswith("0 terminations approaching reminded, 0 ")
    world.contract.end_on = dt.date(2027, 12, 31)
    world.contract.save(update_fields=["end_on"])
    _early(world, dt.date(2026, 12, 28))  # effective 2027-01-27: its remind day is in 2027
    with clock.frozen_at(at(dt.date(2026, 12, 28), 8)):
        assert contract_terminations().endswith("1 pending a calendar year")
