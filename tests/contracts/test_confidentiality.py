"""Issue 18 item 4: confidentiality (第五条) — the register of signed undertakings with the obligation's
end, the reminder for people on the roster without one, and incidents with the 10 % consequence."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.errors import ServiceError
from common.models import AuditEntry
from contracts import agreement_services as svc
from jobs.models import Reminder
from rosters.confidentiality import confidentiality_missing
from rosters.services import roster_add

from ..factories import make_user

pytestmark = pytest.mark.django_db


def pdf(name="u.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 signed", content_type="application/pdf")


def record(world, person, **kw):
    data = {"signed_on": dt.date(2023, 1, 5), "document": pdf()}
    data.update(kw)
    return svc.undertaking_record(contract=world.contract, actor=world.pm, person=person, **data)


def test_undertaking_registered_once_per_person_with_its_end(world):
    row = record(world, world.engineer)
    assert world.contract.confidentiality_until == dt.date(2025, 12, 31)
    assert AuditEntry.objects.filter(action="confidentiality.undertaking", object_id=str(row.pk)).exists()
    with pytest.raises(ServiceError, match="已登记"):
        record(world, world.engineer)
    with pytest.raises(ServiceError, match="乙方人员"):
        record(world, world.staff)
    with pytest.raises(ServiceError):
        svc.undertaking_record(
            contract=world.contract,
            actor=world.engineer,
            person=world.engineer,
            signed_on=dt.date(2023, 1, 5),
            document=pdf(),
        )


def test_register_page_shows_who_is_missing(world, client):
    record(world, world.engineer)
    client.force_login(world.bureau_admin)
    page = client.get(reverse("contracts:undertakings")).content.decode()
    assert "2025-12-31" in page
    assert page.count('data-testid="undertaking-missing"') == 1  # the PM has not signed


def test_reminder_once_per_roster_period_without_an_undertaking(world):
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 1), 9, 0)):
        roster_add(
            contract=world.contract,
            person=world.engineer,
            position="engineer",
            start_on=dt.date(2023, 3, 6),
            end_on=dt.date(2023, 12, 31),
            actor=world.pm,
        )
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 4), 8, 50)):  # Saturday
        assert confidentiality_missing() == "not a working day"
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 6), 8, 50)):
        assert confidentiality_missing() == "1 missing undertakings reminded"
        assert confidentiality_missing() == "0 missing undertakings reminded"
    assert world.pm.notifications.filter(kind="rosters.confidentiality_missing").count() == 1
    assert world.bureau_admin.notifications.filter(kind="rosters.confidentiality_missing").count() == 1
    record(world, world.engineer)
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 7), 8, 50)):
        assert confidentiality_missing() == "0 missing undertakings reminded"
    assert Reminder.objects.filter(job="rosters.confidentiality_missing").count() == 1


def test_reminder_pending_in_an_unloaded_year(world):
    with clock.frozen_at(clock.aware(dt.date(2027, 1, 4), 8, 50)):
        assert confidentiality_missing().startswith("pending")


def test_leak_incident_names_the_ten_percent(world, client):
    with clock.frozen_at(clock.aware(dt.date(2023, 6, 2), 10, 0)):
        row = svc.incident_record(
            contract=world.contract,
            actor=world.bureau_admin,
            kind="leak",
            party_at_fault="vendor",
            occurred_on=dt.date(2023, 6, 1),
            what="参保人名单出现在外部群聊。",
            informed="6 月 1 日电话告知乙方项目经理，6 月 2 日书面通知。",
        )
    assert row.penalty_amount == Decimal("60000.00")
    assert world.pm.notifications.filter(kind="contract.incident").count() == 1
    client.force_login(world.finance)
    page = client.get(reverse("contracts:incidents")).content.decode()
    assert "¥60,000.00" in page and "参保人名单" in page


def test_missing_working_conditions_are_always_the_bureaus(world):
    with clock.frozen_at(clock.aware(dt.date(2023, 6, 2), 10, 0)):
        row = svc.incident_record(
            contract=world.contract,
            actor=world.pm,
            kind="conditions",
            party_at_fault="vendor",
            occurred_on=dt.date(2023, 6, 1),
            what="机房拨号访问权限一周未开通。",
            informed="书面函告局信息化管理员。",
        )
    assert row.party_at_fault == "client"


def test_pm_records_an_undertaking_through_the_page(world, client):
    client.force_login(world.pm)
    response = client.post(
        reverse("contracts:undertaking_add"),
        {"person": world.engineer.pk, "signed_on": "2023-01-05", "document": pdf()},
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("contracts:undertaking_add"), {"person": world.engineer.pk, "signed_on": "2023-01-05"}
    )
    assert bad.status_code == 200


def test_reminder_also_reaches_both_parties_project_contacts(world):
    """第九条: notices go to the contact in charge that day — an engineer named the vendor's contact,
    a department head named the bureau's — besides the PMs and the bureau admins."""
    contact = make_user(Role.ENGINEER, username="eng_contact")
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 1), 9, 0)):
        svc.contact_change(
            contract=world.contract,
            actor=world.pm,
            name="联系人乙",
            notice_on=dt.date(2023, 3, 1),
            effective_on=dt.date(2023, 3, 1),
            user=contact,
        )
        svc.contact_change(
            contract=world.contract,
            actor=world.bureau_admin,
            name="联系人甲",
            notice_on=dt.date(2023, 3, 1),
            effective_on=dt.date(2023, 3, 6),
            user=world.dept_head,
        )
        roster_add(
            contract=world.contract,
            person=world.engineer,
            position="engineer",
            start_on=dt.date(2023, 3, 6),
            end_on=dt.date(2023, 12, 31),
            actor=world.pm,
        )
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 6), 8, 50)):
        assert confidentiality_missing() == "1 missing undertakings reminded"
    for person in (contact, world.dept_head, world.pm, world.bureau_admin):
        assert person.notifications.filter(kind="rosters.confidentiality_missing").count() == 1, person
    assert not world.engineer.notifications.filter(kind="rosters.confidentiality_missing").exists()
