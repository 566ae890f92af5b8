"""Robots (configuration, audited), people's choice of channels, and sending deliveries.

``fan_out`` is registered with ``common.notifications`` (apps.py): every ``notify()`` call passes its
new notifications, and inside the same transaction this writes one delivery per robot that serves at
least one of the recipients. ``send`` relays a delivery: claimed with a lease (one worker at a time),
marked sent after the robot said ok — a delivery is posted once unless a worker dies between the
robot's answer and the mark (then the lease runs out and it is posted again: at least once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import clock
from common.audit import log_action
from common.errors import ServiceError

from . import messages, webhook
from .models import ChannelPreference, Delivery, Robot

# What a robot may be limited to (blank: all of them). Kinds are "<area>.<event>" (notify(kind=)).
CATEGORIES: dict[str, tuple[object, tuple[str, ...]]] = {
    "tickets": (gettext_lazy("维护请求与升级"), ("ticket.", "tickets.", "ticket")),
    "signoff": (gettext_lazy("服务内容确认表"), ("signoff.",)),
    "rosters": (gettext_lazy("人员、考勤与值班"), ("rosters.",)),
    "performance": (gettext_lazy("满意度调查与考核"), ("performance.",)),
    "payments": (gettext_lazy("付款"), ("payments.",)),
    "reports": (gettext_lazy("周报"), ("reports.",)),
    "jobs": (gettext_lazy("初始化与工作日历提醒"), ("jobs.",)),
}
# Never posted to a group: personal account matters and the auditors' checkpoints.
PRIVATE_PREFIXES = ("security.", "accounts.", "jobs.audit_checkpoint", "channels.")

LEASE = dt.timedelta(seconds=120)
# Waits after the 1st, 2nd, ... failed attempt; after the last one the delivery is marked failed.
BACKOFF = (
    dt.timedelta(seconds=30),
    dt.timedelta(minutes=2),
    dt.timedelta(minutes=10),
    dt.timedelta(minutes=30),
)


def max_attempts() -> int:
    return getattr(settings, "ROBOT_MAX_ATTEMPTS", len(BACKOFF) + 1)


def category_of(kind: str) -> str | None:
    for code, (_label, prefixes) in CATEGORIES.items():
        if any(kind == p.rstrip(".") or kind.startswith(p) for p in prefixes):
            return code
    return None


def is_private(kind: str) -> bool:
    return any(kind == p.rstrip(".") or kind.startswith(p) for p in PRIVATE_PREFIXES)


def robot_serves(robot: Robot, user, kind: str) -> bool:
    if robot.department_id and robot.department_id != user.department_id:
        return False
    if robot.role and robot.role != user.role:
        return False
    if robot.categories and category_of(kind) not in robot.categories:
        return False
    return bool(robot.department_id or robot.role)


def preferences_for(users: Iterable) -> dict[int, ChannelPreference]:
    ids = [u.pk for u in users]
    return {p.user_id: p for p in ChannelPreference.objects.filter(user_id__in=ids)}


def _link(url: str) -> str:
    if not url:
        return ""
    if url.startswith("/"):
        return str(settings.PORTAL_BASE_URL).rstrip("/") + url
    return url if url.startswith(("https://", "http://")) else ""


# ---------------------------------------------------------------- notify() hook


@transaction.atomic
def fan_out(notifications: list) -> list[Delivery]:
    """Called by ``notify()`` with the rows it created (same transaction): apply each recipient's
    choice of e-mail, and write one delivery per robot serving at least one recipient."""
    if not notifications:
        return []
    prefs = preferences_for([n.recipient for n in notifications])
    no_email = [n for n in notifications if n.email and not getattr(prefs.get(n.recipient_id), "email", True)]
    if no_email:
        for n in no_email:
            n.email = False
        type(no_email[0]).objects.filter(pk__in=[n.pk for n in no_email]).update(email=False)
    kind = notifications[0].kind
    if is_private(kind):
        return []
    robots = list(Robot.objects.filter(is_active=True).select_related("department"))
    if not robots:
        return []
    deliveries = []
    for robot in robots:
        served = [
            n
            for n in notifications
            if getattr(prefs.get(n.recipient_id), "robot", True) and robot_serves(robot, n.recipient, kind)
        ]
        if not served:
            continue
        first = served[0]
        mobiles = []
        if robot.message_format == "text":
            mobiles = [
                m
                for n in served
                if getattr(prefs.get(n.recipient_id), "mention", False)
                and (m := messages.mobile(n.recipient.phone))
            ]
        names = [n.recipient.display_name for n in served]
        payload = messages.build_payload(
            message_format=robot.message_format,
            title=first.title,
            body=first.body,
            link=_link(first.url),
            names=names,
            mobiles=mobiles,
        )
        deliveries.append(
            Delivery(
                robot=robot,
                kind=kind,
                title=first.title[:200],
                recipients=messages.cut("、".join(names), 300),
                payload=payload,
            )
        )
    created = Delivery.objects.bulk_create(deliveries)
    if created:
        ids = [d.pk for d in created]
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return created


def enqueue(ids: list[int], countdown: float | None = None) -> None:
    """Hand deliveries to the worker. If the broker is down the rows wait for the sweep job."""
    from .tasks import send_deliveries

    try:
        send_deliveries.apply_async((ids,), countdown=countdown)
    except Exception:
        import logging

        logging.getLogger(__name__).warning("robot deliveries %s left for the sweep job", ids, exc_info=True)


# ---------------------------------------------------------------- sending


def _due_q(now) -> Q:
    return Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Delivery.Status.SENDING, lease_until__lt=now
    )


def send(pk: int) -> str:
    """Try one delivery if it is due and nobody else holds it; return its status afterwards."""
    now = clock.now()
    claimed = Delivery.objects.filter(_due_q(now), pk=pk).update(
        status=Delivery.Status.SENDING, lease_until=now + LEASE, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("robot").get(pk=pk)
    robot = delivery.robot
    if not robot.is_active:
        outcome = webhook.Outcome(False, False, _("群机器人已停用"))
    else:
        try:
            outcome = webhook.post(robot.webhook_url, delivery.payload)
        except Exception as exc:
            outcome = webhook.Outcome(False, False, " ".join(getattr(exc, "messages", [str(exc)])))
    detail = _without_key(outcome.detail, robot.webhook_url)[:500]
    done = clock.now()
    base = Delivery.objects.filter(pk=pk, status=Delivery.Status.SENDING)
    if outcome.ok:
        base.update(status=Delivery.Status.SENT, sent_at=done, lease_until=None, last_error="")
        return Delivery.Status.SENT
    if outcome.retry and delivery.attempts < max_attempts():
        wait = BACKOFF[min(delivery.attempts - 1, len(BACKOFF) - 1)]
        base.update(
            status=Delivery.Status.PENDING, next_attempt_at=done + wait, lease_until=None, last_error=detail
        )
        return Delivery.Status.PENDING
    base.update(status=Delivery.Status.FAILED, lease_until=None, last_error=detail)
    return Delivery.Status.FAILED


def _without_key(text: str, url: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    key = (parse_qs(urlsplit(url).query).get("key") or [""])[0]
    return text.replace(key, "••••") if key else text


def send_due(limit: int = 200) -> dict[str, int]:
    """Every delivery that is due (a lost task, an expired lease, a retry whose time has come)."""
    ids = list(
        Delivery.objects.filter(_due_q(clock.now()))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in ids:
        status = send(pk)
        counts[status] = counts.get(status, 0) + 1
    return counts


def purge_sent() -> int:
    """Sent messages older than ``ROBOT_DELIVERY_RETENTION_DAYS`` are deleted (failed ones stay until
    someone sends them again)."""
    days = getattr(settings, "ROBOT_DELIVERY_RETENTION_DAYS", 90)
    cutoff = clock.now() - dt.timedelta(days=days)
    deleted, _per_model = Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def resend(*, delivery: Delivery, actor) -> Delivery:
    """Send a failed delivery again (the administrator fixed the address or the robot is back)."""
    updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=clock.now(), last_error=""
    )
    if not updated:
        raise ServiceError(_("只有发送失败的消息可以重新发送。"))
    delivery.refresh_from_db()
    log_action("channels.delivery_resend", actor=actor, obj=delivery, changes={"robot": str(delivery.robot)})
    pk = delivery.pk
    transaction.on_commit(lambda: enqueue([pk]), robust=True)
    return delivery


# ---------------------------------------------------------------- configuration

AUDITED_FIELDS = ("name", "kind", "department", "role", "categories", "message_format", "is_active")


def _state(robot: Robot) -> dict:
    return {
        "name": robot.name,
        "kind": robot.kind,
        "department": str(robot.department) if robot.department_id else "",
        "role": robot.role,
        "categories": sorted(robot.categories or []),
        "message_format": robot.message_format,
        "is_active": robot.is_active,
        # the address itself is a secret: the audit log shows only that it changed, and its last 4
        "webhook": robot.masked_url,
    }


def _check(robot: Robot) -> None:
    robot.webhook_url = webhook.validate_webhook_url(robot.webhook_url)
    robot.full_clean()


@transaction.atomic
def robot_create(*, actor, **fields) -> Robot:
    robot = Robot(**fields)
    _check(robot)
    robot.save()
    log_action("channels.robot_created", actor=actor, obj=robot, changes=_state(robot))
    return robot


@transaction.atomic
def robot_update(*, robot: Robot, actor, webhook_url: str = "", **fields) -> Robot:
    """Change a robot; an empty ``webhook_url`` keeps the saved address (it is never shown again)."""
    locked = Robot.objects.select_for_update().get(pk=robot.pk)
    before = _state(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    if webhook_url:
        locked.webhook_url = webhook_url
    _check(locked)
    locked.save()
    after = _state(locked)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if webhook_url and before["webhook"] == after["webhook"]:
        changes["webhook"] = [before["webhook"], _("已更换（末四位相同）")]
    if changes:
        log_action("channels.robot_changed", actor=actor, obj=locked, changes=changes)
    return locked


@transaction.atomic
def robot_test(*, robot: Robot, actor) -> Delivery:
    """Queue a test message to the robot (the administrator sees it arrive in the group)."""
    payload = messages.build_payload(
        message_format=robot.message_format,
        title=_("测试消息：%(name)s") % {"name": robot.name},
        body=_("这是%(who)s从门户发出的测试消息，收到即说明群机器人配置正确。") % {"who": actor.display_name},
        link=_link("/"),
        names=[],
    )
    delivery = Delivery.objects.create(
        robot=robot, kind="channels.test", title=payload_title(robot), recipients="", payload=payload
    )
    log_action("channels.robot_test", actor=actor, obj=robot)
    pk = delivery.pk
    transaction.on_commit(lambda: enqueue([pk]), robust=True)
    return delivery


def payload_title(robot: Robot) -> str:
    return (_("测试消息：%(name)s") % {"name": robot.name})[:200]


@transaction.atomic
def preference_save(*, user, email: bool, robot: bool, mention: bool) -> ChannelPreference:
    pref, _created = ChannelPreference.objects.select_for_update().get_or_create(user=user)
    before = {"email": pref.email, "robot": pref.robot, "mention": pref.mention}
    pref.email, pref.robot, pref.mention = email, robot, mention
    pref.save()
    after = {"email": email, "robot": robot, "mention": mention}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes or _created:
        log_action("channels.preference_changed", actor=user, obj=pref, changes=changes)
    return pref
