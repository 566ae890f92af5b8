"""Rebuild the search index of every request (after a bulk import; normal writes index themselves)."""

from django.core.management.base import BaseCommand

from tickets.search import reindex_all


class Command(BaseCommand):
    help = "重建服务请求的搜索索引"

    def handle(self, *args, **options):
        self.stdout.write(f"{reindex_all()} requests indexed")
