"""Copy the audit entries older than the retention period to a file for offline custody.

    python manage.py archive_audit_log --output /backup/audit-2026-06.jsonl
    python manage.py archive_audit_log --verify /backup/audit-2026-06.jsonl

The file has one JSON object per entry (every column, hashes included) and a last line with the
manifest: how many entries, the first and last sequence numbers, the hash the segment continues
from and ends with, the SHA-256 of the lines above it, and from which entry on the hashes are
HMAC-SM3. ``--verify`` recomputes every entry's hash and the chain, so the copy can be checked years
later without the database (with the audit key, AUDIT_KEY_FILE, for the keyed entries).

Nothing is deleted: the audit log is append-only (on PostgreSQL a trigger refuses DELETE) and the
portal keeps every row; the archive is the copy kept apart, as 等保 2.0 asks (see docs/SECURITY.md).
"""

import datetime as dt
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common import chain
from common.audit import _entry_hash, log_action
from common.models import AuditEntry

FIELDS = [
    "seq",
    "created_at",
    "actor_id",
    "actor_name",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "success",
    "prev_hash",
    "hash",
]


class Command(BaseCommand):
    help = "Copy audit entries older than the retention period to a verifiable file (nothing is deleted)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (JSON lines)")
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            help="days; at least AUDIT_RETENTION_DAYS (the default)",
        )
        parser.add_argument("--verify", metavar="FILE", help="check an archive file instead")

    def handle(self, *args, **options):
        if options["verify"]:
            return self._verify(Path(options["verify"]))
        if not options["output"]:
            raise CommandError("--output is required (or --verify FILE)")
        days = options["older_than"] or settings.AUDIT_RETENTION_DAYS
        if days < settings.AUDIT_RETENTION_DAYS:
            retention = settings.AUDIT_RETENTION_DAYS
            raise CommandError(f"--older-than {days} is shorter than the retention period ({retention} days)")
        cutoff = timezone.now() - dt.timedelta(days=days)
        anchor = (
            AuditEntry.objects.filter(action=chain.ANCHOR_ACTION)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        entries = AuditEntry.objects.filter(created_at__lt=cutoff).order_by("seq")
        path = Path(options["output"])
        digest = hashlib.sha256()
        count, first, last, start_hash, end_hash = 0, None, None, None, None
        with path.open("w", encoding="utf-8") as out:
            for entry in entries.iterator(chunk_size=2000):
                row = {name: getattr(entry, name) for name in FIELDS}
                row["created_at"] = entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
                line = json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"
                out.write(line)
                digest.update(line.encode("utf-8"))
                if first is None:
                    first, start_hash = entry.seq, entry.prev_hash
                last, end_hash, count = entry.seq, entry.hash, count + 1
            manifest = {
                "manifest": True,
                "entries": count,
                "first_seq": first,
                "last_seq": last,
                "continues_from": start_hash,
                "ends_with": end_hash,
                "sha256": digest.hexdigest(),
                "older_than": cutoff.isoformat(),
                # entries from this sequence number on are HMAC-SM3 (the ones before, plain SHA-256)
                "algorithm": chain.ALGORITHM,
                "keyed_from": anchor or 1,
            }
            out.write(json.dumps(manifest) + "\n")
        log_action(
            "audit.archive",
            object_type="common.auditentry",
            object_repr=str(path.name),
            changes={k: v for k, v in manifest.items() if k != "manifest"},
        )
        self.stdout.write(self.style.SUCCESS(f"archived {count} entries (#{first}–#{last}) to {path}"))
        self._verify(path)

    def _verify(self, path: Path) -> None:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        if not lines:
            raise CommandError(f"{path} is empty")
        manifest = json.loads(lines[-1])
        digest = hashlib.sha256("".join(lines[:-1]).encode("utf-8")).hexdigest()
        if not manifest.get("manifest") or digest != manifest["sha256"]:
            raise CommandError(f"{path}: the manifest does not match the entries (file changed)")
        prev = manifest["continues_from"]
        # An archive written before the chain was keyed has no "keyed_from": all plain SHA-256.
        keyed_from = manifest.get("keyed_from") if manifest.get("algorithm") == chain.ALGORITHM else None
        for line in lines[:-1]:
            row = json.loads(line)
            if row["prev_hash"] != prev:
                raise CommandError(f"{path}: chain broken before #{row['seq']}")
            recomputed = _entry_hash(
                legacy=keyed_from is None or row["seq"] < keyed_from,
                **{k: row[k] for k in FIELDS if k not in {"hash", "created_at"}},
                created_at=parse_datetime(row["created_at"]),
            )
            if recomputed != row["hash"]:
                raise CommandError(f"{path}: entry #{row['seq']} does not match its hash (changed)")
            prev = row["hash"]
        self.stdout.write(self.style.SUCCESS(f"{path}: {manifest['entries']} entries verified"))
