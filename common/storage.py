"""The file storage of uploads: a full disk is a clear message, and nothing is half saved.

``PortalFileSystemStorage`` is Django's ``FileSystemStorage`` plus:

- when writing a file fails because the disk (or the quota) is full, the partly written file is
  removed, so are the files saved earlier in the same database transaction (their rows are about to
  be rolled back), and ``DiskFull`` is raised: a ``ServiceError`` with a message the user can act on,
  which the views already show on the form. The transaction then rolls back: no row points to a
  missing or truncated file.
- the names saved inside a transaction are forgotten when it commits.

A caller that catches ``DiskFull`` inside its transaction and commits anyway would keep rows whose
files were removed: let it propagate out of the ``transaction.atomic`` block (every service does).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os

from django.core.files.storage import FileSystemStorage
from django.db import transaction

from .errors import ServiceError

log = logging.getLogger(__name__)

DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class DiskFull(ServiceError):
    """The server's disk is full: the upload was not stored."""


def disk_full_message() -> str:
    from django.utils.translation import gettext

    return gettext(
        "服务器存储空间已满，附件未能保存，本次提交的内容也没有保存。请稍后重试，并通知局信息化管理员清理磁盘。"
    )


class PortalFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            saved = super()._save(name, content)  # type: ignore[misc]  # private in django-stubs
        except OSError as exc:
            if exc.errno not in DISK_FULL_ERRNOS:
                raise
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(full_path)  # the part that was written
            self._discard_transaction_files()
            log.error("disk full while saving %s: %s", name, exc)
            raise DiskFull(disk_full_message()) from exc
        self._remember(saved)
        return saved

    # --- files saved in the current transaction ----------------------------------------------
    def _pending(self, *, create: bool = True) -> list[str] | None:
        """The names saved in the current transaction. The list lives as long as its ``on_commit``
        callback: after a commit the callback drops it, after a rollback Django drops the callback
        and the stale list is ignored."""
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            return None
        current = getattr(connection, "_portal_saved_files", None)
        if current is not None and any(item[1] is current[0] for item in connection.run_on_commit):
            return current[1]
        if not create:
            return None

        def forget():
            connection._portal_saved_files = None

        connection._portal_saved_files = (forget, [])
        transaction.on_commit(forget)
        return connection._portal_saved_files[1]

    def _remember(self, name: str) -> None:
        pending = self._pending()
        if pending is not None:
            pending.append(name)

    def _discard_transaction_files(self) -> None:
        for name in self._pending(create=False) or []:
            with contextlib.suppress(OSError):
                self.delete(name)
        transaction.get_connection()._portal_saved_files = None
