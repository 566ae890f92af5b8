"""Issue 18: the demo has an example of each item (support, required-by, changes, undertakings and the
missing one, an incident, a withdrawn termination notice, contacts)."""

import pytest

from contracts.agreement import ChangeStatus, ConfidentialityUndertaking, ContactChange, ContractChange
from demo.loader import load_demo
from tickets.models import RequiredBy, SupportSession

pytestmark = pytest.mark.django_db


def test_demo_has_every_record_of_issue_18():
    assert load_demo()
    assert SupportSession.objects.filter(mode="remote").exists()
    assert SupportSession.objects.filter(mode="onsite", ticket__isnull=True).exists()
    assert RequiredBy.objects.exists()
    statuses = set(ContractChange.objects.values_list("status", flat=True))
    assert {ChangeStatus.REFUSED, ChangeStatus.AGREED, ChangeStatus.DEEMED, ChangeStatus.PROPOSED} <= statuses
    assert ConfidentialityUndertaking.objects.count() >= 6
    assert ContactChange.objects.count() >= 2
    from contracts.agreement import ContractIncident, TerminationNotice

    assert ContractIncident.objects.filter(kind="conditions").exists()
    assert TerminationNotice.objects.filter(status="withdrawn").exists()
    from django.db.models import F

    from contracts.agreement import ContractChangeAttachment

    assert ContractChangeAttachment.objects.filter(change__status=ChangeStatus.AGREED).count() == 2
    assert SupportSession.objects.exclude(person=F("recorded_by")).exists()  # the PM for an engineer
