"""Issue 18 items 1 and 2: remote and on-site support sessions (一.5(1)) and the bureau's required-by
date on a request (一.5(5)): services, pages, the reminder job and the weekly figures."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.errors import ServiceError
from common.models import AuditEntry
from jobs.models import Reminder
from reports import services as report_services
from reports.selectors import statistics, weekly_figures
from tickets import services, support
from tickets.models import Status, SupportMode
from tickets.required_by_tasks import required_by_due

from ..factories import make_user
from .helpers import advance, at, submit

pytestmark = pytest.mark.django_db


def _session(world, ticket=None, **kw):
    data = {
        "contract": world.contract,
        "ticket": ticket,
        "actor": world.engineer,
        "mode": SupportMode.ONSITE,
        "requested_at": at(2023, 3, 6, 16, 0),
        "started_at": at(2023, 3, 7, 9, 0),
        "minutes": 90,
        "work_done": "到医保中心现场排查读卡器驱动。",
    }
    data.update(kw)
    with clock.frozen_at(at(2023, 3, 7, 12, 0)):
        return support.support_record(**data)


# --- item 1: support sessions -------------------------------------------------------------------


def test_onsite_session_gets_its_response_deadline_in_working_hours(world):
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    session = _session(world, ticket)
    # asked Monday 16:00, 4 working hours: 1.5 h on Monday, 2.5 h on Tuesday from 08:30 → 11:00
    assert clock.local(session.respond_due_at) == at(2023, 3, 7, 11, 0)
    assert not session.late
    assert session.scope == ticket.scope
    entry = AuditEntry.objects.get(action="support.record")
    assert entry.changes["ticket"] == ticket.number and entry.actor == world.engineer


def test_remote_session_late_after_one_working_hour(world):
    session = _session(world, mode=SupportMode.REMOTE, scope=world.contract.scopes.first())
    assert clock.local(session.respond_due_at) == at(2023, 3, 6, 17, 0)
    assert session.late


def test_session_deadline_pending_when_the_year_is_not_loaded(world):
    with clock.frozen_at(at(2027, 1, 6, 12, 0)):
        session = support.support_record(
            contract=world.contract,
            actor=world.pm,
            mode=SupportMode.REMOTE,
            scope=world.contract.scopes.first(),
            requested_at=at(2027, 1, 5, 9, 0),
            started_at=at(2027, 1, 5, 9, 30),
            minutes=30,
            work_done="远程协助。",
        )
    assert session.respond_due_at is None and session.due_pending_year == 2027


def test_session_refused_for_the_bureau_and_without_request_or_system(world):
    with pytest.raises(ServiceError, match="乙方"):
        _session(world, actor=world.bureau_admin, scope=world.contract.scopes.first())
    with pytest.raises(ServiceError, match="服务请求或系统"):
        _session(world)
    with pytest.raises(ServiceError, match="不能晚于"):
        _session(world, scope=world.contract.scopes.first(), requested_at=at(2023, 3, 7, 10, 0))


def test_session_not_before_its_request_or_contract(world):
    """Issue 11 item 5: a support session dated before the request it serves, or before the contract's
    first day, is refused with the date it cannot precede (failed before: both were recorded)."""
    ticket = advance(world, submit(world, when=at(2023, 3, 7, 10, 0)), Status.IN_PROGRESS)
    with pytest.raises(ServiceError, match="2023-03-07 10:00"):
        _session(world, ticket, requested_at=None, started_at=at(2023, 3, 7, 9, 0))
    with pytest.raises(ServiceError, match="合同开始"):
        _session(
            world,
            scope=world.contract.scopes.first(),
            requested_at=None,
            started_at=clock.aware(world.contract.start_on - dt.timedelta(days=1), 9, 0),
        )
    assert not AuditEntry.objects.filter(action="support.record").exists()


def test_sessions_show_on_the_request_the_list_and_the_weekly_figures(world, client):
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    _session(world, ticket)
    _session(world, mode=SupportMode.REMOTE, scope=world.contract.scopes.first(), minutes=30)
    client.force_login(world.staff)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "到医保中心现场排查读卡器驱动" in page and "登记支持" not in page
    client.force_login(world.engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "登记支持" in page
    client.force_login(world.bureau_admin)
    page = client.get(reverse("tickets:support_list")).content.decode()
    assert page.count("到医保中心现场排查读卡器驱动") == 2 and "远程支持" in page
    with clock.frozen_at(at(2023, 3, 12, 18, 0)):
        figures = weekly_figures(world.contract, dt.date(2023, 3, 6))
    assert figures["support"]["count"] == 2
    assert figures["support"]["hours"] == 2.0
    assert figures["support"]["late"] == 1
    with clock.frozen_at(at(2023, 4, 1)):
        stats = statistics(world.contract, year=2023, month=3)
    assert stats["support"]["count"] == 2


def test_engineer_records_a_session_through_the_page(world, client):
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    client.force_login(world.engineer)
    with clock.frozen_at(at(2023, 3, 7, 12, 0)):
        response = client.post(
            reverse("tickets:support", args=[ticket.pk]),
            {
                "support-mode": "remote",
                "support-requested_at": "2023-03-07T09:00",
                "support-started_at": "2023-03-07T09:20",
                "support-minutes": "40",
                "support-work_done": "远程修改参数。",
            },
        )
    assert response.status_code == 302
    assert ticket.support_sessions.get().minutes == 40
    bad = client.post(reverse("tickets:support", args=[ticket.pk]), {"support-mode": "remote"})
    assert bad.status_code == 200 and "support-work_done" in bad.content.decode()


def test_pm_records_an_engineers_session_on_the_request_and_the_list(world, client):
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    client.force_login(world.pm)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'name="support-person"' in page and world.engineer.display_name in page
    data = {
        "support-person": world.engineer.pk,
        "support-mode": "onsite",
        "support-started_at": "2023-03-07T09:00",
        "support-minutes": "60",
        "support-work_done": "现场更换读卡器。",
    }
    with clock.frozen_at(at(2023, 3, 7, 12, 0)):
        assert client.post(reverse("tickets:support", args=[ticket.pk]), data).status_code == 302
        system = {**data, "support-scope": world.contract.scopes.first().pk}
        assert client.post(reverse("tickets:support_add"), system).status_code == 302

    sessions = list(support.support_list(world.pm, world.contract))
    assert len(sessions) == 2 and {s.person for s in sessions} == {world.engineer}
    assert {s.recorded_by for s in sessions} == {world.pm}
    entry = AuditEntry.objects.filter(action="support.record").latest("id")
    assert entry.actor == world.pm and entry.changes["person"] == world.engineer.username
    assert world.engineer.notifications.filter(kind="support.record").count() == 2


def test_an_engineer_records_only_their_own_sessions(world, client):
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    other = make_user(Role.ENGINEER, username="eng_other")
    with pytest.raises(ServiceError, match="项目经理"):
        _session(world, ticket, person=other)
    with pytest.raises(ServiceError, match="乙方人员"):
        _session(world, ticket, actor=world.pm, person=world.dept_head)
    client.force_login(world.engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'name="support-mode"' in page and 'name="support-person"' not in page
    with clock.frozen_at(at(2023, 3, 7, 12, 0)):
        client.post(
            reverse("tickets:support", args=[ticket.pk]),
            {
                "support-person": other.pk,
                "support-mode": "remote",
                "support-started_at": "2023-03-07T09:00",
                "support-minutes": "30",
                "support-work_done": "x",
            },
        )
    assert ticket.support_sessions.get().person == world.engineer  # the field is ignored: their own


# --- item 2: the bureau's required-by date ------------------------------------------------------


def _required(world, ticket, due=dt.date(2023, 3, 10), actor=None):
    with clock.frozen_at(at(2023, 3, 6, 11, 0)):
        return support.required_by_set(
            ticket=ticket, actor=actor or world.dept_head, due_on=due, reason="养老调资政策 4 月起执行"
        )


def test_head_sets_a_required_by_date_and_the_vendor_is_told(world):
    ticket = advance(world, submit(world), Status.ASSIGNED)
    row = _required(world, ticket)
    assert row.due_on == dt.date(2023, 3, 10)
    assert world.engineer.notifications.filter(kind="ticket.required_by").count() == 1
    assert world.pm.notifications.filter(kind="ticket.required_by").count() == 1
    assert AuditEntry.objects.filter(action="ticket.required_by", object_id=str(ticket.pk)).exists()


@pytest.mark.parametrize("who", ["staff", "engineer", "pm"])
def test_only_the_head_or_the_bureau_admin_sets_it(world, who):
    ticket = advance(world, submit(world), Status.ASSIGNED)
    with pytest.raises(ServiceError):
        _required(world, ticket, actor=getattr(world, who))


def test_other_departments_head_cannot_set_it(world):
    ticket = advance(world, submit(world), Status.ASSIGNED)
    with pytest.raises(ServiceError):
        _required(world, ticket, actor=world.outsiders["dept_head"])


def test_reason_and_a_future_date_are_required(world):
    ticket = advance(world, submit(world), Status.ASSIGNED)
    with clock.frozen_at(at(2023, 3, 6, 11, 0)), pytest.raises(ServiceError, match="理由"):
        support.required_by_set(
            ticket=ticket, actor=world.bureau_admin, due_on=dt.date(2023, 3, 9), reason=" "
        )
    with clock.frozen_at(at(2023, 3, 6, 11, 0)), pytest.raises(ServiceError, match="早于今天"):
        support.required_by_set(
            ticket=ticket, actor=world.bureau_admin, due_on=dt.date(2023, 3, 1), reason="r"
        )


def test_reminded_once_before_and_once_when_missed(world):
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    _required(world, ticket)  # Friday 2023-03-10: reminded on Thursday the 9th
    with clock.frozen_at(at(2023, 3, 8, 8, 12)):
        assert required_by_due().startswith("0 ")
    with clock.frozen_at(at(2023, 3, 9, 8, 12)):
        assert required_by_due().startswith("1 ")
        assert required_by_due().startswith("0 ")
    with clock.frozen_at(at(2023, 3, 13, 8, 12)):
        assert required_by_due().startswith("1 ")
        assert required_by_due().startswith("0 ")
    assert Reminder.objects.filter(job="tickets.required_by_due").count() == 2
    assert world.bureau_admin.notifications.filter(kind="tickets.required_by_due").count() == 1
    with clock.frozen_at(at(2023, 3, 13, 9, 0)):
        state = support.required_by_state(ticket.required_by, calendar=support.get_calendar(world.contract))
    assert state.late and not state.met


def test_the_reminder_job_builds_one_calendar_per_contract(world):
    # setdefault(contract, get_calendar(...)) built (two queries) a calendar for every row.
    for _ in range(3):
        _required(world, advance(world, submit(world), Status.IN_PROGRESS))
    with clock.frozen_at(at(2023, 3, 8, 8, 12)), CaptureQueriesContext(connection) as queries:
        assert required_by_due().startswith("0 ")
    calendar_reads = [q for q in queries.captured_queries if "calendaroverride" in q["sql"].lower()]
    assert len(calendar_reads) == 1


def test_met_when_resolved_in_time_and_counted_in_the_week(world, client):
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    _required(world, ticket)
    late = advance(world, submit(world), Status.IN_PROGRESS)
    _required(world, late, due=dt.date(2023, 3, 8))
    with clock.frozen_at(at(2023, 3, 9, 15, 0)):
        services.ticket_resolve(ticket=ticket, actor=world.engineer, resolution="已完成。")
    with clock.frozen_at(at(2023, 3, 12, 18, 0)):
        figures = weekly_figures(world.contract, dt.date(2023, 3, 6))
    assert figures["required_by"]["due"] == 2
    assert figures["required_by"]["met"] == 1
    assert figures["required_by"]["missed"] == 1
    assert figures["required_by"]["missed_numbers"] == [late.number]
    # and in the report itself: drafted, published (frozen), shown on its page
    with clock.frozen_at(at(2023, 3, 10, 15, 0)):
        report, _ = report_services.weekly_draft(contract=world.contract, day=dt.date(2023, 3, 6))
    with clock.frozen_at(at(2023, 3, 13, 9, 0)):
        report = report_services.weekly_update(
            report=report, actor=world.pm, version=None, summary="本周小结", next_week_plan="下周计划"
        )
        report_services.weekly_publish(report=report, actor=world.pm)
    client.force_login(world.bureau_admin)
    page = client.get(reverse("reports:weekly_detail", args=[report.pk])).content.decode()
    card = page.split('data-testid="fig-required-by"')[1].split("</div></div></div>")[0]
    assert "到期 2 件：按时完成 1 件，逾期 1 件" in card and late.number in card


def test_reminder_pending_when_the_calendar_year_is_not_loaded(world, client):
    world.contract.end_on = dt.date(2027, 6, 30)
    world.contract.save()
    with clock.frozen_at(at(2026, 12, 20, 9, 0)):
        ticket = submit(world, when=at(2026, 12, 20, 9, 0))
        ticket = advance(world, ticket, Status.ASSIGNED, when=at(2026, 12, 20, 9, 30))
        support.required_by_set(
            ticket=ticket, actor=world.bureau_admin, due_on=dt.date(2027, 1, 5), reason="年度初始化前完成"
        )
        assert "pending a calendar year" in required_by_due()
        client.force_login(world.bureau_admin)
        page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="required-by-pending"' in page and "待定" in page


def test_head_sets_it_through_the_page(world, client):
    ticket = advance(world, submit(world), Status.ASSIGNED)
    client.force_login(world.dept_head)
    with clock.frozen_at(at(2023, 3, 6, 11, 0)):
        page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
        assert "设定要求完成日" in page
        response = client.post(
            reverse("tickets:required_by", args=[ticket.pk]),
            {"required_by-due_on": "2023-03-10", "required_by-reason": "紧急业务需求"},
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.required_by.due_on == dt.date(2023, 3, 10)


def test_required_by_shows_in_the_request_list_and_late_when_missed(world, client):
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    other = advance(world, submit(world), Status.IN_PROGRESS)
    _required(world, ticket)  # Friday 2023-03-10
    client.force_login(world.dept_head)
    with clock.frozen_at(at(2023, 3, 9, 9, 0)):
        page = client.get(reverse("tickets:list")).content.decode()
    assert page.count('data-testid="required-by-list"') == 1 and "2023-03-10" in page
    assert "已逾期" not in page
    with clock.frozen_at(at(2023, 3, 11, 9, 0)):
        page = client.get(reverse("tickets:list")).content.decode()
        detail = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    row = page.split('data-testid="required-by-list"')[1].split("</td>")[0]
    assert "已逾期" in row
    assert 'data-testid="required-by"' in detail and "已逾期" in detail
    assert other.number in page
