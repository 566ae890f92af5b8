"""Send the tasks that wait in the outbox (common/outbox.py) now, e.g. right after the broker is back."""

from django.core.management.base import BaseCommand

from common import outbox
from common.tasks import requeue_overdue_emails


class Command(BaseCommand):
    help = "把待发送任务（outbox）交给消息队列；消息队列不可用时退出码为 1。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=5000)
        parser.add_argument("--min-age", type=float, default=0, help="只发送创建至少这么多秒的记录")

    def handle(self, *args, limit, min_age, **options):
        result = outbox.relay(limit=limit, min_age_seconds=min_age)
        requeued = requeue_overdue_emails()
        if requeued:
            result.update(outbox.relay(limit=limit, min_age_seconds=0))
        self.stdout.write(f"sent {result['sent']}, pending {result['pending']}, e-mails requeued {requeued}")
        if result["pending"]:
            raise SystemExit(1)
