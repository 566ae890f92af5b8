"""Signed checkpoints of the audit chain's head, kept outside the database.

Once a day (the job ``jobs.audit_checkpoint``) the head — sequence number, hash, time — is signed with
HMAC-SM3 under the audit key and appended as one JSON line to ``AUDIT_CHECKPOINT_DIR/checkpoints.jsonl``
(a volume of its own, not the database's), and the same line is sent to the auditors. Whoever can
empty the audit table and wind its head back to zero cannot make the chain agree with the last
checkpoint, nor write a new checkpoint without the key: ``manage.py verify_audit_chain`` compares the
chain with the newest checkpoint in the folder (or a line the auditor kept, ``--checkpoint FILE``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.conf import settings

from . import chain, clock
from .models import AuditChainHead

FILENAME = "checkpoints.jsonl"


class CheckpointError(Exception):
    """A checkpoint file or line that is malformed or whose signature does not match (forged)."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO 8601, Asia/Shanghai
    signature: str = ""

    def body(self) -> str:
        return json.dumps({"seq": self.seq, "hash": self.hash, "at": self.at}, sort_keys=True)

    def line(self) -> str:
        return json.dumps(
            {"seq": self.seq, "hash": self.hash, "at": self.at, "sig": self.signature}, sort_keys=True
        )


def default_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILENAME


def _key(key: str | None) -> str:
    return cast(str, key or settings.AUDIT_KEY)  # settings refuse to start without one


def parse(line: str, *, key: str | None = None) -> Checkpoint:
    try:
        data = json.loads(line)
        checkpoint = Checkpoint(int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["sig"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"不是检查点记录：{line[:80]!r}") from exc
    if not chain.signature_ok(checkpoint.body(), checkpoint.signature, _key(key)):
        raise CheckpointError(f"第 {checkpoint.seq} 条的检查点签名不符（检查点被伪造或改动，或密钥不同）")
    return checkpoint


def read(path: Path | None = None, *, key: str | None = None) -> list[Checkpoint]:
    """Every checkpoint of the file, each signature checked (a forged line raises CheckpointError)."""
    path = path or default_path()
    if not path.exists():
        return []
    return [parse(line, key=key) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def latest(path: Path | None = None, *, key: str | None = None) -> Checkpoint | None:
    checkpoints = read(path, key=key)
    if not checkpoints:
        return None
    highest = max(c.seq for c in checkpoints)
    if checkpoints[-1].seq < highest:
        raise CheckpointError(
            f"检查点文件的最后一条（第 {checkpoints[-1].seq} 条）早于第 {highest} 条（文件被改动）"
        )
    return checkpoints[-1]


def take(*, path: Path | None = None, key: str | None = None) -> Checkpoint:
    """Sign the current head and append it to the checkpoint file (flushed to disk); return it."""
    head = AuditChainHead.objects.filter(pk=1).first()
    seq, digest = (head.seq, head.hash) if head else (0, chain.GENESIS)
    unsigned = Checkpoint(seq, digest, clock.now().astimezone(clock.SHANGHAI).isoformat(timespec="seconds"))
    checkpoint = Checkpoint(unsigned.seq, unsigned.hash, unsigned.at, chain.sign(unsigned.body(), _key(key)))
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(checkpoint.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint
