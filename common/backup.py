"""Backup and restore: the database, the uploaded files and the audit checkpoints in one dated folder.

    python manage.py backup                 # → BACKUP_DIR/20261205-081500/ (var/backups by default)
    python manage.py restore FOLDER         # into the EMPTY database of DATABASE_URL, then verified

A backup folder holds:

- ``db.dump`` — ``pg_dump --format=custom`` (PostgreSQL), or ``db.sqlite3`` (SQLite's online backup);
- ``media.tar.gz`` — every uploaded file (MEDIA_ROOT);
- ``checkpoints.jsonl`` — the audit checkpoints, with one taken just before the dump (signed with the
  audit key: the restored chain must reach it and agree with it);
- ``manifest.json`` — when, the row count of every table, the SHA-256 of every file, the audit head,
  how long each part took.

The order matters: the checkpoint is taken first, then the dump, so the dump holds at least the
checkpoint's entries. Restore refuses a database that has tables, or a media folder with files; it
runs ``pg_restore`` (no owner, no privileges: run ``create_runtime_role`` afterwards for the runtime
role), unpacks the files, copies the checkpoints, then checks: row counts equal, every file's checksum
equal, the audit chain verifies and agrees with the backup's checkpoint. It exits non-zero otherwise.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import checkpoints
from .audit import verify_chain

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client)")
    return path


def _pg_args(settings_dict: dict) -> tuple[list[str], dict]:
    args = ["-h", settings_dict.get("HOST") or "127.0.0.1", "-p", str(settings_dict.get("PORT") or 5432)]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def row_counts() -> dict[str, int]:
    """Every table of the portal's models (auto-created many-to-many tables included)."""
    tables = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in tables and table not in counts:
                quoted = connection.ops.quote_name(table)  # a model's table, quoted
                cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def file_checksums(root: Path) -> dict[str, str]:
    sums = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            sums[str(path.relative_to(root))] = digest.hexdigest()
    return sums


def _timed(timings: dict, name: str, fn):
    started = time.monotonic()
    result = fn()
    timings[name] = round(time.monotonic() - started, 2)
    return result


def _dump_postgresql(folder: Path, timings: dict) -> dict[str, int]:
    settings_dict = connection.settings_dict
    args, env = _pg_args(settings_dict)
    # count the rows in the snapshot pg_dump dumps: the manifest matches the dump exactly, even
    # while the portal keeps writing
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = row_counts()
        _timed(
            timings,
            "database",
            lambda: subprocess.run(  # noqa: S603 — our own settings, no shell
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--compress=6",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(folder / "db.dump"),
                    *args,
                    settings_dict["NAME"],
                ],
                env=env,
                check=True,
                capture_output=True,
            ),
        )
    return counts


def _dump_sqlite(folder: Path, timings: dict) -> dict[str, int]:
    def copy_sqlite():
        source = sqlite3.connect(connection.settings_dict["NAME"])
        with sqlite3.connect(folder / "db.sqlite3") as target:
            source.backup(target)
        source.close()

    _timed(timings, "database", copy_sqlite)
    return row_counts()


