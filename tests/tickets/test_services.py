"""The lifecycle of RULES §4 through the services: every transition for every role, the gates, the
clocks, rework, sign-off, and two people acting at once."""

import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.roles import LOGIN_ROLES, Role
from common import clock
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.models import AuditEntry, Notification
from contracts.models import Priority
from contracts.notice import parse_notice
from contracts.services import calendar_load_year
from tickets import selectors, services
from tickets.models import Kind, SignOff, SignOffMethod, SignOffStatus, Status, Ticket, UpgradeStage

from ..factories import make_contract, make_user
from .helpers import advance, at, submit

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role if r in LOGIN_ROLES]
CALLERS = [*ROLES, "staff@other", "dept_head@other"]


def caller(world, label):
    if label.endswith("@other"):
        return world.outsiders[label.split("@")[0]]
    return world.users[label]


def prepare(world, state, kind=Kind.SOFTWARE):
    ticket = submit(world, kind=kind)
    if state == Status.SUBMITTED:
        return ticket
    if state == Status.WAITING:
        ticket = advance(world, ticket, Status.IN_PROGRESS)
        with clock.frozen_at(at(2023, 3, 6, 11)):
            return services.ticket_wait(ticket=ticket, actor=world.engineer, reason="请提供参保人身份证号")
    if kind == Kind.DATA and state == Status.CONFIRMED:
        with clock.frozen_at(at(2023, 3, 6, 9, 30)):
            return services.ticket_confirm(ticket=ticket, actor=world.dept_head)
    return advance(world, ticket, state)


