"""Issue 11, item 3: loading a year's notice fills every deadline that was 待定 for it — request
deadlines, sign-off due dates, survey deadlines (payment due dates are computed on reading) — in the
same transaction as the load, so the pages show the dates right after it. Failed before the fix: the
sign-off form kept no due date for ever, and the rest waited for the hourly / daily jobs."""

import datetime as dt

import pytest
from django.urls import reverse

from common import clock
from contracts.notice import NoticeDay
from contracts.services import calendar_load_year
from performance.models import Survey
from tickets import services as ticket_services
from tickets import tasks as ticket_tasks
from tickets.models import SignOff, Status
from tickets.services.signoffs import _issue_signoff

from ..performance.helpers import at, ticket

pytestmark = pytest.mark.django_db

NOTICE_2027 = [
    NoticeDay(dt.date(2027, 1, 1), False, "元旦"),
    NoticeDay(dt.date(2027, 1, 2), False, "元旦"),
    NoticeDay(dt.date(2027, 1, 3), False, "元旦"),
]


@pytest.fixture
def pending(world):
    """A request confirmed, and resolved, on the last afternoon of 2026: every deadline falls in 2027."""
    t = ticket(world, status=Status.RESOLVED, confirmed=at(2026, 12, 31, 16), resolved=at(2026, 12, 31, 17))
    ticket_services.compute_deadlines(t)
    t.save()
    with clock.frozen_at(at(2026, 12, 31, 17, 10)):
        signoff = _issue_signoff([t], actor=world.users["engineer"], calendar=None)
    survey = Survey.objects.create(
        contract=world.contract,
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 31),
        title="2026 年 12 月满意度调查",
        sent_at=at(2026, 12, 31, 9),
        due_pending_year=2027,
    )
    assert t.due_pending_year == 2027 and t.resolve_due_at is None
    assert signoff.due_on is None and signoff.due_pending_year == 2027
    return t, signoff, survey


def test_loading_the_year_fills_every_pending_deadline_at_once(world, pending, login):
    t, signoff, survey = pending
    with clock.frozen_at(at(2027, 1, 5, 9)):
        calendar_load_year(year=2027, days=NOTICE_2027, source="国办通知", actor=world.bureau_admin)
        signoff.refresh_from_db()
        t.refresh_from_db()
        survey.refresh_from_db()
        assert signoff.due_on == dt.date(2027, 1, 4) and signoff.due_pending_year is None
        assert signoff.snapshot["due_on"] == "2027-01-04"
        assert signoff.is_late(dt.date(2027, 1, 5))
        assert t.due_pending_year is None and t.respond_due_at is not None
        assert clock.local(t.respond_due_at).date() == dt.date(2027, 1, 4)
        assert survey.due_on is not None and survey.due_pending_year is None
        html = login(world.staff).get(reverse("tickets:signoff_detail", args=[signoff.pk])).content.decode()
        assert "2027-01-04" in html
        # the overdue reminder now finds it
        assert ticket_services.signoff_remind_late(today=dt.date(2027, 1, 5)) == 1


def test_a_form_signed_while_pending_gets_its_date_and_late_flag(world, pending):
    _t, signoff, _survey = pending
    with clock.frozen_at(at(2027, 1, 6, 10)):
        ticket_services.signoff_sign(signoff=signoff, actor=world.staff)
        signoff.refresh_from_db()
        assert signoff.late is False  # its date was unknown on the day
        calendar_load_year(year=2027, days=NOTICE_2027, source="通知", actor=world.bureau_admin)
    signoff.refresh_from_db()
    assert signoff.due_on == dt.date(2027, 1, 4) and signoff.late is True and signoff.snapshot["late"] is True


def test_the_hourly_job_fills_sign_off_forms_too(world, pending):
    from contracts.models import CalendarYear

    _t, signoff, _survey = pending
    CalendarYear.objects.create(year=2027, source="已由其他途径加载")
    with clock.frozen_at(at(2027, 1, 5, 9)):
        ticket_tasks.pending_deadlines()
    signoff.refresh_from_db()
    # a known year without overrides: Friday 1 January is a working day there
    assert SignOff.objects.get(pk=signoff.pk).due_on == dt.date(2027, 1, 1)
