import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from common.audit import log_action, verify_chain
from common.models import AuditEntry

from ..factories import make_user
from .audit_db import tamper


def _entries(n=5):
    user = make_user("pm")
    for i in range(n):
        log_action(
            "test.action", actor=user, object_type="test", object_id=i, changes={"i": i, "金额": "1.00"}
        )
    return user


def test_chain_is_intact(db):
    _entries()
    report = verify_chain()
    assert report.ok
    assert report.checked == AuditEntry.objects.count()
    call_command("verify_audit_chain")


def test_entries_record_who_when_where_what(db, rf):
    from common.context import RequestInfo, reset_request_info, set_request_info

    user = make_user("bureau_admin")
    token = set_request_info(RequestInfo(ip="10.1.2.3"))
    try:
        entry = log_action(
            "contract.update",
            actor=user,
            object_type="contracts.contract",
            object_id=7,
            object_repr="JT-1",
            changes={"total_amount": ["1.00", "2.00"]},
        )
    finally:
        reset_request_info(token)
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name, entry.ip, entry.action) == (
        user,
        user.username,
        "10.1.2.3",
        "contract.update",
    )
    assert entry.changes == {"total_amount": ["1.00", "2.00"]}
    assert entry.created_at.tzinfo is not None


def _tamper(sql: str, params: list):
    """Change a row behind the portal's back (on PostgreSQL the trigger must be bypassed for that;
    connected as the runtime role, which cannot, the test is skipped)."""
    tamper(sql, params)


def test_a_changed_row_is_found(db):
    _entries()
    target = AuditEntry.objects.order_by("seq")[2]
    _tamper("UPDATE common_auditentry SET object_repr = %s WHERE id = %s", ["篡改", target.pk])
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == target.seq
    assert "篡改" in report.reason
    with pytest.raises(CommandError, match=f"#{target.seq}"):
        call_command("verify_audit_chain")


def test_a_deleted_row_is_found(db):
    _entries()
    target = AuditEntry.objects.order_by("seq")[1]
    _tamper("DELETE FROM common_auditentry WHERE id = %s", [target.pk])
    report = verify_chain()
    assert not report.ok and report.broken_seq == target.seq + 1


def test_a_removed_last_row_is_found(db):
    _entries()
    last = AuditEntry.objects.order_by("-seq").first()
    _tamper("DELETE FROM common_auditentry WHERE id = %s", [last.pk])
    assert not verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete(db):
    _entries(1)
    for statement in ("UPDATE common_auditentry SET action = 'x'", "DELETE FROM common_auditentry"):
        with (
            pytest.raises(DatabaseError, match=r"append-only|permission denied"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(statement)
    assert AuditEntry.objects.filter(action="test.action").count() == 1
