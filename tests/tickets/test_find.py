"""Issue 17: saved views, bulk actions, request templates and recurring requests, linked requests."""

import pytest

from common.models import AuditEntry
from tickets import saved_views
from tickets.models import SavedView

from .helpers import submit

pytestmark = pytest.mark.django_db


# --- saved views -------------------------------------------------------------------------------------------


def test_save_a_personal_view_and_open_it(world, login):
    client = login(world.staff)
    response = client.post(
        "/tickets/views/save/", {"name": "未完成的", "query": "state=active&page=3&evil=1&kind=software"}
    )
    view = SavedView.objects.get()
    assert view.query == "state=active&kind=software"
    assert response["Location"].endswith("?state=active&kind=software")
    page = client.get("/tickets/").content.decode()
    assert "未完成的" in page
    assert AuditEntry.objects.filter(action="ticket.view_save").exists()
    # Not shown to anyone else.
    assert "未完成的" not in login(world.dept_head).get("/tickets/").content.decode()


def test_only_pm_and_bureau_admin_share(world, login):
    login(world.staff).post(
        "/tickets/views/save/",
        {"name": "共享", "query": "state=active", "share": "1", "shared_role": "staff"},
    )
    assert not SavedView.objects.exists()
    login(world.pm).post(
        "/tickets/views/save/",
        {"name": "待分派", "query": "view=unassigned", "share": "1", "shared_role": "engineer"},
    )
    assert SavedView.objects.get().shared_role == "engineer"
    shared = login(world.engineer).get("/tickets/").content.decode()
    assert f'待分派 <small class="text-muted">{world.pm.display_name}</small>' in shared  # with its owner
    assert [v.name for v in saved_views.views_for(world.staff)] == []


def test_delete_only_own(world, login):
    view = saved_views.view_save(actor=world.pm, name="超期", query="overdue=late", shared_role="staff")
    login(world.staff).post(f"/tickets/views/{view.pk}/delete/")
    assert SavedView.objects.filter(pk=view.pk).exists()
    login(world.pm).post(f"/tickets/views/{view.pk}/delete/")
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_list_with_views_keeps_flat_queries(world, login, django_assert_max_num_queries):
    for n in range(30):
        submit(world, title=f"请求{n}")
    for n in range(5):
        saved_views.view_save(actor=world.staff, name=f"视图{n}", query=f"kind=software&q={n}")
    client = login(world.staff)
    with django_assert_max_num_queries(25):
        response = client.get("/tickets/", {"state": "active"})
    assert response.status_code == 200


# --- bulk actions ------------------------------------------------------------------------------------------


def test_bulk_assign_with_confirmation_and_refusals(world, login):
    from tickets.models import Status

    from .helpers import advance

    confirmed = [advance(world, submit(world, title=f"待分派{n}"), Status.CONFIRMED) for n in range(3)]
    done = advance(world, submit(world, title="已解决的"), Status.RESOLVED)
    assigned_before = AuditEntry.objects.filter(action="ticket.assign").count()
    client = login(world.pm)
    ids = [t.pk for t in confirmed] + [done.pk]
    page = client.post("/tickets/bulk/", {"ids": ids, "action": "assign"})
    assert page.status_code == 200
    assert 'data-testid="bulk-confirm"' in page.content.decode()
    assert (
        AuditEntry.objects.filter(action="ticket.assign").count() == assigned_before
    )  # not before confirming
    result = client.post(
        "/tickets/bulk/", {"ids": ids, "action": "assign", "assignee": world.engineer.pk, "confirm": "1"}
    )
    body = result.content.decode()
    assert "成功 3 个，未执行 1 个" in body
    assert done.number in body and "只有项目经理可以分派尚未解决的请求" in body
    for t in confirmed:
        t.refresh_from_db()
        assert (t.status, t.assignee_id) == (Status.ASSIGNED, world.engineer.pk)
    assert AuditEntry.objects.filter(action="ticket.assign").count() == assigned_before + 3
    assert AuditEntry.objects.filter(action="ticket.bulk").count() == 1