ACTIONS = {
    # action: (state, kind, allowed roles, call)
    "confirm": (
        Status.SUBMITTED,
        Kind.SOFTWARE,
        {"dept_head", "bureau_admin"},
        lambda t, u, w: services.ticket_confirm(ticket=t, actor=u),
    ),
    "reject": (
        Status.SUBMITTED,
        Kind.SOFTWARE,
        {"dept_head", "bureau_admin"},
        lambda t, u, w: services.ticket_reject(ticket=t, actor=u, reason="重复提交"),
    ),
    "cancel": (
        Status.SUBMITTED,
        Kind.SOFTWARE,
        {"staff", "dept_head", "bureau_admin"},
        lambda t, u, w: services.ticket_cancel(ticket=t, actor=u, reason="已自行解决"),
    ),
    "authorize": (
        Status.CONFIRMED,
        Kind.DATA,
        {"dept_head", "bureau_admin"},
        lambda t, u, w: services.data_authorize(ticket=t, actor=u, scope="张三一人"),
    ),
    "assign": (
        Status.CONFIRMED,
        Kind.SOFTWARE,
        {"pm"},
        lambda t, u, w: services.ticket_assign(ticket=t, actor=u, assignee=w.engineer),
    ),
    "claim": (
        Status.CONFIRMED,
        Kind.SOFTWARE,
        {"engineer", "pm"},
        lambda t, u, w: services.ticket_claim(ticket=t, actor=u),
    ),
    "start": (
        Status.ASSIGNED,
        Kind.SOFTWARE,
        {"engineer"},
        lambda t, u, w: services.ticket_start(ticket=t, actor=u),
    ),
    "wait": (
        Status.IN_PROGRESS,
        Kind.SOFTWARE,
        {"engineer"},
        lambda t, u, w: services.ticket_wait(ticket=t, actor=u, reason="等待科室提供数据"),
    ),
    "resume": (
        Status.WAITING,
        Kind.SOFTWARE,
        {"engineer", "staff", "dept_head"},
        lambda t, u, w: services.ticket_resume(ticket=t, actor=u),
    ),
    "resolve": (
        Status.IN_PROGRESS,
        Kind.SOFTWARE,
        {"engineer"},
        lambda t, u, w: services.ticket_resolve(ticket=t, actor=u, resolution="已处理"),
    ),
    "reopen": (
        Status.RESOLVED,
        Kind.SOFTWARE,
        {"staff", "dept_head"},
        lambda t, u, w: services.ticket_reopen(ticket=t, actor=u, reason="仍然报错"),
    ),
    "sign": (
        Status.RESOLVED,
        Kind.SOFTWARE,
        {"staff", "dept_head"},
        lambda t, u, w: services.signoff_sign(signoff=t.signoff, actor=u),
    ),
    "close": (
        Status.SIGNED_OFF,
        Kind.SOFTWARE,
        {"pm", "bureau_admin"},
        lambda t, u, w: services.ticket_close(ticket=t, actor=u),
    ),
    "comment": (
        Status.IN_PROGRESS,
        Kind.SOFTWARE,
        {"staff", "dept_head", "bureau_admin", "engineer", "pm"},
        lambda t, u, w: services.comment_add(ticket=t, actor=u, body="请看附件"),
    ),
    "log_time": (
        Status.IN_PROGRESS,
        Kind.SOFTWARE,
        {"engineer"},
        lambda t, u, w: services.time_log(ticket=t, actor=u, work_date=dt.date(2023, 3, 6), minutes=90),
    ),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("who", CALLERS)
def test_every_transition_for_every_role(world, action, who):
    state, kind, allowed, call = ACTIONS[action]
    ticket = prepare(world, state, kind)
    user = caller(world, who)
    audit_before = AuditEntry.objects.count()
    with clock.frozen_at(at(2023, 3, 7, 10)):
        if who in allowed:
            call(ticket, user, world)
            assert AuditEntry.objects.count() > audit_before, "a state change leaves an audit entry"
        else:
            with pytest.raises(TransitionNotAllowed):
                call(ticket, user, world)
            ticket.refresh_from_db()
            assert ticket.status == state


def test_a_transition_from_the_wrong_state_says_why(world):
    ticket = prepare(world, Status.RESOLVED)
    with pytest.raises(TransitionNotAllowed, match="确认"):
        services.ticket_confirm(ticket=ticket, actor=world.dept_head)
    with pytest.raises(TransitionNotAllowed, match="撤销"):
        services.ticket_cancel(ticket=ticket, actor=world.staff, reason="不需要了")


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejection_and_cancellation_need_a_reason(world, reason):
    ticket = submit(world)
    with pytest.raises(ServiceError, match="原因"):
        services.ticket_reject(ticket=ticket, actor=world.dept_head, reason=reason)
    with pytest.raises(ServiceError, match="原因"):
        services.ticket_cancel(ticket=ticket, actor=world.staff, reason=reason)
    ticket.refresh_from_db()
    assert ticket.status == Status.SUBMITTED


def test_kind_fields_are_required_for_their_kind(world):
    for kind, field in [
        (Kind.POLICY, "policy_document"),
        (Kind.DATA, "data_scope"),
        (Kind.BATCH, "batch_type"),
        (Kind.INIT, "init_type"),
        (Kind.UPGRADE, "upgrade_target"),
    ]:
        with pytest.raises(ServiceError) as info:
            submit(world, kind=kind, **{field: ""})
        assert field in info.value.message_dict


def test_only_a_current_contract_takes_new_requests(world):
    with pytest.raises(ServiceError, match="服务期"):
        submit(world, when=at(2024, 2, 1))


def test_the_whole_lifecycle_records_the_facts_later_apps_read(world):
    ticket = submit(world, priority=Priority.HIGH, when=at(2023, 3, 6, 8, 45))
    ticket = advance(world, ticket, Status.ASSIGNED, when=at(2023, 3, 6, 9, 0))
    assert ticket.confirmed_at == at(2023, 3, 6, 9, 0)
    assert ticket.respond_due_at == at(2023, 3, 6, 10, 0)  # high: respond 1 h
    assert ticket.resolve_due_at == at(2023, 3, 7, 9, 0)  # high: 1 working day (450 min)
    with clock.frozen_at(at(2023, 3, 6, 9, 40)):
        services.ticket_start(ticket=ticket, actor=world.engineer)
    ticket.refresh_from_db()
    assert ticket.first_response_at == at(2023, 3, 6, 9, 40)
    assert not ticket.response_late()
    with clock.frozen_at(at(2023, 3, 7, 11)):
        services.ticket_resolve(ticket=ticket, actor=world.engineer, resolution="修正了核定规则")
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.is_overdue()
    assert Ticket.objects.overdue().filter(pk=ticket.pk).exists()
    assert ticket.signoff.due_on == dt.date(2023, 3, 8)
    actions = list(
        AuditEntry.objects.filter(object_type="tickets.ticket", object_id=str(ticket.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "ticket.submit",
        "ticket.confirm",
        "ticket.assign",
        "ticket.start",
        "ticket.respond",
        "ticket.resolve",
    ]


def test_reopen_is_rework_and_voids_the_pending_form(world):
    ticket = prepare(world, Status.RESOLVED)
    first_form = ticket.signoff
    with clock.frozen_at(at(2023, 3, 7, 9)):
        services.ticket_reopen(ticket=ticket, actor=world.staff, reason="仍然报错")
    ticket.refresh_from_db()
    first_form.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.rework_count == 1
    assert ticket.resolved_at is None and ticket.signoff is None
    assert first_form.status == SignOffStatus.VOID
    # resolved 03-06 09:30, reopened 03-07 09:00: 390 + 30 working minutes do not count against the vendor
    assert ticket.paused_minutes == 420
    with clock.frozen_at(at(2023, 3, 7, 10)):
        services.ticket_resolve(ticket=ticket, actor=world.engineer, resolution="彻底修复")
    ticket.refresh_from_db()
    assert ticket.signoff != first_form and ticket.signoff.status == SignOffStatus.PENDING
    assert Notification.objects.filter(recipient=world.engineer, kind="ticket.reopened").exists()


def test_waiting_on_the_bureau_pauses_the_resolution_clock(world):
    ticket = prepare(world, Status.IN_PROGRESS)  # confirmed 2023-03-06 09:30
    due = ticket.resolve_due_at
    with clock.frozen_at(at(2023, 3, 6, 10)):
        services.ticket_wait(ticket=ticket, actor=world.engineer, reason="请提供截图")
    with clock.frozen_at(at(2023, 3, 7, 10)):
        services.ticket_resume(ticket=ticket, actor=world.staff, note="截图已上传")
    ticket.refresh_from_db()
    assert ticket.paused_minutes == 450
    assert ticket.resolve_due_at == services.get_calendar(world.contract).add_working_minutes(due, 450)
    assert Notification.objects.filter(recipient=world.engineer, kind="ticket.resumed").exists()


def test_clock_across_spring_festival_through_the_service(world):
    ticket = submit(world, when=at(2023, 1, 20, 15))
    with clock.frozen_at(at(2023, 1, 20, 16)):
        ticket = services.ticket_confirm(ticket=ticket, actor=world.dept_head)
    assert ticket.respond_due_at == at(2023, 1, 28, 11, 0)
    assert ticket.resolve_due_at == at(2023, 1, 30, 16, 0)
    assert not Ticket.objects.overdue(at(2023, 1, 27, 17)).filter(pk=ticket.pk).exists()
    assert Ticket.objects.overdue(at(2023, 1, 30, 16, 1)).filter(pk=ticket.pk).exists()


def test_due_time_in_an_unloaded_year_is_pending_until_the_admin_loads_it(world):
    contract = make_contract(
        number="C-2026",
        signed_on=dt.date(2026, 1, 5),
        start_on=dt.date(2026, 1, 1),
        end_on=dt.date(2026, 12, 31),
    )
    world.contract = contract
    ticket = submit(world, priority=Priority.LOW, when=at(2026, 12, 28, 9))
    with clock.frozen_at(at(2026, 12, 28, 9, 30)):
        ticket = services.ticket_confirm(ticket=ticket, actor=world.dept_head)
    assert ticket.resolve_due_at is None and ticket.due_pending_year == 2027
    assert not ticket.is_overdue(at(2027, 6, 1))
    assert services.recompute_pending_deadlines() == 0
    days = parse_notice("2027-01-01~2027-01-03,休,元旦", 2027)
    calendar_load_year(year=2027, days=days, source="国务院办公厅通知", actor=world.bureau_admin)
    assert services.recompute_pending_deadlines() == 0  # the load filled it already (issue 11)
    ticket.refresh_from_db()
    assert ticket.due_pending_year is None
    # 10 working days of 450 min from Mon 2026-12-28 09:30; New Year's Day 2027 is off
    assert ticket.resolve_due_at == at(2027, 1, 12, 9, 30)


def test_data_maintenance_cannot_start_without_authorization(world):
    ticket = submit(world, kind=Kind.DATA)
    with clock.frozen_at(at(2023, 3, 6, 9, 30)):
        services.ticket_confirm(ticket=ticket, actor=world.dept_head)
        services.ticket_assign(ticket=ticket, actor=world.pm, assignee=world.engineer)
        with pytest.raises(ServiceError, match="授权"):
            services.ticket_start(ticket=ticket, actor=world.engineer)
        scan = SimpleUploadedFile("审批单.pdf", b"%PDF-1.4 scanned", content_type="application/pdf")
        auth = services.data_authorize(
            ticket=ticket, actor=world.dept_head, scope="张三 2023-01 基数", approval_file=scan
        )
        assert auth.authorized_by == world.dept_head and auth.authorized_at == at(2023, 3, 6, 9, 30)
        assert auth.approval_file.name.startswith("tickets/authorizations/")
        services.ticket_start(ticket=ticket, actor=world.engineer)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_authorization_twice_is_refused(world):
    ticket = submit(world, kind=Kind.DATA)
    services.data_authorize(ticket=ticket, actor=world.dept_head, scope="a")
    ticket = Ticket.objects.get(pk=ticket.pk)
    with pytest.raises(ConcurrentChange):
        services.data_authorize(ticket=ticket, actor=world.bureau_admin, scope="b")


def test_batch_job_needs_all_four_steps_with_who_when_evidence(world):
    ticket = prepare(world, Status.IN_PROGRESS, Kind.BATCH)
    with clock.frozen_at(at(2023, 3, 6, 14)):
        with pytest.raises(ServiceError, match="数据备份、测试运行、结果验证、应急恢复预案"):
            services.ticket_resolve(ticket=ticket, actor=world.engineer, resolution="调资完成")
        with pytest.raises(ServiceError, match="说明或上传证明"):
            services.batch_step_record(ticket=ticket, actor=world.engineer, step="backup")
        evidence = SimpleUploadedFile("backup.txt", "备份文件清单".encode(), content_type="text/plain")
        step = services.batch_step_record(
            ticket=ticket, actor=world.engineer, step="backup", evidence=evidence
        )
        assert step.recorded_by == world.engineer and step.recorded_at == at(2023, 3, 6, 14)
        with pytest.raises(ConcurrentChange):
            services.batch_step_record(ticket=ticket, actor=world.engineer, step="backup", note="again")
        for name in ("test", "verify"):
            services.batch_step_record(ticket=ticket, actor=world.engineer, step=name, note="完成")
        with pytest.raises(ServiceError, match="应急恢复预案"):
            services.ticket_resolve(ticket=ticket, actor=world.engineer, resolution="调资完成")
        with pytest.raises(TransitionNotAllowed):
            services.batch_step_record(ticket=ticket, actor=world.staff, step="recovery", note="x")
        services.batch_step_record(ticket=ticket, actor=world.engineer, step="recovery", note="回滚脚本已备")
        services.ticket_resolve(ticket=ticket, actor=world.engineer, resolution="调资完成")


def _upgrade_in_progress(world, target="central"):
    ticket = submit(world, kind=Kind.UPGRADE, upgrade_target=target)
    return advance(world, ticket, Status.IN_PROGRESS)


def test_upgrade_follows_its_stages_in_order(world):
    ticket = _upgrade_in_progress(world)
    with clock.frozen_at(at(2023, 3, 7, 10)):
        with pytest.raises(ServiceError, match="形成需求文档"):
            services.upgrade_step_record(
                ticket=ticket, actor=world.engineer, stage=UpgradeStage.SUBMITTED, note="x"
            )
        services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.REQUIREMENT, note="需求文档 v1"
        )
        with pytest.raises(TransitionNotAllowed):  # the bureau confirms, not the engineer
            services.upgrade_step_record(ticket=ticket, actor=world.engineer, stage=UpgradeStage.CONFIRMED)
        services.upgrade_step_record(ticket=ticket, actor=world.dept_head, stage=UpgradeStage.CONFIRMED)
        services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.SUBMITTED, note="OA 2023-118"
        )
        with pytest.raises(ServiceError, match="升级开始时间"):
            services.upgrade_step_record(ticket=ticket, actor=world.engineer, stage=UpgradeStage.SCHEDULED)
        services.upgrade_step_record(
            ticket=ticket,
            actor=world.engineer,
            stage=UpgradeStage.SCHEDULED,
            window_start=at(2023, 3, 8, 18, 0),
        )
        with pytest.raises(ServiceError, match="甲方确认升级"):
            services.ticket_resolve(ticket=ticket, actor=world.engineer, resolution="升级完成")
    with clock.frozen_at(at(2023, 3, 8, 20)):
        services.upgrade_step_record(
            ticket=ticket,
            actor=world.engineer,
            stage=UpgradeStage.DEPLOYED,
            window_start=at(2023, 3, 8, 18, 5),
        )
        services.upgrade_step_record(ticket=ticket, actor=world.bureau_admin, stage=UpgradeStage.ACCEPTED)
        services.ticket_resolve(ticket=ticket, actor=world.engineer, resolution="升级完成")
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert list(ticket.upgrade_steps.values_list("stage", flat=True)) == [s.value for s in UpgradeStage]


def _to_scheduling(world, ticket):
    with clock.frozen_at(at(2023, 3, 7, 10)):
        services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.REQUIREMENT, note="需求"
        )
        services.upgrade_step_record(ticket=ticket, actor=world.dept_head, stage=UpgradeStage.CONFIRMED)
        services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.SUBMITTED, note="已提交"
        )


