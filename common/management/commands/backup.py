"""Back up the database, the uploaded files and the audit checkpoints into one dated folder
(common/backup.py). Run it as the database owner (``BACKUP_DATABASE_URL`` is not needed: use the
owner's DATABASE_URL for this command)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（pg_dump 自定义格式）、上传文件和审计检查点到一个按时间命名的目录。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="备份根目录（默认 BACKUP_DIR，即 var/backups）")

    def handle(self, *args, dir=None, **options):
        try:
            folder = backup(Path(dir) if dir else None)
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        import json

        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        self.stdout.write(
            f"backup {folder}: {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables, "
            f"{len(manifest['files'])} files, audit checkpoint #{manifest['audit_checkpoint']['seq']}, "
            f"{sum(manifest['sizes'].values()) / 1e6:.1f} MB, seconds {manifest['seconds']}"
        )
        self.stdout.write(str(folder))
