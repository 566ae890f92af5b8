"""The audit log: ``log_action`` appends a hash-chained entry; ``verify_chain`` checks them all."""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from . import clock
from .context import current_request_info
from .models import AuditChainHead, AuditEntry


def jsonable(value: Any) -> Any:
    """Turn model field values into plain JSON (Decimal and dates as text, files as names)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return str(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value, clock.SHANGHAI).isoformat()
            if timezone.is_aware(value)
            else value.isoformat()
        )
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "name"):  # FieldFile
        return value.name or ""
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance`` as JSON-able data (foreign keys as ids)."""
    names = fields or [f.name for f in instance._meta.concrete_fields]
    data = {}
    for name in names:
        field = instance._meta.get_field(name)
        data[name] = jsonable(getattr(instance, field.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _entry_hash(
    *,
    seq,
    created_at,
    actor_id,
    actor_name,
    ip,
    action,
    object_type,
    object_id,
    object_repr,
    changes,
    success,
    prev_hash,
) -> str:
    payload = json.dumps(
        [
            seq,
            created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_name,
            ip,
            action,
            object_type,
            str(object_id),
            object_repr,
            changes,
            bool(success),
            prev_hash,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    return _entry_hash(
        seq=entry.seq,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        actor_name=entry.actor_name,
        ip=entry.ip,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        changes=entry.changes,
        success=entry.success,
        prev_hash=entry.prev_hash,
    )


def log_action(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    success: bool = True,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit chain, inside the caller's transaction if there is one.

    The chain head row is locked so that concurrent writers append one after the other.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    info = current_request_info()
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    data = jsonable(changes or {})
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            created_at=clock.now(),
            actor=actor_obj,
            actor_name=(actor_obj.get_username() if actor_obj else (getattr(actor, "username", "") or ""))[
                :150
            ],
            ip=(ip if ip is not None else info.ip)[:64],
            action=action[:64],
            object_type=object_type[:64],
            object_id=str(object_id if object_id is not None else "")[:64],
            object_repr=str(object_repr)[:200],
            changes=data,
            success=success,
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


@dataclass
class ChainReport:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Recompute every hash in sequence order; report the first row that does not match."""
    prev_hash = "0" * 64
    expected_seq = 1
    checked = 0
    queryset = AuditEntry.objects.order_by("seq")
    for entry in queryset.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return ChainReport(
                checked, entry.seq, f"序号不连续：应为 {expected_seq}，实为 {entry.seq}（有记录被删除）"
            )
        if entry.prev_hash != prev_hash:
            return ChainReport(checked, entry.seq, "前一条记录的哈希不符（有记录被删除或替换）")
        if entry_hash(entry) != entry.hash:
            return ChainReport(checked, entry.seq, "记录内容与哈希不符（记录被篡改）")
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and checked and head.seq != expected_seq - 1:
        return ChainReport(
            checked, expected_seq, f"链尾记录缺失：链头为 {head.seq}，最后一条为 {expected_seq - 1}"
        )
    return ChainReport(checked)