@pytest.mark.parametrize(
    ("target", "hour", "minute", "ok"),
    [
        ("central", 17, 59, False),
        ("central", 18, 0, True),
        ("central", 5, 59, True),
        ("central", 6, 0, False),
        ("hospital", 21, 59, False),
        ("hospital", 22, 0, True),
        ("hospital", 5, 59, True),
        ("hospital", 6, 0, False),
    ],
)
def test_scheduling_respects_the_window_at_its_edges(world, target, hour, minute, ok):
    ticket = _upgrade_in_progress(world, target)
    _to_scheduling(world, ticket)
    when = at(2023, 3, 9, hour, minute)
    with clock.frozen_at(at(2023, 3, 7, 11)):
        if ok:
            row = services.upgrade_step_record(
                ticket=ticket, actor=world.engineer, stage=UpgradeStage.SCHEDULED, window_start=when
            )
            assert not row.emergency
        else:
            with pytest.raises(ServiceError, match="不在窗口内"):
                services.upgrade_step_record(
                    ticket=ticket, actor=world.engineer, stage=UpgradeStage.SCHEDULED, window_start=when
                )


def test_window_comes_from_the_contract_settings(world):
    world.contract.upgrade_central_from = dt.time(19, 0)
    world.contract.save()
    ticket = _upgrade_in_progress(world)
    _to_scheduling(world, ticket)
    with clock.frozen_at(at(2023, 3, 7, 11)), pytest.raises(ServiceError, match="19:00"):
        services.upgrade_step_record(
            ticket=ticket,
            actor=world.engineer,
            stage=UpgradeStage.SCHEDULED,
            window_start=at(2023, 3, 9, 18, 30),
        )


