"""The robots' configuration page (bureau admin, system administrator), the delivery records and each
person's choice of channels; configuration changes are audited and the webhook key never shown."""

from django.urls import reverse

from accounts.roles import Role
from channels.models import ChannelPreference, Delivery, Robot
from common.models import AuditEntry

from .receiver import KEY


def _form(receiver, **overrides):
    data = {
        "name": "养老保险科工作群",
        "kind": "govwechat",
        "webhook_url": receiver.url(),
        "department": "",
        "role": Role.DEPT_HEAD,
        "categories": ["tickets", "signoff"],
        "message_format": "text",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_bureau_admin_adds_a_robot_and_the_key_is_not_shown_again(world, receiver, client):
    client.force_login(world.bureau_admin)
    response = client.post(reverse("channels:robot_create"), _form(receiver))
    assert response.status_code == 302
    robot = Robot.objects.get()
    assert robot.webhook_url == receiver.url() and robot.role == Role.DEPT_HEAD
    assert robot.categories == ["tickets", "signoff"]
    listing = client.get(reverse("channels:robots")).content.decode()
    assert "养老保险科工作群" in listing and KEY not in listing and "••••" + KEY[-4:] in listing
    Delivery.objects.create(robot=robot, title="x", payload={}, status=Delivery.Status.FAILED)
    assert "1 条失败" in client.get(reverse("channels:robots")).content.decode()
    edit = client.get(reverse("channels:robot_edit", args=[robot.pk])).content.decode()
    assert KEY not in edit and "••••" in edit
    entry = AuditEntry.objects.get(action="channels.robot_created")
    assert entry.actor == world.bureau_admin and KEY not in str(entry.changes)
    assert entry.changes["role"] == Role.DEPT_HEAD and entry.changes["webhook"].endswith(KEY[-4:])


def test_editing_with_an_empty_address_keeps_it_and_a_new_one_is_audited_masked(world, receiver, client):
    robot = Robot.objects.create(name="群", webhook_url=receiver.url(), role=Role.PM)
    client.force_login(world.sysadmin)
    response = client.post(
        reverse("channels:robot_edit", args=[robot.pk]), _form(receiver, webhook_url="", name="项目群")
    )
    assert response.status_code == 302
    robot.refresh_from_db()
    assert robot.name == "项目群" and robot.webhook_url == receiver.url()
    entry = AuditEntry.objects.get(action="channels.robot_changed")
    assert entry.changes["name"] == ["群", "项目群"] and "webhook" not in entry.changes
    new_key = "NEWKEY-0000-1111-2222"
    client.post(
        reverse("channels:robot_edit", args=[robot.pk]), _form(receiver, webhook_url=receiver.url(new_key))
    )
    robot.refresh_from_db()
    assert robot.webhook_url.endswith(new_key)
    entry = AuditEntry.objects.filter(action="channels.robot_changed").order_by("-seq").first()
    assert entry.changes["webhook"][1].endswith("2222") and new_key not in str(entry.changes)


def test_a_wrong_address_or_no_target_is_refused_with_what_was_typed(world, receiver, client):
    client.force_login(world.bureau_admin)
    response = client.post(
        reverse("channels:robot_create"),
        _form(receiver, webhook_url="https://example.com/cgi-bin/webhook/send?key=abcdefgh1234"),
    )
    body = response.content.decode()
    assert response.status_code == 200 and "不允许的服务器" in body and "养老保险科工作群" in body
    response = client.post(reverse("channels:robot_create"), _form(receiver, role="", department=""))
    assert "请至少选择一个科室或一个角色" in response.content.decode()
    assert (
        Robot.objects.count() == 0 and not AuditEntry.objects.filter(action__startswith="channels.").exists()
    )


def test_the_test_message_arrives(world, receiver, client, queued, django_capture_on_commit_callbacks):
    from channels.tasks import send_deliveries

    robot = Robot.objects.create(name="局信息化群", webhook_url=receiver.url(), role=Role.BUREAU_ADMIN)
    client.force_login(world.bureau_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("channels:robot_test", args=[robot.pk]))
    assert response.url == reverse("channels:deliveries")
    send_deliveries(queued[-1][0])
    assert "测试消息：局信息化群" in receiver.received[0].json["markdown"]["content"]
    page = client.get(reverse("channels:deliveries"), {"status": "sent"}).content.decode()
    assert "测试消息：局信息化群" in page
    assert AuditEntry.objects.filter(action="channels.robot_test", actor=world.bureau_admin).exists()


def test_delivery_list_keeps_its_queries_flat(world, receiver, client, django_assert_max_num_queries):
    robot = Robot.objects.create(name="群", webhook_url=receiver.url(), role=Role.PM)
    payload = {"msgtype": "text", "text": {"content": "x"}}
    Delivery.objects.bulk_create(Delivery(robot=robot, title=f"消息{i}", payload=payload) for i in range(40))
    client.force_login(world.sysadmin)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("channels:deliveries")).content.decode()
    assert "消息39" in body and "消息0<" not in body  # 30 a page


def test_each_person_chooses_their_channels(world, client):
    client.force_login(world.staff)
    page = client.get(reverse("channels:preferences")).content.decode()
    assert 'name="email"' in page and 'name="robot"' in page and 'name="mention"' in page
    response = client.post(reverse("channels:preferences"), {"robot": "on", "mention": "on"})
    assert response.status_code == 302
    pref = ChannelPreference.objects.get(user=world.staff)
    assert (pref.email, pref.robot, pref.mention) == (False, True, True)
    entry = AuditEntry.objects.get(action="channels.preference_changed")
    assert entry.changes == {"email": [True, False], "mention": [False, True]}
    assert 'data-testid="channel-preferences-link"' in page
