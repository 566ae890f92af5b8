"""Issue 13 item 1: an audit log nobody can erase, and every way of erasing or rewriting it either
refused by the database or detected by ``verify_audit_chain``.

- ``test_a_tamper_case_is_detected``: someone with full database access (superuser, triggers off)
  changes the log; the keyed chain, the head row and the last signed checkpoint find each case. Each
  detected case is counted ("audit tamper cases detected").
- ``test_the_runtime_role_cannot_*``: connected as the portal's runtime role (``create_runtime_role``),
  changing, deleting, truncating, disabling or dropping the triggers, winding the head back are all
  refused by PostgreSQL ("audit tamper attempts refused by the database").
- the owner too is stopped by the TRUNCATE trigger and the head's triggers.
"""

import datetime as dt
import io
import json
import types

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from common import chain, checkpoints
from common.audit import _fields, entry_hash, log_action, verify_chain
from common.models import AuditChainHead, AuditEntry

from ..factories import make_user
from ..security import figures
from .audit_db import as_runtime_role, is_postgresql, running_as_runtime_role, tamper


@pytest.fixture
def checkpoint_dir(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


def _chain(n: int = 6) -> list[AuditEntry]:
    user = make_user("pm")
    for i in range(n):
        log_action(
            "test.action", actor=user, object_type="test", object_id=i, changes={"i": i, "金额": "1.00"}
        )
    return list(AuditEntry.objects.order_by("seq"))


def _rehash_from(start_seq: int, hasher) -> None:
    """Recompute hashes from ``start_seq`` on, chaining each to the previous one, and move the head."""
    entries = list(AuditEntry.objects.order_by("seq"))
    prev = next((e.hash for e in entries if e.seq == start_seq - 1), chain.GENESIS)
    for entry in entries:
        if entry.seq < start_seq:
            continue
        entry.prev_hash = prev
        new = hasher(chain.payload(**_fields(entry)))
        tamper("UPDATE common_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, entry.pk])
        prev = new
    tamper("UPDATE common_auditchainhead SET hash = %s WHERE id = 1", [prev])


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


# --- each case: (description, how) ----------------------------------------------------------------


def edit_a_field(entries):
    tamper("UPDATE common_auditentry SET object_repr = %s WHERE id = %s", ["篡改", entries[2].pk])


def flip_the_outcome(entries):
    tamper("UPDATE common_auditentry SET success = %s WHERE id = %s", [False, entries[3].pk])


def move_the_time(entries):
    earlier = entries[1].created_at - dt.timedelta(days=1)
    tamper("UPDATE common_auditentry SET created_at = %s WHERE id = %s", [earlier, entries[1].pk])


def delete_a_middle_row(entries):
    tamper("DELETE FROM common_auditentry WHERE id = %s", [entries[2].pk])


def delete_the_last_row(entries):
    tamper("DELETE FROM common_auditentry WHERE id = %s", [entries[-1].pk])


def cut_the_tail_and_wind_the_head_back(entries):
    """Consistent table and head afterwards: only the checkpoint knows there were more."""
    keep = entries[-3]
    tamper("DELETE FROM common_auditentry WHERE seq > %s", [keep.seq])
    tamper("UPDATE common_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [keep.seq, keep.hash])


def empty_the_table(entries):
    tamper("DELETE FROM common_auditentry")


def empty_the_table_and_reset_the_head(entries):
    tamper("DELETE FROM common_auditentry")
    tamper("UPDATE common_auditchainhead SET seq = 0, hash = %s WHERE id = 1", [chain.GENESIS])


def rewrite_and_rehash_with_sha256(entries):
    tamper("UPDATE common_auditentry SET object_repr = %s WHERE id = %s", ["改写", entries[2].pk])
    _rehash_from(entries[2].seq, chain.legacy_hash)


def rewrite_and_rehash_with_a_guessed_key(entries):
    tamper("UPDATE common_auditentry SET object_repr = %s WHERE id = %s", ["改写", entries[2].pk])
    _rehash_from(entries[2].seq, lambda data: chain.keyed_hash(data, "jinbao"))


def rewrite_and_rehash_with_plain_sm3(entries):
    import hashlib

    tamper("UPDATE common_auditentry SET object_repr = %s WHERE id = %s", ["改写", entries[2].pk])
    _rehash_from(entries[2].seq, lambda data: hashlib.new("sm3", data).hexdigest())


def replace_the_whole_chain_with_sha256(entries):
    """No key: a complete chain of plain SHA-256, with no keyed anchor closing it."""
    _rehash_from(1, chain.legacy_hash)


def insert_a_row_in_the_middle(entries):
    tamper("UPDATE common_auditentry SET seq = seq + 1000 WHERE seq > %s", [entries[2].seq])
    tamper("UPDATE common_auditentry SET seq = seq - 999 WHERE seq > 1000")
    forged = entries[2]
    tamper(
        "INSERT INTO common_auditentry (seq, created_at, actor_name, ip, action, object_type, object_id, "
        "object_repr, changes, success, prev_hash, hash) "
        "VALUES (%s, %s, '', '', 'test.forged', '', '', 'forged', %s, %s, %s, %s)",
        [forged.seq + 1, forged.created_at, json.dumps({}), True, forged.hash, "f" * 64],
    )


def swap_two_rows(entries):
    a, b = entries[1], entries[2]
    tamper("UPDATE common_auditentry SET object_id = %s WHERE id = %s", [b.object_id, a.pk])
    tamper("UPDATE common_auditentry SET object_id = %s WHERE id = %s", [a.object_id, b.pk])


def append_a_forged_row(entries):
    """INSERT is what the runtime role may do: a made-up row at the end, head moved onto it."""
    last = entries[-1]
    tamper(
        "INSERT INTO common_auditentry (seq, created_at, actor_name, ip, action, object_type, object_id, "
        "object_repr, changes, success, prev_hash, hash) "
        "VALUES (%s, %s, 'auditor', '', 'auth.login', '', '', 'forged', %s, %s, %s, %s)",
        [last.seq + 1, last.created_at, json.dumps({}), True, last.hash, "e" * 64],
    )
    tamper("UPDATE common_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [last.seq + 1, "e" * 64])


def point_the_head_elsewhere(entries):
    tamper("UPDATE common_auditchainhead SET hash = %s WHERE id = 1", ["d" * 64])


CASES = [
    edit_a_field,
    flip_the_outcome,
    move_the_time,
    delete_a_middle_row,
    delete_the_last_row,
    cut_the_tail_and_wind_the_head_back,
    empty_the_table,
    empty_the_table_and_reset_the_head,
    rewrite_and_rehash_with_sha256,
    rewrite_and_rehash_with_a_guessed_key,
    rewrite_and_rehash_with_plain_sm3,
    replace_the_whole_chain_with_sha256,
    insert_a_row_in_the_middle,
    swap_two_rows,
    append_a_forged_row,
    point_the_head_elsewhere,
]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_a_tamper_case_is_detected(db, checkpoint_dir, case):
    if running_as_runtime_role():
        pytest.skip("the runtime role cannot tamper at all: see test_the_runtime_role_cannot_*")
    entries = _chain()
    checkpoint = checkpoints.take()
    assert verify_chain(checkpoint=checkpoint).ok
    call_command("verify_audit_chain", stdout=io.StringIO())
    case(entries)
    report = verify_chain(checkpoint=checkpoints.latest())
    assert not report.ok, f"{case.__name__} went unnoticed"
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit_chain", stdout=io.StringIO())
    figures.add("audit tamper cases detected", 1)


def test_a_forged_or_edited_checkpoint_is_refused(db, checkpoint_dir):
    _chain(3)
    checkpoints.take()
    path = checkpoints.default_path()
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    # Someone who emptied the table also "fixes" the checkpoint: without the key the signature fails.
    line["seq"] = 0
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(checkpoints.CheckpointError, match="签名"):
        checkpoints.latest()
    with pytest.raises(CommandError, match="checkpoint rejected"):
        call_command("verify_audit_chain", stdout=io.StringIO())
    figures.add("audit tamper cases detected", 1)


def test_an_empty_table_with_a_counting_head_fails_without_any_checkpoint(db):
    """(c) of the issue: it used to print "intact: 0 rows verified" after a truncate."""
    _chain(3)
    head_seq = AuditChainHead.objects.get(pk=1).seq
    tamper("DELETE FROM common_auditentry")
    report = verify_chain()
    assert not report.ok and str(head_seq) in report.reason and "为空" in report.reason


def test_the_checkpoint_job_signs_the_head_and_tells_the_auditors(db, checkpoint_dir, mailoutbox):
    from accounts.roles import Role
    from jobs.tasks import audit_checkpoint

    auditor = make_user(Role.AUDITOR, email="auditor@example.gov.cn")
    _chain(2)
    summary = audit_checkpoint()
    checkpoint = checkpoints.latest()
    assert checkpoint is not None and f"#{checkpoint.seq}" in summary
    entry = AuditEntry.objects.get(seq=checkpoint.seq)
    assert checkpoint.hash == entry.hash  # the head at that moment
    note = auditor.notifications.latest("created_at")
    assert checkpoint.signature in note.body and checkpoint.hash in note.body
    # The checkpoint itself is in the log, after the head it signed.
    assert AuditEntry.objects.filter(action="audit.checkpoint", seq__gt=checkpoint.seq).exists()
    # A broken chain is reported to the auditors, and no new checkpoint blesses it.
    tamper("UPDATE common_auditentry SET object_repr = 'x' WHERE seq = %s", [checkpoint.seq])
    summary = audit_checkpoint()
    assert "broken" in summary
    assert len(checkpoints.read()) == 1
    assert "审计日志校验失败" in auditor.notifications.latest("created_at").title


# --- The database refuses ------------------------------------------------------------------------------

pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and triggers are PostgreSQL's")

RUNTIME_ATTEMPTS = {
    "update an entry": "UPDATE common_auditentry SET action = 'x'",
    "delete an entry": "DELETE FROM common_auditentry",
    "truncate the log": "TRUNCATE common_auditentry",
    "truncate the log, cascading": "TRUNCATE common_auditentry CASCADE",
    "disable its triggers": "ALTER TABLE common_auditentry DISABLE TRIGGER ALL",
    "disable one trigger": "ALTER TABLE common_auditentry DISABLE TRIGGER common_auditentry_append_only",
    "drop its trigger": "DROP TRIGGER common_auditentry_append_only ON common_auditentry",
    "drop the truncate trigger": "DROP TRIGGER common_auditentry_no_truncate ON common_auditentry",
    "drop the trigger function": "DROP FUNCTION common_auditentry_append_only() CASCADE",
    "drop the log": "DROP TABLE common_auditentry",
    "rename the log": "ALTER TABLE common_auditentry RENAME TO x",
    "take the log over": "ALTER TABLE common_auditentry OWNER TO CURRENT_USER",
    "switch the triggers off": "SET session_replication_role = replica",
    "wind the head back": "UPDATE common_auditchainhead SET seq = 0",
    "point the head elsewhere": "UPDATE common_auditchainhead SET hash = repeat('d', 64)",
    "delete the head": "DELETE FROM common_auditchainhead",
    "truncate the head": "TRUNCATE common_auditchainhead",
    "add a second head": "INSERT INTO common_auditchainhead (id, seq, hash) VALUES (2, 0, repeat('0', 64))",
    "disable the head's triggers": "ALTER TABLE common_auditchainhead DISABLE TRIGGER ALL",
    "create a table": "CREATE TABLE jinbao_i13_scratch (id int)",
}


def _refused(statement: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except DatabaseError:
        return True
    return False


@pg_only
def test_the_runtime_role_cannot_erase_or_rewrite_the_log(db):
    _chain(3)
    before = list(AuditEntry.objects.order_by("seq").values_list("seq", "hash"))
    with as_runtime_role():
        allowed = [label for label, statement in RUNTIME_ATTEMPTS.items() if not _refused(statement)]
        # ...while the portal's own work goes on: an entry is appended, the head follows it.
        entry = log_action("test.after", object_repr="still writing")
    assert not allowed, f"the runtime role could: {allowed}"
    figures.add("audit tamper attempts refused by the database", len(RUNTIME_ATTEMPTS))
    assert (
        list(AuditEntry.objects.filter(seq__lt=entry.seq).order_by("seq").values_list("seq", "hash"))
        == before
    )
    assert AuditChainHead.objects.get(pk=1).seq == entry.seq
    assert verify_chain().ok


@pg_only
def test_the_runtime_role_holds_only_insert_and_select_on_the_log_and_owns_nothing(db):
    from common.management.commands.create_runtime_role import audit_grants, privileges

    with as_runtime_role() as role, connection.cursor() as cursor:
        for table, expected in audit_grants().items():
            assert privileges(cursor, role, table) == expected, table
        cursor.execute("SELECT count(*) FROM pg_class c WHERE pg_get_userbyid(c.relowner) = %s", [role])
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s",
            [role],
        )
        assert cursor.fetchone() == (False, False, False, False)
        assert privileges(cursor, role, "django_migrations") == {"SELECT"}


@pg_only
def test_even_the_owner_is_stopped_by_the_triggers(db):
    """The owner could drop the triggers (the runtime role cannot); unless it does, they hold."""
    if running_as_runtime_role():
        pytest.skip("connected as the runtime role: the owner's case runs in the ordinary suite")
    _chain(2)
    attempts = {
        "truncate the log": "TRUNCATE common_auditentry",
        "update an entry": "UPDATE common_auditentry SET action = 'x'",
        "delete an entry": "DELETE FROM common_auditentry",
        "truncate the head": "TRUNCATE common_auditchainhead",
        "delete the head": "DELETE FROM common_auditchainhead",
        "wind the head back": "UPDATE common_auditchainhead SET seq = seq - 1",
        "move the head forward onto nothing": "UPDATE common_auditchainhead SET seq = seq + 1",
    }
    allowed = [label for label, statement in attempts.items() if not _refused(statement)]
    assert not allowed, f"the owner could: {allowed}"
    figures.add("audit tamper attempts refused by the database", len(attempts))
    assert verify_chain().ok


def test_the_connection_is_the_runtime_role_when_ci_says_so(db):
    """CI's second run (scripts/audit_role_tests.py) sets JINBAO_EXPECT_RUNTIME_ROLE: make sure these
    tests really ran without the owner's rights, or that run would prove nothing."""
    import os

    if not os.environ.get("JINBAO_EXPECT_RUNTIME_ROLE"):
        pytest.skip("the ordinary run connects as the owner")
    assert is_postgresql() and running_as_runtime_role()


# --- Existing chains after the migration -------------------------------------------------------------


def test_an_unkeyed_chain_verifies_after_the_migration_and_is_then_protected(db):
    """Entries hashed with plain SHA-256 before the key existed: the migration appends a keyed anchor
    over them; the chain verifies; rewriting an old entry afterwards is found."""
    import importlib

    from django.apps import apps

    if running_as_runtime_role():
        pytest.skip("writing an old-style chain needs the owner's rights")
    migration = importlib.import_module("common.migrations.0003_audit_keyed_chain")
    log_action("test.setup")  # the head row exists (a flushed test database may have none)
    tamper("DELETE FROM common_auditentry")
    prev = chain.GENESIS
    from common import clock

    for seq in range(1, 5):
        entry = AuditEntry(
            seq=seq,
            created_at=clock.aware(dt.date(2023, 3, seq), 9, 0),
            actor_name="pm",
            action="ticket.assign",
            object_repr=f"T-{seq}",
            changes={"n": seq},
            prev_hash=prev,
        )
        entry.hash = entry_hash(entry, legacy=True)
        tamper(
            "INSERT INTO common_auditentry (seq, created_at, actor_name, ip, action, object_type, object_id, "
            "object_repr, changes, success, prev_hash, hash) "
            "VALUES (%s, %s, %s, '', %s, '', '', %s, %s, true, %s, %s)",
            [
                seq,
                entry.created_at,
                "pm",
                entry.action,
                entry.object_repr,
                json.dumps(entry.changes),
                prev,
                entry.hash,
            ],
        )
        prev = entry.hash
    tamper("UPDATE common_auditchainhead SET seq = 4, hash = %s WHERE id = 1", [prev])
    assert not verify_chain().ok  # an unkeyed chain alone is not accepted

    # The migration's own function, as migrate runs it (it only uses the editor's connection).
    migration.anchor_keyed_chain(apps, types.SimpleNamespace(connection=connection))
    anchor = AuditEntry.objects.get(action=chain.ANCHOR_ACTION)
    assert anchor.seq == 5 and anchor.prev_hash == prev and anchor.changes["anchored_seq"] == 4
    assert verify_chain().ok
    log_action("test.after_migration")
    assert verify_chain().ok
    # Rewriting an old (SHA-256) entry and re-hashing the old stretch breaks the keyed anchor.
    tamper("UPDATE common_auditentry SET object_repr = 'T-X' WHERE seq = 2")
    _rehash_from(2, chain.legacy_hash)
    assert not verify_chain().ok
    figures.add("audit tamper cases detected", 1)