def test_bulk_all_matching_the_filter_stays_in_scope(world, login):
    from tickets.models import Status

    mine = [submit(world, title=f"本科室{n}") for n in range(4)]
    other = submit(world, title="外科室", requester=world.outsiders["staff"])
    client = login(world.dept_head)
    result = client.post(
        "/tickets/bulk/", {"all": "1", "query": "status=submitted", "action": "confirm", "confirm": "1"}
    )
    assert "成功 4 个，未执行 0 个" in result.content.decode()
    for t in mine:
        t.refresh_from_db()
        assert t.status == Status.CONFIRMED
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED


def test_bureau_admin_changes_priority_in_bulk(world, login):
    """Each request on its own: deadlines follow the new priority's SLA, one audit entry each, done
    and ended requests refused with the reason; only the bureau admin is offered the action."""
    from contracts.models import Priority
    from tickets.models import Status

    from .helpers import advance

    confirmed = advance(world, submit(world, title="待分派"), Status.CONFIRMED)
    waiting = submit(world, title="待确认")
    done = advance(world, submit(world, title="已解决的"), Status.RESOLVED)
    before_due = confirmed.resolve_due_at
    assert confirmed.priority == Priority.NORMAL and before_due is not None
    client = login(world.bureau_admin)
    ids = [confirmed.pk, waiting.pk, done.pk]
    page = client.post("/tickets/bulk/", {"ids": ids, "action": "priority"}).content.decode()
    assert 'data-testid="bulk-priority"' in page
    refused = client.post("/tickets/bulk/", {"ids": ids, "action": "priority", "confirm": "1"})
    assert "请选择优先级" in refused.content.decode()
    result = client.post(
        "/tickets/bulk/", {"ids": ids, "action": "priority", "priority": Priority.URGENT, "confirm": "1"}
    )
    body = result.content.decode()
    assert "成功 2 个，未执行 1 个" in body
    assert done.number in body and "不能再调整优先级" in body
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert (confirmed.priority, waiting.priority, done.priority) == (
        Priority.URGENT,
        Priority.URGENT,
        Priority.NORMAL,
    )
    assert confirmed.resolve_due_at < before_due  # the urgent SLA is shorter
    entries = AuditEntry.objects.filter(action="ticket.priority")
    assert entries.count() == 2
    assert entries.get(object_id=str(confirmed.pk)).changes["priority"] == [Priority.NORMAL, Priority.URGENT]
    # Not offered to anyone else, and refused if posted.
    for role in ("pm", "dept_head"):
        other = login(world.users[role])
        assert 'value="priority"' not in other.post("/tickets/bulk/", {"ids": [waiting.pk]}).content.decode()
        other.post(
            "/tickets/bulk/", {"ids": [waiting.pk], "action": "priority", "priority": "low", "confirm": "1"}
        )
    waiting.refresh_from_db()
    assert waiting.priority == Priority.URGENT