def test_emergency_exception_needs_the_bureau_admins_approval(world):
    ticket = _upgrade_in_progress(world)
    _to_scheduling(world, ticket)
    noon = at(2023, 3, 7, 12, 30)
    with clock.frozen_at(at(2023, 3, 7, 11)):
        services.emergency_request(
            ticket=ticket, actor=world.engineer, reason="社保卡批量制卡故障，须立即修复"
        )
        ticket.refresh_from_db()
        with pytest.raises(ServiceError, match="不在窗口内"):
            services.upgrade_step_record(
                ticket=ticket, actor=world.engineer, stage=UpgradeStage.SCHEDULED, window_start=noon
            )
        for user in (world.dept_head, world.pm, world.engineer):
            with pytest.raises(TransitionNotAllowed):
                services.emergency_approve(ticket=ticket, actor=user)
        services.emergency_approve(ticket=ticket, actor=world.bureau_admin)
        ticket.refresh_from_db()
        row = services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.SCHEDULED, window_start=noon
        )
    assert row.emergency
    assert AuditEntry.objects.filter(action="ticket.emergency_approve", actor=world.bureau_admin).exists()


def test_two_engineers_claiming_one_request_one_wins(world):
    other = make_user(Role.ENGINEER, username="eng_b")
    ticket = prepare(world, Status.CONFIRMED)
    stale = Ticket.objects.get(pk=ticket.pk)  # engineer B opened the page before A claimed
    services.ticket_claim(ticket=ticket, actor=world.engineer)
    with pytest.raises(ConcurrentChange, match="已被"):
        services.ticket_claim(ticket=stale, actor=other)
    ticket.refresh_from_db()
    assert ticket.assignee == world.engineer
    assert AuditEntry.objects.filter(action="ticket.claim").count() == 1


