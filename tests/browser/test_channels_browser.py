"""In Chromium with the demo: the bureau admin adds a 政务微信 group robot pointing at a local
receiver, sends a test message, sees it delivered, edits the robot without seeing its key; a
department's staff member chooses their channels from the user menu."""

import re

import pytest
from playwright.sync_api import expect

from channels import services
from channels.models import Delivery, Robot

from ..channels.receiver import KEY, RobotReceiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver(settings, monkeypatch):
    server = RobotReceiver().start()
    settings.ROBOT_WEBHOOK_HOSTS = [server.host]
    settings.ROBOT_WEBHOOK_ALLOW_HTTP = True
    settings.ROBOT_TIMEOUT_SECONDS = 2
    monkeypatch.setattr(services, "enqueue", lambda ids, countdown=None: None)  # the test relays itself
    yield server
    server.stop()


def test_robot_configured_tested_and_chosen(demo, strict_page, live_server, log_in, receiver):
    page = strict_page
    base = live_server.url
    log_in("bureau")
    page.goto(f"{base}/channels/robots/")
    page.get_by_test_id("robot-new").click()
    page.fill("#id_name", "养老保险科工作群")
    page.select_option("#id_kind", "govwechat")
    page.fill("#id_webhook_url", receiver.url())
    page.select_option("#id_department", label="养老保险科")
    page.get_by_label("服务内容确认表").check()
    page.get_by_label("维护请求与升级").check()
    page.get_by_test_id("robot-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("robot-table")).to_contain_text("养老保险科工作群")
    expect(page.get_by_test_id("robot-table")).not_to_contain_text(KEY)
    expect(page.get_by_test_id("robot-table")).to_contain_text("••••" + KEY[-4:])

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发送测试消息").click()
    page.wait_for_url(re.compile(r".*/channels/deliveries/$"))
    assert services.send_due() == {Delivery.Status.SENT: 1}
    assert "测试消息：养老保险科工作群" in receiver.received[0].json["markdown"]["content"]
    page.reload()
    expect(page.get_by_test_id("delivery-table")).to_contain_text("已发送")

    # the robot's edit form never shows the key; saving with the field empty keeps it
    robot = Robot.objects.get()
    page.goto(f"{base}/channels/robots/{robot.pk}/edit/")
    expect(page.locator("#id_webhook_url")).to_have_value("")
    page.get_by_test_id("robot-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("robot-table")).to_be_visible()
    robot.refresh_from_db()
    assert robot.webhook_url == receiver.url()
    assert page.errors == []

    page.context.clear_cookies()
    log_in("staff1")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("channel-preferences-link").click()
    page.get_by_label("在群消息中 @ 我").check()
    page.get_by_test_id("preference-form").locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("消息接收设置已保存")
    assert page.errors == []
