"""Relaying robot deliveries: a task per notify() (after its commit) and a sweep job for the rest."""

from celery import shared_task
from django.utils.translation import gettext as _

from common import clock
from jobs.runner import scheduled_task

from . import services
from .models import Delivery


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_deliveries(delivery_ids: list[int]) -> int:
    """Send these deliveries; those to try again later are handed back with a countdown (and, if the
    broker loses that, the sweep job finds them when they are due). Safe to run twice."""
    sent = sum(services.send(pk) == Delivery.Status.SENT for pk in delivery_ids)
    # Those still waiting (a retry, or one not due yet when this copy ran) go back with a countdown.
    waiting = Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.PENDING)
    first = waiting.order_by("next_attempt_at").first()
    if first is not None:
        wait = max(1.0, (first.next_attempt_at - clock.now()).total_seconds())
        services.enqueue(list(waiting.values_list("pk", flat=True)), countdown=wait)
    return sent


@scheduled_task("channels.robot_deliveries")
def robot_deliveries() -> str:
    """Send what is due and say how many wait or failed (failures are listed on the jobs page)."""
    counts = services.send_due()
    services.purge_sent()
    failed = Delivery.objects.filter(status=Delivery.Status.FAILED).count()
    waiting = Delivery.objects.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).count()
    return _("本次发送 %(sent)s 条；等待重试 %(waiting)s 条；发送失败待处理 %(failed)s 条") % {
        "sent": counts.get(Delivery.Status.SENT, 0),
        "waiting": waiting,
        "failed": failed,
    }
