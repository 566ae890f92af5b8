"""Notifications reach group robots through delivery rows written with them, relayed after commit,
retried with back-off, sent once; tested against a real local HTTP server (receiver.py)."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.roles import Role
from channels import services
from channels.models import ChannelPreference, Delivery, Robot
from channels.tasks import robot_deliveries, send_deliveries
from common import clock
from common.models import AuditEntry, Notification
from common.notifications import notify

from .receiver import KEY


def make_robot(receiver, **fields) -> Robot:
    fields.setdefault("name", "养老保险科工作群")
    return Robot.objects.create(webhook_url=receiver.url(), **fields)


def later(minutes: float):
    return clock.frozen_at(clock.now() + dt.timedelta(minutes=minutes))


def test_a_notification_reaches_its_departments_group_once(
    world, receiver, queued, django_capture_on_commit_callbacks
):
    robot = make_robot(receiver, department=world.dept_a)
    with django_capture_on_commit_callbacks(execute=True):
        notes = notify(
            [world.staff, world.dept_head, world.outsiders["staff"]],
            title="请求已受理：R-2023-0007",
            body="社保卡补办页面报错",
            url="/tickets/7/",
            kind="ticket.confirmed",
        )
    assert len(notes) == 3
    (delivery,) = Delivery.objects.all()
    assert delivery.robot == robot and delivery.status == Delivery.Status.PENDING
    assert queued == [([delivery.pk], None)]  # handed to the worker only after the commit
    assert send_deliveries([delivery.pk]) == 1
    assert send_deliveries([delivery.pk]) == 0  # a duplicated task sends nothing more
    (got,) = receiver.received
    assert got.path == "/cgi-bin/webhook/send" and got.query == {"key": [KEY]}
    assert got.headers["Content-Type"].startswith("application/json")
    content = got.json["markdown"]["content"]
    assert got.json["msgtype"] == "markdown"
    assert "**请求已受理：R-2023-0007**" in content and "社保卡补办页面报错" in content
    assert "https://jinbao.example.gov.cn/tickets/7/" in content
    assert world.staff.display_name in content and world.outsiders["staff"].display_name not in content
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1 and delivery.sent_at


def test_the_delivery_is_part_of_the_notifications_transaction(world, receiver, queued):
    make_robot(receiver, department=world.dept_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([world.staff], title="不会发生", kind="ticket.submitted")
        assert Delivery.objects.count() == 1
        raise RuntimeError("the service failed after notify()")
    assert Delivery.objects.count() == 0 and Notification.objects.count() == 0
    assert queued == []


def test_broker_down_the_sweep_job_sends_it(world, receiver, monkeypatch, django_capture_on_commit_callbacks):
    make_robot(receiver, role=Role.PM, message_format="text")

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(send_deliveries, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.pm], title="新请求待分派", url="/tickets/1/", kind="ticket.submitted")  # no exception
    (delivery,) = Delivery.objects.all()
    assert delivery.status == Delivery.Status.PENDING and receiver.received == []
    robot_deliveries.run()
    assert len(receiver.received) == 1
    assert receiver.received[0].json["text"]["content"].startswith("【金保服务运维门户】新请求待分派")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    robot_deliveries.run()
    assert len(receiver.received) == 1


def test_server_errors_are_retried_with_back_off_then_marked_failed(world, receiver, queued, settings):
    settings.ROBOT_MAX_ATTEMPTS = 3
    make_robot(receiver, role=Role.PM)
    receiver.then(502).then(200, {"errcode": 45009, "errmsg": "api freq out of limit"}).then(500)
    with clock.frozen_at(clock.now()):
        (_note,) = notify([world.pm], title="t", kind="ticket.submitted")
        delivery = Delivery.objects.get()
        assert send_deliveries([delivery.pk]) == 0
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
        assert delivery.last_error == "HTTP 502"
        assert delivery.next_attempt_at == clock.now() + services.BACKOFF[0]
        assert queued[-1] == ([delivery.pk], pytest.approx(30, abs=1))
        assert services.send(delivery.pk) == "skipped"  # not due yet
    with later(1):
        assert services.send(delivery.pk) == Delivery.Status.PENDING  # rate limited: retried
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and "45009" in delivery.last_error
    with later(4):
        assert services.send(delivery.pk) == Delivery.Status.FAILED  # third attempt: the last
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.last_error == "HTTP 500"
    assert len(receiver.received) == 3
    with later(60):
        assert services.send_due() == {}  # a failed message waits for a person


def test_a_refused_key_fails_at_once_without_showing_the_key(world, receiver, queued):
    make_robot(receiver, role=Role.PM)
    receiver.then(200, {"errcode": 93000, "errmsg": f"invalid webhook url, hint: key {KEY}"})
    notify([world.pm], title="t", kind="ticket.submitted")
    delivery = Delivery.objects.get()
    assert services.send(delivery.pk) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert "93000" in delivery.last_error and KEY not in delivery.last_error


def test_a_slow_robot_times_out_and_is_retried(world, receiver, queued):
    make_robot(receiver, role=Role.PM)
    receiver.then(200, delay=2.5)
    notify([world.pm], title="t", kind="ticket.submitted")
    delivery = Delivery.objects.get()
    assert services.send(delivery.pk) == Delivery.Status.PENDING
    delivery.refresh_from_db()
    assert "超时" in delivery.last_error and delivery.attempts == 1
    with later(1):
        assert services.send(delivery.pk) == Delivery.Status.SENT


def test_a_worker_that_died_mid_send_lets_the_lease_run_out(world, receiver, queued):
    make_robot(receiver, role=Role.PM)
    notify([world.pm], title="t", kind="ticket.submitted")
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, lease_until=clock.now() + services.LEASE, attempts=1
    )
    assert services.send(delivery.pk) == "skipped"  # another worker holds it
    assert receiver.received == []
    with later(3):
        assert services.send_due() == {Delivery.Status.SENT: 1}
    assert len(receiver.received) == 1


def test_who_hears_what(world, receiver, queued):
    dept = make_robot(receiver, name="dept", department=world.dept_a, categories=["signoff"])
    heads = make_robot(receiver, name="heads", role=Role.DEPT_HEAD)
    both = make_robot(receiver, name="both", department=world.dept_a, role=Role.STAFF)
    make_robot(receiver, name="off", role=Role.STAFF, is_active=False)
    notify([world.staff, world.outsiders["dept_head"]], title="签署提醒", kind="signoff.signed")
    notify([world.dept_head], title="升级", kind="ticket.upgrade")
    notify([world.staff], title="账户已创建", kind="security.account_created")  # never to a group
    notify([world.staff], title="审计检查点", kind="jobs.audit_checkpoint")
    got = sorted((d.robot.name, d.title) for d in Delivery.objects.select_related("robot"))
    assert got == [("both", "签署提醒"), ("dept", "签署提醒"), ("heads", "升级"), ("heads", "签署提醒")]
    assert (
        Delivery.objects.get(robot=heads, title="签署提醒").recipients
        == world.outsiders["dept_head"].display_name
    )
    assert dept and both


def test_each_persons_choice(world, receiver, queued):
    make_robot(receiver, department=world.dept_a, message_format="text")
    ChannelPreference.objects.create(user=world.staff, robot=False)
    ChannelPreference.objects.create(user=world.dept_head, email=False, mention=True)
    notes = notify([world.staff, world.dept_head], title="t", kind="ticket.resolved")
    by_user = {n.recipient_id: n for n in notes}
    assert by_user[world.staff.pk].email is True
    assert Notification.objects.get(pk=by_user[world.dept_head.pk].pk).email is False
    (delivery,) = Delivery.objects.all()
    assert delivery.recipients == world.dept_head.display_name
    assert delivery.payload["text"]["mentioned_mobile_list"] == ["13900000002"]
    ChannelPreference.objects.filter(user=world.dept_head).update(robot=False)
    notify([world.staff, world.dept_head], title="t2", kind="ticket.resolved")
    assert Delivery.objects.count() == 1  # nobody left who wants the group message


def test_failures_on_the_jobs_page_and_send_again(
    world, receiver, queued, client, django_capture_on_commit_callbacks
):
    make_robot(receiver, role=Role.PM)
    receiver.then(404)
    notify([world.pm], title="周报草稿已生成", kind="reports.weekly_draft")
    delivery = Delivery.objects.get()
    assert services.send(delivery.pk) == Delivery.Status.FAILED
    client.force_login(world.bureau_admin)
    body = client.get(reverse("jobs:list")).content.decode()
    assert 'data-testid="robot-failures"' in body and "周报草稿已生成" in body and "HTTP 404" in body
    assert reverse("channels:delivery_resend", args=[delivery.pk]) in body
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="robot-failures-home"' in home and "HTTP 404" in home
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("channels:delivery_resend", args=[delivery.pk]), {"back": "jobs"})
    assert response.status_code == 302 and response.url == reverse("jobs:list")
    assert queued[-1] == ([delivery.pk], None)
    assert send_deliveries([delivery.pk]) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    assert 'data-testid="robot-failures-home"' not in client.get(reverse("home")).content.decode()
    entry = AuditEntry.objects.filter(action="channels.delivery_resend").get()
    assert entry.actor == world.bureau_admin
    # a sent message cannot be "sent again"
    response = client.post(reverse("channels:delivery_resend", args=[delivery.pk]), follow=True)
    assert "只有发送失败的消息可以重新发送" in response.content.decode()
    assert len(receiver.received) == 2


def test_the_demo_replay_sends_nothing_to_robots(world, receiver, queued):
    from common.notifications import email_muted

    make_robot(receiver, role=Role.PM)
    with email_muted():
        notify([world.pm], title="t", kind="ticket.submitted")
    assert Delivery.objects.count() == 0


def test_a_task_hands_back_what_is_not_due_yet(world, receiver, queued):
    make_robot(receiver, role=Role.PM)
    notify([world.pm], title="一", kind="ticket.submitted")
    notify([world.pm], title="二", kind="ticket.submitted")
    first, second = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=second.pk).update(next_attempt_at=clock.now() + dt.timedelta(seconds=90))
    queued.clear()
    assert send_deliveries([first.pk, second.pk]) == 1
    assert queued == [([second.pk], pytest.approx(90, abs=2))]
    with later(2):
        assert send_deliveries([second.pk]) == 1
    assert [r.json["markdown"]["content"].split("\n")[0] for r in receiver.received] == ["**一**", "**二**"]


def test_the_job_forgets_old_sent_messages_but_not_failed_ones(world, receiver, queued, settings):
    settings.ROBOT_DELIVERY_RETENTION_DAYS = 30
    make_robot(receiver, role=Role.PM)
    notify([world.pm], title="旧", kind="ticket.submitted")
    notify([world.pm], title="失败", kind="ticket.submitted")
    old, failed = Delivery.objects.order_by("pk")
    services.send(old.pk)
    Delivery.objects.filter(pk=failed.pk).update(status=Delivery.Status.FAILED)
    with later(60 * 24 * 29):
        robot_deliveries.run()
        assert Delivery.objects.count() == 2
    with later(60 * 24 * 31):
        robot_deliveries.run()
    assert list(Delivery.objects.values_list("title", flat=True)) == ["失败"]
