import time

from django.core.management.base import BaseCommand

from demo.credentials import demo_totp_secret
from security.twofactor import key_from_base32, token_at


class Command(BaseCommand):
    help = "Print the demo administrators' current six-digit code (for trying the portal without a phone)."

    def handle(self, *args, **options):
        secret = demo_totp_secret()
        code = token_at(key_from_base32(secret))
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{code}  (valid for {left} more seconds; secret {secret})")
