"""The audit log: ``log_action`` appends a hash-chained entry; ``verify_chain`` checks them all."""

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from . import chain, clock
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
        if not isinstance(field, models.Field):
            raise TypeError(f"{name} is not a concrete field of {instance._meta.label}")
        data[name] = jsonable(getattr(instance, field.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _audit_key() -> str:
    from django.conf import settings

    key = getattr(settings, "AUDIT_KEY", None)
    if not key:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("AUDIT_KEY_FILE (or AUDIT_KEY) is not set: the audit chain needs its key.")
    return key


def _entry_hash(*, legacy: bool = False, key: str | None = None, **fields) -> str:
    """The hash of an entry with these fields: HMAC-SM3 under the audit key (``legacy``: the plain
    SHA-256 of entries written before the chain was keyed)."""
    data = chain.payload(**fields)
    return chain.legacy_hash(data) if legacy else chain.keyed_hash(data, key or _audit_key())


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "created_at": entry.created_at,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "ip": entry.ip,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "success": entry.success,
        "prev_hash": entry.prev_hash,
    }


def entry_hash(entry: AuditEntry, *, legacy: bool = False, key: str | None = None) -> str:
    return _entry_hash(legacy=legacy, key=key, **_fields(entry))


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
    head_seq: int = 0
    checkpoint_seq: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def _end_problem(last: int, head, prev_hash: str, legacy_tail: bool, checkpoint, found_checkpoint: bool):
    """What is wrong at the end of a chain read up to ``last`` without a fault: ``(seq, reason)`` or None."""
    head_seq = head.seq if head else 0
    if legacy_tail:
        return last, "链以未加密钥的记录结束：缺少密钥锚定记录（链被改写或截断）"
    if head_seq != last:
        if last == 0:
            return 1, f"审计表为空，但链头记录为第 {head_seq} 条（记录被清空）"
        return last + 1, f"链尾记录缺失：链头为第 {head_seq} 条，最后一条为第 {last} 条"
    if head is not None and last and head.hash != prev_hash:
        return last, "链头的哈希与最后一条记录不符（链头被改写）"
    if checkpoint is not None and not found_checkpoint:
        cp_seq = checkpoint.seq
        return (
            min(cp_seq, last + 1),
            f"{checkpoint.at} 的签名检查点记到第 {cp_seq} 条，现在只有 {last} 条（记录连同链头被删除）",
        )
    return None


def verify_chain(batch_size: int = 2000, *, checkpoint=None, key: str | None = None) -> ChainReport:
    """Recompute every hash in sequence order and compare the end with the head row (and with a signed
    checkpoint, ``common.checkpoints.Checkpoint``, when one is given); report the first problem.

    Detected: a changed, removed, inserted or swapped row; a row rewritten with the rest re-hashed
    (without the key an attacker can only produce plain SHA-256 or a wrong HMAC); a missing tail (the
    head says more); an emptied table whose head still counts; and, against a checkpoint, a table
    emptied or cut back together with its head.
    """
    key = key or _audit_key()
    prev_hash = chain.GENESIS
    expected_seq = 1
    checked = 0
    keyed = False  # once a keyed entry is seen, every later one must be keyed too
    legacy_seen = False
    found_checkpoint = False
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    cp_seq = checkpoint.seq if checkpoint is not None else None

    def broken(seq, reason):
        return ChainReport(checked, seq, reason, head_seq=head_seq, checkpoint_seq=cp_seq)

    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return broken(
                entry.seq, f"序号不连续：应为 {expected_seq}，实为 {entry.seq}（有记录被删除或插入）"
            )
        if entry.prev_hash != prev_hash:
            return broken(entry.seq, "前一条记录的哈希不符（有记录被删除或替换）")
        data = chain.payload(**_fields(entry))
        if chain.keyed_hash(data, key) == entry.hash:
            if legacy_seen and not keyed and entry.action != chain.ANCHOR_ACTION:
                return broken(entry.seq, "未加密钥的旧记录之后不是密钥锚定记录（链被改写）")
            keyed = True
        elif not keyed and chain.legacy_hash(data) == entry.hash:
            legacy_seen = True  # written before the key; the anchor entry must still close them
        else:
            return broken(entry.seq, "记录内容与哈希不符（记录被篡改，或用其他密钥重新计算了哈希）")
        if cp_seq is not None and entry.seq == cp_seq:
            if entry.hash != checkpoint.hash:
                return broken(entry.seq, f"与 {checkpoint.at} 的签名检查点不符（第 {cp_seq} 条已被替换）")
            found_checkpoint = True
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    problem = _end_problem(
        expected_seq - 1, head, prev_hash, legacy_seen and not keyed, checkpoint, found_checkpoint
    )
    if problem:
        return broken(*problem)
    return ChainReport(checked, head_seq=head_seq, checkpoint_seq=cp_seq)
