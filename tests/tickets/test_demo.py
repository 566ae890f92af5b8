"""The whole demo year replays through the services (the browser tests load a short history)."""

import pytest
from django.db.models import Count
from django.test import override_settings

from common.audit import verify_chain
from demo.loader import load_demo
from tickets.models import BatchType, Kind, SignOff, Status, Ticket

pytestmark = pytest.mark.django_db


@override_settings(DEMO_TICKETS_WORKDAYS=None)
def test_a_year_of_requests_replays_through_the_services():
    assert load_demo()
    year = Ticket.objects.filter(contract__number="JTRS-JB-2023-001")
    kinds = dict(year.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == set(Kind.values)
    assert year.count() > 300
    assert year.filter(department__isnull=False).values("department").distinct().count() == 6
    assert set(year.values_list("priority", flat=True)) == {"urgent", "high", "normal", "low"}
    assert year.overdue().exists() and year.resolved_on_time().exists()
    assert year.filter(rework_count__gt=0).exists()
    assert year.filter(status=Status.REJECTED).exists()
    pension = year.get(batch_type=BatchType.PENSION_ADJUSTMENT, title__contains="企业退休人员")
    assert pension.batch_steps.count() == 4
    assert (
        year.filter(kind=Kind.DATA, authorization__isnull=False).count()
        == kinds[Kind.DATA] - year.filter(kind=Kind.DATA, status=Status.REJECTED).count()
    )
    assert year.filter(kind=Kind.UPGRADE, upgrade_steps__stage="accepted").exists()
    assert year.filter(emergency_approved_at__isnull=False).exists()
    assert (
        SignOff.objects.filter(late=True).exists()
        and SignOff.objects.filter(late=False, status="signed").exists()
    )
    current = Ticket.objects.filter(contract__number="JTRS-JB-2026-001")
    assert current.count() >= 8 and current.exclude(status__in=[Status.CLOSED, Status.SIGNED_OFF]).exists()
    # weekly reports (reports app): the end of 2023 published, from the data replayed above
    from reports.models import WeeklyReport

    published = WeeklyReport.objects.filter(contract__number="JTRS-JB-2023-001", status="published")
    assert published.count() == 9
    assert sum(r.snapshot["figures"]["requests"]["opened"] for r in published) > 20
    assert all(r.snapshot["summary"] and r.snapshot["figures"]["meeting"] for r in published)
    assert verify_chain().ok