def test_stale_confirmation_is_told_not_doubled(world):
    ticket = submit(world)
    stale = Ticket.objects.get(pk=ticket.pk)
    services.ticket_confirm(ticket=ticket, actor=world.dept_head)
    with pytest.raises(ConcurrentChange, match="待分派"):
        services.ticket_confirm(ticket=stale, actor=world.bureau_admin)
    assert AuditEntry.objects.filter(action="ticket.confirm").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs two PostgreSQL connections")
def test_two_engineers_race_on_postgresql():
    from ..conftest import build_world

    world = build_world()
    other = make_user(Role.ENGINEER, username="eng_race")
    ticket = prepare(world, Status.CONFIRMED)
    barrier = threading.Barrier(2)
    results = {}

    def claim(user):
        from django.db import connections

        try:
            mine = Ticket.objects.get(pk=ticket.pk)
            barrier.wait(timeout=10)
            services.ticket_claim(ticket=mine, actor=user)
            results[user.username] = "won"
        except ConcurrentChange:
            results[user.username] = "told"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(u,)) for u in (world.engineer, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == ["told", "won"]
    ticket.refresh_from_db()
    assert ticket.assignee.username == next(name for name, r in results.items() if r == "won")
    assert AuditEntry.objects.filter(action="ticket.claim").count() == 1


def test_sign_off_on_time_late_and_by_scan(world):
    ticket = prepare(world, Status.RESOLVED)  # resolved Monday 2023-03-06
    form = ticket.signoff
    assert form.due_on == dt.date(2023, 3, 7) and form.snapshot["tickets"][0]["number"] == ticket.number
    with clock.frozen_at(at(2023, 3, 8, 9)):
        assert form.is_late()
        assert services.signoff_remind_late() == 1
        assert services.signoff_remind_late() == 0  # once only
        with pytest.raises(ServiceError, match="扫描件"):
            services.signoff_sign(signoff=form, actor=world.staff, method=SignOffMethod.SCAN)
        scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
        services.signoff_sign(signoff=form, actor=world.dept_head, method=SignOffMethod.SCAN, scan=scan)
    form.refresh_from_db()
    ticket.refresh_from_db()
    assert form.status == SignOffStatus.SIGNED and form.late and form.signed_by == world.dept_head
    assert form.snapshot["signed_by"] == world.dept_head.display_name and form.snapshot["late"] is True
    assert form.scan.name.startswith("tickets/signoffs/")
    assert ticket.status == Status.SIGNED_OFF
    with pytest.raises(TransitionNotAllowed):
        services.signoff_sign(signoff=form, actor=world.staff)


def test_sign_off_due_next_working_day_across_a_holiday(world):
    ticket = submit(world, when=at(2023, 1, 19, 9))
    ticket = advance(world, ticket, Status.RESOLVED, when=at(2023, 1, 20, 10))
    assert ticket.signoff.due_on == dt.date(2023, 1, 28)  # the make-up Saturday after Spring Festival


def test_batch_form_combines_one_departments_resolved_requests(world):
    a = prepare(world, Status.RESOLVED)
    b = advance(world, submit(world, title="第二个"), Status.RESOLVED, when=at(2023, 3, 7, 10))
    with pytest.raises(TransitionNotAllowed):
        services.signoff_issue_batch(tickets=[a, b], actor=world.staff)
    form = services.signoff_issue_batch(tickets=[a, b], actor=world.pm)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.signoff == form == b.signoff
    assert form.due_on == dt.date(2023, 3, 7)  # the earlier deadline of the two
    assert SignOff.objects.filter(status=SignOffStatus.VOID).count() == 2
    outsider_ticket = submit(world, requester=world.outsiders["staff"])
    services.ticket_confirm(ticket=outsider_ticket, actor=world.bureau_admin)
    services.ticket_assign(ticket=outsider_ticket, actor=world.pm, assignee=world.engineer)
    services.ticket_start(ticket=outsider_ticket, actor=world.engineer)
    services.ticket_resolve(ticket=outsider_ticket, actor=world.engineer, resolution="好了")
    with pytest.raises(ServiceError, match="同一科室"):
        services.signoff_issue_batch(tickets=[a, outsider_ticket], actor=world.pm)
    with clock.frozen_at(at(2023, 3, 7, 16)):
        services.signoff_sign(signoff=form, actor=world.staff)
    assert Ticket.objects.filter(pk__in=[a.pk, b.pk], status=Status.SIGNED_OFF).count() == 2


def test_reopening_one_request_of_a_batch_reissues_the_others(world):
    a = prepare(world, Status.RESOLVED)
    b = advance(world, submit(world, title="第二个"), Status.RESOLVED)
    form = services.signoff_issue_batch(tickets=[a, b], actor=world.pm)
    a.refresh_from_db()
    services.ticket_reopen(ticket=a, actor=world.staff, reason="不对")
    b.refresh_from_db()
    form.refresh_from_db()
    assert form.status == SignOffStatus.VOID
    assert b.signoff.status == SignOffStatus.PENDING and b.signoff.due_on == form.due_on
    assert [row["number"] for row in b.signoff.snapshot["tickets"]] == [b.number]


def test_notifications_reach_the_people_who_act_next(world):
    ticket = submit(world)
    assert Notification.objects.filter(recipient=world.dept_head, kind="ticket.submitted").exists()
    assert not Notification.objects.filter(recipient=world.outsiders["dept_head"]).exists()
    services.ticket_confirm(ticket=ticket, actor=world.dept_head)
    assert Notification.objects.filter(recipient=world.pm, kind="ticket.confirmed").exists()
    services.ticket_assign(ticket=ticket, actor=world.pm, assignee=world.engineer)
    assert Notification.objects.filter(recipient=world.engineer, kind="ticket.assigned").exists()
    services.ticket_start(ticket=ticket, actor=world.engineer)
    services.ticket_resolve(ticket=ticket, actor=world.engineer, resolution="好了")
    assert Notification.objects.filter(recipient=world.staff, kind="ticket.resolved").exists()


def test_quiet_notifications_for_replayed_history(world):
    with services.quiet_notifications():
        submit(world)
    assert not Notification.objects.exists()


def test_internal_comments_stay_with_the_vendor(world):
    ticket = prepare(world, Status.IN_PROGRESS)
    services.comment_add(ticket=ticket, actor=world.engineer, body="内部：疑似数据库锁", internal=True)
    services.comment_add(ticket=ticket, actor=world.engineer, body="正在处理")
    with pytest.raises(TransitionNotAllowed):
        services.comment_add(ticket=ticket, actor=world.staff, body="x", internal=True)
    assert [c.body for c in selectors.comments_for(world.staff, ticket)] == ["正在处理"]
    assert len(selectors.comments_for(world.pm, ticket)) == 2
    staff_timeline = [row["action"] for row in selectors.timeline(world.staff, ticket)]
    assert staff_timeline.count("ticket.comment") == 1


def test_first_public_vendor_reply_counts_as_response(world):
    ticket = prepare(world, Status.ASSIGNED)
    with clock.frozen_at(at(2023, 3, 6, 9, 45)):
        services.comment_add(ticket=ticket, actor=world.engineer, body="已收到，马上处理")
    with clock.frozen_at(at(2023, 3, 6, 10, 0)):
        services.ticket_start(ticket=ticket, actor=world.engineer)
    ticket.refresh_from_db()
    assert ticket.first_response_at == at(2023, 3, 6, 9, 45)


def test_time_logging_adds_up_and_refuses_nonsense(world):
    ticket = prepare(world, Status.IN_PROGRESS)
    with clock.frozen_at(at(2023, 3, 6, 17)):
        services.time_log(
            ticket=ticket, actor=world.engineer, work_date=dt.date(2023, 3, 6), minutes=90, note="排查"
        )
        services.time_log(ticket=ticket, actor=world.engineer, work_date=dt.date(2023, 3, 6), minutes=30)
        with pytest.raises(ServiceError, match="未来"):
            services.time_log(ticket=ticket, actor=world.engineer, work_date=dt.date(2023, 3, 7), minutes=30)
        with pytest.raises(ServiceError, match="24 小时"):
            services.time_log(ticket=ticket, actor=world.engineer, work_date=dt.date(2023, 3, 6), minutes=0)
    ticket.refresh_from_db()
    assert ticket.time_spent_minutes == 120


def test_engineers_see_their_own_and_the_pool_only(world):
    other = make_user(Role.ENGINEER, username="eng_other")
    mine = prepare(world, Status.ASSIGNED)
    pool = prepare(world, Status.CONFIRMED)
    theirs = advance(world, submit(world), Status.ASSIGNED, engineer=other)
    visible = set(selectors.visible_tickets(world.engineer).values_list("pk", flat=True))
    assert visible == {mine.pk, pool.pk}
    assert theirs.pk in set(selectors.visible_tickets(world.pm).values_list("pk", flat=True))
    for role in ("finance", "auditor", "sysadmin", "secadmin"):
        assert not selectors.visible_tickets(world.users[role]).exists()
    assert not selectors.visible_tickets(world.outsiders["staff"]).exists()
