"""Restore a backup folder (manage.py backup) into the empty database of DATABASE_URL and an empty
media folder, then verify it: row counts, file checksums, the audit chain against the backup's signed
checkpoint. Exits non-zero if anything differs (common/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backup import BackupError, restore


class Command(BaseCommand):
    help = "把备份目录恢复到空数据库和空的上传文件目录，并核对行数、文件校验和与审计链。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="manage.py backup 生成的目录")
        parser.add_argument("--media-root", help="恢复上传文件到这里（默认 MEDIA_ROOT）")

    def handle(self, *args, folder, media_root=None, **options):
        try:
            report = restore(Path(folder), media_root=Path(media_root) if media_root else None)
        except (BackupError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        self.stdout.write(
            f"restored {report.folder}: {report.rows} rows, {report.files} files; "
            f"audit: {report.audit or '—'}; seconds {report.seconds}"
        )
        if not report.ok:
            raise CommandError("restore verification failed:\n  " + "\n  ".join(report.problems))
        self.stdout.write(
            self.style.SUCCESS("restore verified: rows, files and audit chain match the backup")
        )