def _pack_media(folder: Path, timings: dict) -> dict[str, str]:
    """The uploaded files into media.tar.gz, each hashed as it is packed."""
    media_root = Path(settings.MEDIA_ROOT)
    sums: dict[str, str] = {}

    def pack():
        with tarfile.open(folder / "media.tar.gz", "w:gz") as tar:
            for path in (
                sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
            ):
                name = str(path.relative_to(media_root))
                data = path.read_bytes()
                sums[name] = hashlib.sha256(data).hexdigest()
                info = tar.gettarinfo(str(path), arcname=f"media/{name}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))

    _timed(timings, "media", pack)
    return sums


def backup(target_dir: Path | None = None) -> Path:

    root = Path(target_dir or settings.BACKUP_DIR)
    folder = root / timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    timings: dict[str, float] = {}
    # 1. the audit head, signed, before the dump: the dump holds at least this much of the chain
    checkpoint = _timed(timings, "checkpoint", checkpoints.take)
    # 2. the database
    if connection.vendor == "postgresql":
        counts = _dump_postgresql(folder, timings)
    elif connection.vendor == "sqlite":
        counts = _dump_sqlite(folder, timings)
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    # 3. the uploaded files
    sums = _pack_media(folder, timings)
    # 4. the checkpoints, and the manifest last (a folder without one is incomplete)
    live = checkpoints.default_path()
    if live.exists():
        shutil.copy2(live, folder / "checkpoints.jsonl")
    manifest = {
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        "database": connection.settings_dict["NAME"] if connection.vendor == "postgresql" else "sqlite",
        "rows": counts,
        "files": sums,
        "audit_checkpoint": json.loads(checkpoint.line()),
        "seconds": timings,
        "sizes": {p.name: p.stat().st_size for p in folder.iterdir()},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


@dataclass
class RestoreReport:
    folder: Path
    seconds: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    rows: int = 0
    files: int = 0
    audit: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_manifest(folder: Path, media_root: Path) -> dict:
    """The backup's manifest, once the target is known to be empty and of the same vendor."""
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{folder}: no {MANIFEST} (not a backup folder, or an unfinished one)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"the backup is of {manifest['vendor']}, the target is {connection.vendor}")
    if connection.introspection.table_names():
        raise BackupError("the target database is not empty: restore only into a new, empty database")
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"{media_root} already holds files: restore into an empty media folder")
    return manifest


def _restore_database(folder: Path, report: RestoreReport) -> None:
    settings_dict = connection.settings_dict
    connection.close()
    if connection.vendor != "postgresql":
        _timed(
            report.seconds, "database", lambda: shutil.copyfile(folder / "db.sqlite3", settings_dict["NAME"])
        )
        return
    args, env = _pg_args(settings_dict)
    result = _timed(
        report.seconds,
        "database",
        lambda: subprocess.run(  # noqa: S603 — our own settings, no shell
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--jobs=2",
                *args,
                "--dbname",
                settings_dict["NAME"],
                str(folder / "db.dump"),
            ],
            env=env,
            capture_output=True,
            text=True,
        ),
    )
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")


def _unpack_media(folder: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar.gz", "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("media/"):
                continue
            member.name = member.name[len("media/") :]
            tar.extract(member, media_root, filter="data")


def _verify(manifest: dict, report: RestoreReport, media_root: Path, live: Path) -> None:
    """Rows, files and the audit chain as the manifest says they were at backup time."""

    counts = row_counts()
    for table, expected in manifest["rows"].items():
        if counts.get(table) != expected:
            report.problems.append(f"{table}: {counts.get(table)} rows restored, {expected} at backup")
    report.rows = sum(counts.values())
    sums = file_checksums(media_root)
    for name, digest in manifest["files"].items():
        if sums.get(name) != digest:
            report.problems.append(f"media {name}: {'missing' if name not in sums else 'checksum differs'}")
    report.files = len(sums)
    checkpoint = checkpoints.parse(json.dumps(manifest["audit_checkpoint"]))
    chain = verify_chain(checkpoint=checkpoint)
    if chain.ok:
        report.audit = (
            f"{chain.checked} entries verified, head #{chain.head_seq}, checkpoint #{checkpoint.seq}"
        )
    else:
        report.problems.append(f"audit chain broken at #{chain.broken_seq}: {chain.reason}")
    newest = checkpoints.latest() if live.exists() else None
    if newest and newest.seq > chain.head_seq:
        report.problems.append(
            f"the checkpoint folder knows audit entries up to #{newest.seq} ({newest.at}); the backup "
            f"ends at #{chain.head_seq}: entries after the backup are lost"
        )


def restore(folder: Path, *, media_root: Path | None = None) -> RestoreReport:

    folder = Path(folder)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = _read_manifest(folder, media_root)
    report = RestoreReport(folder)
    _restore_database(folder, report)
    _timed(report.seconds, "media", lambda: _unpack_media(folder, media_root))
    saved_checkpoints = folder / "checkpoints.jsonl"
    live = checkpoints.default_path()
    if saved_checkpoints.exists() and not live.exists():
        live.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(saved_checkpoints, live)
    started = time.monotonic()
    _verify(manifest, report, media_root, live)
    report.seconds["verify"] = round(time.monotonic() - started, 2)
    return report