def test_staff_may_only_export_the_selection(world, login):
    from tickets.models import Status

    mine = [submit(world, title=f"导出{n}") for n in range(3)]
    other = submit(world, title="外科室", requester=world.outsiders["staff"])
    client = login(world.staff)
    client.post("/tickets/bulk/", {"ids": [mine[0].pk], "action": "confirm", "confirm": "1"})
    mine[0].refresh_from_db()
    assert mine[0].status == Status.SUBMITTED  # confirming is not a staff action
    ids = [mine[0].pk, mine[1].pk, other.pk]
    response = client.post("/tickets/bulk/", {"ids": ids, "action": "export"})
    assert response["Location"] == f"/tickets/export/?ids={mine[0].pk},{mine[1].pk}"
    before = AuditEntry.objects.filter(action="export").count()
    xlsx = client.get(response["Location"])
    assert xlsx["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="export").count() == before + 1
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert {mine[0].number, mine[1].number} <= numbers
    assert mine[2].number not in numbers and other.number not in numbers
    assert 'data-testid="select-row"' in client.get("/tickets/").content.decode()


# --- request templates and recurring requests --------------------------------------------------------------


def _template(world, **fields):
    from tickets import templates_service

    data = {
        "name": "月度初始化",
        "kind": "init",
        "init_type": "monthly",
        "scope": world.contract.scopes.first(),
        "priority": "normal",
        "title": "月度初始化",
        "description": "每月第一个工作日做月度初始化",
        "requester": world.staff,
        "recurrence": "monthly",
        "active": True,
        **fields,
    }
    return templates_service.template_save(actor=world.bureau_admin, contract=world.contract, **data)


def _run(day):
    import datetime as dt

    from common import clock
    from tickets.templates_service import file_recurring

    with clock.frozen_at(clock.aware(dt.date.fromisoformat(day), 7, 30)):
        return file_recurring()


def test_monthly_recurring_filed_once_on_the_first_working_day(world):
    from tickets.models import RecurringRun, Ticket

    template = _template(world)
    assert _run("2023-10-06")["filed"] == 0  # National Day holiday: the 7th is the first working day
    assert _run("2023-10-07")["filed"] == 1
    assert _run("2023-10-07")["filed"] == 0
    assert _run("2023-10-20")["filed"] == 0
    assert _run("2023-11-03")["filed"] == 1  # a missed 1 November is caught up later in the month
    runs = RecurringRun.objects.filter(template=template).order_by("period")
    assert [r.period for r in runs] == ["2023-10", "2023-11"]
    ticket = Ticket.objects.get(pk=runs[0].ticket_id)
    assert (ticket.requester, ticket.department, ticket.kind) == (world.staff, world.dept_a, "init")
    assert AuditEntry.objects.filter(action="ticket.recurring").count() == 2


def test_yearly_recurring_in_its_month(world):
    _template(
        world,
        name="养老调资",
        kind="batch",
        init_type="",
        batch_type="pension",
        affected_population="退休人员",
        recurrence="yearly",
        month=7,
    )
    assert _run("2023-12-01")["filed"] == 0  # not caught up outside its month
    assert _run("2023-06-30")["filed"] == 0
    assert _run("2023-07-03")["filed"] == 1
    assert _run("2023-08-01")["filed"] == 0


def test_missing_calendar_waits(world, monkeypatch):
    from contracts.workdays import CalendarNotLoaded
    from tickets import templates_service

    class NoCalendar:
        def first_workday_of_month(self, year, month):
            raise CalendarNotLoaded(year)

    _template(world)
    monkeypatch.setattr(templates_service, "get_calendar", lambda contract: NoCalendar())
    assert _run("2023-10-09") == {"filed": 0, "pending": 1, "failed": 0}


def test_a_refused_filing_is_recorded_not_retried(world):
    from tickets.models import RecurringRun

    _template(world)
    world.staff.role = "engineer"  # moved to another job: may no longer file requests
    world.staff.save()
    counts = _run("2023-10-09")
    assert counts["failed"] == 1
    assert RecurringRun.objects.get().note
    assert _run("2023-10-10")["failed"] == 0


def test_only_bureau_admin_manages_templates(world, login):
    from common.errors import TransitionNotAllowed
    from tickets import templates_service

    with pytest.raises(TransitionNotAllowed):
        templates_service.template_save(actor=world.pm, contract=world.contract, name="x")
    client = login(world.bureau_admin)
    response = client.post(
        "/tickets/templates/new/",
        {
            "name": "年度初始化",
            "kind": "init",
            "init_type": "annual",
            "scope": world.contract.scopes.first().pk,
            "priority": "normal",
            "title": "年度初始化",
            "description": "每年一月",
            "requester": world.dept_head.pk,
            "recurrence": "yearly",
            "month": 1,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "年度初始化" in client.get("/tickets/templates/").content.decode()


def test_staff_file_from_a_template(world, login):
    import datetime as dt

    from common import clock
    from tickets.models import Ticket

    template = _template(world)
    with clock.frozen_at(clock.aware(dt.date(2023, 5, 8), 10, 0)):
        response = login(world.staff).post(f"/tickets/templates/{template.pk}/use/")
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.title == "月度初始化"


# --- linked and merged requests ----------------------------------------------------------------------------


def test_merge_a_duplicate(world, login):
    from common.models import Notification
    from tickets import services
    from tickets.models import Status, Watcher

    from .helpers import advance

    original = advance(world, submit(world, title="社保卡挂失失败"), Status.IN_PROGRESS)
    duplicate = submit(world, title="社保卡挂失失败（重复）", requester=world.dept_head)
    client = login(world.pm)
    client.post(f"/tickets/{duplicate.pk}/link/", {"target": original.number, "kind": "duplicate"})
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CANCELLED
    assert original.number in duplicate.end_reason
    assert Watcher.objects.filter(ticket=original, user=world.dept_head).exists()
    assert AuditEntry.objects.filter(action="ticket.merge", object_id=str(duplicate.pk)).exists()
    # Both pages show the link; the watcher hears about the original from now on.
    page = login(world.staff).get(f"/tickets/{original.pk}/").content.decode()
    assert duplicate.number in page
    before = Notification.objects.filter(recipient=world.dept_head).count()
    services.ticket_wait(ticket=original, actor=world.engineer, reason="等科室提供名单")
    services.comment_add(ticket=original, actor=world.engineer, body="已定位原因")
    assert Notification.objects.filter(recipient=world.dept_head).count() > before


def test_merge_is_for_pm_and_bureau_admin_and_within_sight(world, login):
    from tickets.models import Status

    a = submit(world, title="甲")
    b = submit(world, title="乙")
    other = submit(world, title="外科室", requester=world.outsiders["staff"])
    login(world.staff).post(f"/tickets/{a.pk}/link/", {"target": b.number, "kind": "duplicate"})
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED  # staff may only relate
    login(world.staff).post(f"/tickets/{a.pk}/link/", {"target": other.number, "kind": "related"})
    assert not a.links_out.exists()  # a request the staff member cannot see is "not found"
    login(world.staff).post(f"/tickets/{a.pk}/link/", {"target": b.number, "kind": "related"})
    assert a.links_out.get().target == b
    assert "甲" in login(world.staff).get(f"/tickets/{b.pk}/").content.decode()


def test_watcher_of_another_department_is_not_told(world):
    from common.models import Notification
    from tickets import links
    from tickets.models import Watcher

    original = submit(world, title="外科室原请求", requester=world.outsiders["staff"])
    duplicate = submit(world, title="重复")
    links.mark_duplicate(actor=world.bureau_admin, duplicate=duplicate, original=original)
    assert Watcher.objects.filter(ticket=original, user=world.staff).exists()
    assert links.watchers_of(original) == []
    assert not Notification.objects.filter(recipient=world.staff, title__contains="外科室").exists()


def test_links_for_both_directions_only_what_the_user_may_open(world, django_assert_num_queries):
    from tickets.links import links_for
    from tickets.models import LinkKind, TicketLink

    a = submit(world, title="甲")
    b = submit(world, title="乙")
    c = submit(world, title="丙")
    other = submit(world, title="外科室", requester=world.outsiders["staff"])
    with django_assert_num_queries(1):
        assert links_for(world.staff, a) == []  # no link: one narrow read
    TicketLink.objects.create(source=a, target=b, kind=LinkKind.RELATED, created_by=world.pm)
    TicketLink.objects.create(source=c, target=a, kind=LinkKind.DUPLICATE, created_by=world.pm)
    TicketLink.objects.create(source=a, target=other, kind=LinkKind.RELATED, created_by=world.pm)
    mine = [(row["ticket"].pk, row["label"]) for row in links_for(world.staff, a)]
    assert mine == [(b.pk, "相关"), (c.pk, "重复请求")]  # outgoing first; the other department's is hidden
    assert [(row["ticket"].pk, row["label"]) for row in links_for(world.pm, a)] == [
        (b.pk, "相关"),
        (other.pk, "相关"),
        (c.pk, "重复请求"),
    ]
    assert [(row["ticket"].pk, row["label"]) for row in links_for(world.pm, c)] == [(a.pk, "重复于")]
