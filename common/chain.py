"""The audit chain's cryptography, without models (so settings, migrations and the archive verifier
can use it): each entry's hash is an HMAC-SM3 (GB/T 32905, 国密; what a 密评 under GB/T 39786 expects)
of its fields and the previous entry's hash, under a key kept outside the database (``AUDIT_KEY_FILE``),
so that someone with only database access can neither rewrite a row and re-hash the rest nor forge a
checkpoint. SM3 comes from OpenSSL 3 through ``hmac``/``hashlib``; ``require_sm3`` refuses to start
where it is missing.

Entries written before the chain was keyed (plain SHA-256, no key) stay as they are: the migration
that introduced the key appended an ``audit.chain_keyed`` entry, keyed, whose hash covers the last
unkeyed one. A plain SHA-256 entry is accepted only in the stretch that this anchor closes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

DIGEST = "sm3"
ALGORITHM = "hmac-sm3"
LEGACY_ALGORITHM = "sha256"
GENESIS = "0" * 64
ANCHOR_ACTION = "audit.chain_keyed"


class SM3Unavailable(RuntimeError):
    pass


def require_sm3() -> None:
    """Raise ``SM3Unavailable`` with what to do, unless HMAC-SM3 works in this Python."""
    try:
        hmac.new(b"jinbao", b"probe", DIGEST).hexdigest()
    except (ValueError, TypeError) as exc:
        raise SM3Unavailable(
            "SM3 (GB/T 32905) is not available in this Python's OpenSSL "
            f"({exc}; hashlib.algorithms_available has no 'sm3'): the audit log's HMAC-SM3 chain cannot "
            "be written or verified, so the portal does not start. Use a Python built against OpenSSL "
            "1.1.1 or 3.x with SM3 (Debian 12 and the python:3.11-slim-bookworm image have it)."
        ) from exc


def payload(
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
) -> bytes:
    """The bytes an entry's hash covers: every column but the hash itself, in a fixed order."""
    return json.dumps(
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
    ).encode("utf-8")


def _key_bytes(key: str | bytes) -> bytes:
    if not key:
        raise ValueError("the audit key is empty (AUDIT_KEY_FILE)")
    return key if isinstance(key, bytes) else key.encode("utf-8")


def keyed_hash(data: bytes, key: str | bytes) -> str:
    return hmac.new(_key_bytes(key), data, DIGEST).hexdigest()


def legacy_hash(data: bytes) -> str:
    """How entries were hashed before the chain was keyed (verification of old entries only)."""
    return hashlib.sha256(data).hexdigest()


def sign(text: str, key: str | bytes) -> str:
    """HMAC-SM3 of a checkpoint line, under the audit key (domain-separated from entry hashes)."""
    return hmac.new(_key_bytes(key), b"jinbao-audit-checkpoint\n" + text.encode("utf-8"), DIGEST).hexdigest()


def signature_ok(text: str, signature: str, key: str | bytes) -> bool:
    return hmac.compare_digest(sign(text, key), signature or "")
