"""Backup and restore (issue 15): manage.py backup, then manage.py restore into a new, empty
PostgreSQL database and an empty media folder. Row counts and file checksums are equal, the audit
chain verifies against the backup's signed checkpoint, and a login works on the restored data."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from common.backup import BackupError, restore

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump / pg_restore"),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    yield name, f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_an_empty_database_gives_the_same_data(tmp_path, empty_database, settings):
    import psycopg2

    from tests.access.tickets import _ticket
    from tests.conftest import build_world
    from tickets import services

    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"  # not the suite's folder: other tests read it
    world = build_world()
    ticket = _ticket(world)
    content = b"%PDF-1.4\n" + os.urandom(4096) + b"\n%%EOF\n"
    attachment = services.attachment_add(
        ticket=ticket,
        actor=world.staff,
        upload=SimpleUploadedFile("现场照片.pdf", content, content_type="application/pdf"),
    )
    call_command("backup", dir=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    assert {p.name for p in folder.iterdir()} == {
        "db.dump",
        "media.tar.gz",
        "checkpoints.jsonl",
        "manifest.json",
    }
    with pytest.raises(BackupError, match="not empty"):
        restore(folder)  # never over a live database

    name, url = empty_database
    media = tmp_path / "restored-media"
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder), "--media-root", str(media)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "jinbao_service.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restore verified" in result.stdout and "audit:" in result.stdout
    restored_file = media / attachment.file.name
    assert hashlib.sha256(restored_file.read_bytes()).hexdigest() == hashlib.sha256(content).hexdigest()
    s = connection.settings_dict
    restored = psycopg2.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"],
        dbname=name,
    )
    try:
        with restored.cursor() as cursor:
            cursor.execute("SELECT password FROM accounts_user WHERE username = %s", [world.staff.username])
            encoded = cursor.fetchone()[0]
    finally:
        restored.close()
    assert check_password("Test@Pass123", encoded)  # a login works with the restored account
    assert Path(settings.MEDIA_ROOT, attachment.file.name).exists()
