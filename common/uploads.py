"""What may be uploaded anywhere in the portal: a few document and image types, up to a size limit,
the content matching the extension (issue 13 item 4).

The rules sit on every model ``FileField`` as ``UploadValidator`` (so a view, a service, the admin or a
future form cannot skip them: ``full_clean`` runs them) and are also called directly by services
that want the content type (``validate_upload``).

The limit is a property of the installation (disk, mail gateway), not of the contract, so it is a
setting: ``TICKETS_ATTACHMENT_MAX_MB`` (default 10). Files are stored under MEDIA_ROOT with a
random name and only downloaded through the permission-checked view.
"""

from __future__ import annotations

import codecs
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from .errors import ServiceError

# extension → (content type, accepted leading bytes; None = plain text, checked as UTF-8/GBK)
TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "zip": ("application/zip", (b"PK\x03\x04",)),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
}


def max_bytes() -> int:
    return int(getattr(settings, "TICKETS_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def allowed_label(allowed: set[str] | None = None) -> str:
    return "、".join(sorted(allowed or TYPES))


def validate_upload(upload, *, allowed: set[str] | None = None) -> str:
    """The content type of an acceptable upload, or a ServiceError saying what is wrong."""
    allowed = allowed or set(TYPES)
    name = getattr(upload, "name", "") or ""
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if ext not in allowed or ext not in TYPES:
        raise ServiceError(
            {"file": [f"不支持的文件类型“{ext or '无扩展名'}”。允许：{allowed_label(allowed)}。"]}
        )
    limit = max_bytes()
    if upload.size > limit:
        raise ServiceError(
            {"file": [f"文件“{name}”有 {upload.size / 1048576:.1f} MB，超过 {limit // 1048576} MB 的上限。"]}
        )
    if upload.size == 0:
        raise ServiceError({"file": [f"文件“{name}”是空的。"]})
    content_type, signatures = TYPES[ext]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures is None:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            try:
                codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
            except UnicodeDecodeError:
                raise ServiceError({"file": [f"文件“{name}”不是文本文件。"]}) from None
        if b"\x00" in head:
            raise ServiceError({"file": [f"文件“{name}”不是文本文件。"]})
    elif not any(head.startswith(sig) for sig in signatures):
        raise ServiceError({"file": [f"文件“{name}”的内容与扩展名 .{ext} 不符。"]})
    return content_type


@deconstructible
class UploadValidator:
    """The upload rules as a model field validator. A new upload (not yet stored) is checked whole:
    extension, size, emptiness and content; a file already stored keeps being checked by extension
    (its content was checked when it came in, and reading every stored file at each save is waste)."""

    def __init__(self, allowed: tuple[str, ...] | None = None):
        self.allowed = tuple(sorted(allowed)) if allowed else None

    def __call__(self, value) -> None:
        allowed = set(self.allowed) if self.allowed else None
        if getattr(value, "_committed", True):
            name = getattr(value, "name", "") or ""
            ext = os.path.splitext(name)[1].lower().lstrip(".")
            if ext not in (allowed or set(TYPES)) or ext not in TYPES:
                raise ValidationError(
                    f"不支持的文件类型“{ext or '无扩展名'}”。允许：{allowed_label(allowed)}。"
                )
            return
        try:
            validate_upload(value.file if hasattr(value, "file") else value, allowed=allowed)
        except ServiceError as exc:
            raise ValidationError(exc.messages) from None

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and self.allowed == other.allowed

    def __hash__(self) -> int:
        return hash(self.allowed)
