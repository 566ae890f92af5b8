import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import load_demo
from demo.people import LOGINS_SHOWN, demo_password


class Command(BaseCommand):
    help = "Load the demo data (idempotent: does nothing when it is already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args, quiet_logins=False, **options):
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("演示数据不能载入生产环境（production settings）。")
        started = time.monotonic()
        if load_demo(stdout=self.stdout):
            self.stdout.write(self.style.SUCCESS(f"demo loaded in {time.monotonic() - started:.1f}s"))
        else:
            self.stdout.write("demo already loaded")
        if not quiet_logins:
            self.stdout.write(f"demo logins (password {demo_password()}): " + ", ".join(LOGINS_SHOWN))
