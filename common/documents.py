"""Frozen documents rendered once and served from storage afterwards (issue 14).

``frozen_pdf(obj, content, render)`` returns the bytes of ``obj``'s document for the frozen
``content`` (its snapshot): the first call renders (``render()`` → bytes), stores the file with its
SHA-256 and writes an audit entry ``document.store`` carrying the hash; later calls read the stored
file. A document whose stored file is missing or altered (hash mismatch) is rendered and stored
again, audited the same way. Two first downloads at once: one row wins, the other reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction

from .audit import log_action
from .models import StoredDocument


def content_key(content) -> str:
    """A stable hash of the frozen content a document is rendered from."""
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(data).hexdigest()


def _read(doc: StoredDocument) -> bytes | None:
    try:
        with doc.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == doc.sha256 else None


def frozen_pdf(obj: models.Model, content, render: Callable[[], bytes], *, actor=None) -> bytes:
    object_type, object_id, key = obj._meta.label_lower, str(obj.pk), content_key(content)
    doc = StoredDocument.objects.filter(object_type=object_type, object_id=object_id, key=key).first()
    if doc is not None:
        data = _read(doc)
        if data is not None:
            return data
    data = render()
    digest = hashlib.sha256(data).hexdigest()
    name = f"{object_type.replace('.', '-')}-{object_id}-{digest[:16]}.pdf"
    try:
        with transaction.atomic():
            if doc is None:
                doc = StoredDocument(object_type=object_type, object_id=object_id, key=key)
            else:
                doc.file.delete(save=False)
            doc.sha256, doc.size = digest, len(data)
            doc.file.save(name, ContentFile(data), save=False)
            doc.save()
            log_action(
                "document.store",
                actor=actor,
                obj=obj,
                changes={"file": doc.file.name, "sha256": digest, "size": len(data), "content_key": key},
            )
    except IntegrityError:  # someone stored it first
        doc = StoredDocument.objects.get(object_type=object_type, object_id=object_id, key=key)
        return _read(doc) or data
    return data
