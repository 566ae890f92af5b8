"""Verify the audit log: every entry's HMAC-SM3 and link, the head row, and the newest signed checkpoint.

    python manage.py verify_audit_chain                       # against AUDIT_CHECKPOINT_DIR's newest
    python manage.py verify_audit_chain --checkpoint FILE     # a checkpoint line the auditor kept
    python manage.py verify_audit_chain --no-checkpoint

Exits non-zero, with the first problem, when anything does not match (docs/SECURITY.md).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common import checkpoints
from common.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit log's keyed hash chain; compare it with its head and the last signed checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint", metavar="FILE", help="a checkpoint file or a saved checkpoint line"
        )
        parser.add_argument("--no-checkpoint", action="store_true", help="do not compare with a checkpoint")

    def handle(self, *args, **options):
        checkpoint = None
        if not options["no_checkpoint"]:
            try:
                checkpoint = checkpoints.latest(
                    Path(options["checkpoint"]) if options["checkpoint"] else None
                )
            except checkpoints.CheckpointError as exc:
                raise CommandError(f"audit checkpoint rejected: {exc}") from exc
            if options["checkpoint"] and checkpoint is None:
                raise CommandError(f"{options['checkpoint']}: no checkpoint in it")
        report = verify_chain(checkpoint=checkpoint)
        if not report.ok:
            raise CommandError(
                f"audit chain broken at #{report.broken_seq}: {report.reason} "
                f"({report.checked} rows verified before it)"
            )
        against = f"; matches the checkpoint of #{checkpoint.seq} ({checkpoint.at})" if checkpoint else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"audit chain intact: {report.checked} rows verified, head #{report.head_seq}{against}"
            )
        )
