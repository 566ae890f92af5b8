"""``manage.py score_facts [--contract NUMBER]``: compute every request's score facts again (issue 14).

The services keep the facts on write; this is for rows written around them (a bulk load, a restore,
a hand-made fix in the database)."""

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from tickets.score_facts import rebuild


class Command(BaseCommand):
    help = "Compute the score facts of every request (or of one contract's) again."

    def add_arguments(self, parser):
        parser.add_argument("--contract", help="a contract number; default: every contract")

    def handle(self, *args, contract=None, **options):
        target = None
        if contract:
            target = Contract.objects.filter(number=contract).first()
            if target is None:
                raise CommandError(f"no contract {contract}")
        count = rebuild(target)
        self.stdout.write(f"score facts of {count} requests written")
