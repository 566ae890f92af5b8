"""Issue 18 item 6: project contacts (第九条) — changed by written notice from an effective date; who
is in charge on a given day; notices go to the contact in charge."""

import datetime as dt

import pytest
from django.urls import reverse

from common import clock
from common.errors import ServiceError
from common.models import AuditEntry
from contracts import agreement_services as svc

pytestmark = pytest.mark.django_db


def change(world, actor=None, **kw):
    data = {"name": "施聪阳", "notice_on": dt.date(2023, 3, 1), "effective_on": dt.date(2023, 3, 15)}
    data.update(kw)
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 1), 10, 0)):
        return svc.contact_change(contract=world.contract, actor=actor or world.pm, **data)


def test_contact_in_charge_follows_the_effective_date(world):
    world.contract.vendor_contact = "吴越"
    world.contract.save()
    row = change(world, user=world.engineer, phone="138 0000 0000")
    assert svc.contact_on(world.contract, "vendor", dt.date(2023, 3, 14)).name == "吴越"
    on = svc.contact_on(world.contract, "vendor", dt.date(2023, 3, 15))
    assert (on.name, on.user, on.since) == ("施聪阳", world.engineer, dt.date(2023, 3, 15))
    assert (
        svc.contact_on(world.contract, "client", dt.date(2023, 3, 15)).name == world.contract.client_contact
    )
    assert AuditEntry.objects.filter(action="contract.contact_change").exists()
    assert world.bureau_admin.notifications.filter(kind="contract.contact_change").count() == 1
    assert row.party == "vendor"


def test_notices_go_to_the_contact_in_charge(world):
    change(world, user=world.engineer)
    assert world.engineer not in svc.party_recipients(world.contract, "vendor", dt.date(2023, 3, 10))
    assert world.engineer in svc.party_recipients(world.contract, "vendor", dt.date(2023, 3, 20))
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 20), 10, 0)):
        svc.change_propose(
            contract=world.contract,
            actor=world.bureau_admin,
            title="t",
            text="x",
            delivered_on=dt.date(2023, 3, 20),
        )
    assert world.engineer.notifications.filter(kind="contract_change.propose").count() == 1


def test_effective_date_and_account_are_checked(world):
    with pytest.raises(ServiceError, match="生效日"):
        change(world, effective_on=dt.date(2023, 2, 1))
    with pytest.raises(ServiceError, match="本方"):
        change(world, user=world.staff)
    with pytest.raises(ServiceError):
        change(world, actor=world.engineer)
    assert change(world, actor=world.bureau_admin, name="谢勤", user=world.dept_head).party == "client"


def test_page_shows_who_is_in_charge_on_a_day(world, client):
    change(world)
    client.force_login(world.engineer)
    before = client.get(reverse("contracts:contacts"), {"on": "2023-03-10"}).content.decode()
    after = client.get(reverse("contracts:contacts"), {"on": "2023-03-20"}).content.decode()
    assert "施聪阳" in after and "自 2023-03-15 起" in after
    assert "自 2023-03-15 起" not in before
    assert reverse("contracts:contact_add") not in after


def test_pm_records_a_change_through_the_page(world, client):
    client.force_login(world.pm)
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 1), 10, 0)):
        response = client.post(
            reverse("contracts:contact_add"),
            {"name": "施聪阳", "notice_on": "2023-03-01", "effective_on": "2023-03-15", "user": world.pm.pk},
        )
        assert response.status_code == 302
        bad = client.post(
            reverse("contracts:contact_add"),
            {"name": "x", "notice_on": "2023-03-01", "effective_on": "2023-02-01"},
        )
    assert bad.status_code == 200 and "生效日不能早于书面通知日" in bad.content.decode()
