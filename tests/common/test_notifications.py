from django.core import mail
from django.urls import reverse

from common.models import Notification
from common.notifications import notify
from common.tasks import send_notification_emails

from ..factories import make_user


def test_notify_creates_one_per_recipient_and_mails_after_commit(db, django_capture_on_commit_callbacks):
    a, b = make_user("pm"), make_user("engineer")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notes = notify([a, b, a, None], title="新请求待分派", body="请分派", url="/x/")
    assert len(notes) == 2
    assert len(callbacks) == 1  # the e-mail task is enqueued only when the transaction commits
    assert mail.outbox == []


def test_the_email_task_sends_once(db, settings):
    user = make_user("pm")
    note = Notification.objects.create(recipient=user, title="签署提醒", body="请签署", url="/t/1/")
    assert send_notification_emails([note.pk]) == 1
    assert send_notification_emails([note.pk]) == 0  # a retried or duplicated task sends nothing more
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "签署提醒" in message.subject and message.to == [user.email]
    assert "请签署" in message.body and "/t/1/" in message.body
    assert message.alternatives and "签署提醒" in message.alternatives[0][0]


def test_unread_count_in_header_and_mark_read(db, client):
    user = make_user("engineer")
    notify([user], title="第一条", email=False)
    notify([user], title="第二条", email=False)
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">2<' in body
    client.post(reverse("common:notification_read"), {"all": "1"})
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0


def test_one_cannot_mark_someone_elses_notifications(db, client):
    owner, other = make_user("engineer"), make_user("engineer")
    (note,) = notify([owner], title="私人", email=False)
    client.force_login(other)
    client.post(reverse("common:notification_read"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None
    assert "私人" not in client.get(reverse("common:notifications"), {"show": "all"}).content.decode()


def test_the_plain_text_part_is_not_html_escaped(db):
    """The text part showed `&quot;` and `&lt;` (issue 16 item 14); the HTML part stays escaped."""
    user = make_user("pm")
    note = Notification.objects.create(
        recipient=user, title='请求 "<打印机>" 已解决', body='备注：a < b & "c"', url="/t/1/?a=1&b=2"
    )
    send_notification_emails([note.pk])
    message = mail.outbox[0]
    assert 'a < b & "c"' in message.body and "/t/1/?a=1&b=2" in message.body
    assert "&quot;" not in message.body and "&lt;" not in message.body and "&amp;" not in message.body
    assert '"<打印机>"' in message.subject
    assert "&lt;打印机&gt;" in message.alternatives[0][0]
