"""The auditor searches and exports the audit log; nobody changes or erases it (ORM, admin, views);
it is kept at least 180 days and archived to a verifiable file; denied access is in it."""

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from common import clock
from common.audit import log_action, verify_chain
from common.models import AppendOnlyError, AuditEntry

from ..common.audit_db import tamper
from ..factories import make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def auditor_client(db, client):
    client.force_login(make_user(Role.AUDITOR))
    return client


def _export(client, **params) -> tuple[list[list[str]], object]:
    response = client.get(reverse("common:audit_export"), params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]))), response


def test_the_auditor_searches_by_person_action_outcome_and_date(db, auditor_client):
    pm = make_user(Role.PM, username="pm-search")
    log_action("ticket.assign", actor=pm, object_type="tickets.ticket", object_id=7, object_repr="T-7")
    log_action("auth.login_failed", object_repr="pm-search", success=False)
    html = auditor_client.get(reverse("common:audit_log"), {"q": "pm-search"}).content.decode()
    assert "ticket.assign" in html and "auth.login_failed" in html
    failed = auditor_client.get(
        reverse("common:audit_log"), {"q": "pm-search", "outcome": "failed"}
    ).content.decode()
    assert "auth.login_failed" in failed and "ticket.assign" not in failed
    typed = auditor_client.get(
        reverse("common:audit_log"), {"object_type": "tickets.ticket"}
    ).content.decode()
    assert "T-7" in typed
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    empty = auditor_client.get(reverse("common:audit_log"), {"start": tomorrow}).content.decode()
    assert "没有记录" in empty


def test_bad_search_input_is_explained_not_a_500(db, auditor_client):
    response = auditor_client.get(reverse("common:audit_log"), {"start": "2023-02-30", "end": "x"})
    assert response.status_code == 200 and "有效的日期" in response.content.decode()
    response = auditor_client.get(reverse("common:audit_log"), {"start": "2024-05-02", "end": "2024-05-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()
    assert 'value="2024-05-02"' in response.content.decode()  # what was typed stays


def _listed(client, **params) -> set[str]:
    response = client.get(reverse("common:audit_log"), params)
    assert response.status_code == 200
    return {e.object_repr for e in response.context["page"] if e.object_repr.startswith("row-")}


def test_each_filter_narrows_the_log(db, auditor_client):
    """Every field of the search narrows the rows on its own; an invalid value shows its error (not a
    500) and filters nothing, while the valid fields still apply."""
    pm = make_user(Role.PM, username="pm-narrow")
    log_action("ticket.assign", actor=pm, object_type="tickets.ticket", object_id=7, object_repr="row-a")
    log_action("auth.login_failed", object_type="accounts.user", object_repr="row-b", success=False)
    with clock.frozen_at(timezone.now() - dt.timedelta(days=10)):
        log_action("contract.update", object_type="contracts.contract", object_repr="row-c")
    everything = {"row-a", "row-b", "row-c"}
    today = timezone.localdate()
    assert _listed(auditor_client) == everything
    assert _listed(auditor_client, q="pm-narrow") == {"row-a"}  # the acting person
    assert _listed(auditor_client, q=" 7 ") == {"row-a"}  # the object's number, exactly
    assert _listed(auditor_client, action="auth.") == {"row-b"}  # a prefix of the action
    assert _listed(auditor_client, action="login_failed") == set()
    assert _listed(auditor_client, object_type="contracts.contract") == {"row-c"}
    assert _listed(auditor_client, object_type="contracts") == set()  # the whole type
    assert _listed(auditor_client, outcome="ok") == {"row-a", "row-c"}
    assert _listed(auditor_client, outcome="failed") == {"row-b"}
    assert _listed(auditor_client, start=today.isoformat()) == {"row-a", "row-b"}
    assert _listed(auditor_client, end=(today - dt.timedelta(days=1)).isoformat()) == {"row-c"}
    for params in ({"outcome": "maybe"}, {"start": "2023-02-30"}, {"end": "x"}):
        response = auditor_client.get(reverse("common:audit_log"), params)
        assert response.status_code == 200 and "is-invalid" in response.content.decode(), params
        assert _listed(auditor_client, **params) == everything, params
    assert _listed(auditor_client, outcome="maybe", object_type="accounts.user") == {"row-b"}
    later = (today + dt.timedelta(days=1)).isoformat()
    # the end before the start: the end is refused, the start still applies
    assert _listed(auditor_client, start=later, end=today.isoformat()) == set()
    page = auditor_client.get(reverse("common:audit_log"), {"outcome": "failed"}).content.decode()
    assert '<option value="failed" selected>' in page and ">全部</option>" in page


def test_the_export_records_the_filters_it_used(db, auditor_client):
    log_action("auth.login_failed", object_repr="row-b", success=False)
    rows, _response = _export(auditor_client, action="auth.", outcome="failed", start="x", end="")
    assert [row[4] for row in rows[1:]] == ["auth.login_failed"]
    export = AuditEntry.objects.filter(action="export").latest("seq")
    assert export.changes["filters"] == {"action": "auth.", "outcome": "failed"}


def test_the_export_is_the_filtered_log_and_is_itself_audited(db, auditor_client):
    pm = make_user(Role.PM, username="pm-export")
    log_action(
        "contract.update", actor=pm, object_repr='=HYPERLINK("http://evil")', changes={"a": ["1", "2"]}
    )
    rows, response = _export(auditor_client, q="pm-export")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    header, *body = rows
    assert header[:5] == ["序号", "时间（北京时间）", "操作人", "来源地址", "动作"]
    assert any(row[4] == "contract.update" for row in body)
    assert all(not row[7].startswith("=") for row in body)  # no formula reaches the spreadsheet
    export = AuditEntry.objects.filter(action="export").latest("seq")
    assert export.changes["filters"] == {"q": "pm-export"}
    assert export.changes["rows"] == len(body)
    assert export.object_type == "common.auditentry"


def test_only_the_auditor_reads_or_exports_the_log(db, world, client):
    for role, user in world.users.items():
        client.force_login(user)
        for name in ("common:audit_log", "common:audit_export"):
            status = client.get(reverse(name)).status_code
            assert status == (200 if role == Role.AUDITOR else 403), (role, name)


def test_the_orm_refuses_to_change_or_delete_entries(db):
    entry = log_action("test.action", object_repr="x")
    entry.action = "other"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="other")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.action == "test.action" and verify_chain().ok


def test_not_even_a_superuser_changes_it_in_the_admin(db, admin_client):
    entry = log_action("test.action", object_repr="x")
    change_url = reverse("admin:common_auditentry_change", args=[entry.pk])
    assert admin_client.get(reverse("admin:common_auditentry_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:common_auditentry_add")).status_code == 403
    admin_client.post(change_url, {"action": "other"})
    assert (
        admin_client.post(
            reverse("admin:common_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    changelist = admin_client.get(reverse("admin:common_auditentry_changelist")).content.decode()
    assert "delete_selected" not in changelist
    entry.refresh_from_db()
    assert entry.action == "test.action" and verify_chain().ok


def test_a_changed_row_is_found_by_the_chain_check(db):
    """(Also in tests/common/test_audit.py.) Changing one row behind the portal's back is detected."""

    for n in range(3):
        log_action("test.action", object_repr=f"row {n}")
    target = AuditEntry.objects.order_by("seq")[1]
    tamper("UPDATE common_auditentry SET success = %s WHERE id = %s", [False, target.pk])
    report = verify_chain()
    assert not report.ok and report.broken_seq == target.seq


def test_retention_is_at_least_180_days(db):
    env = {**os.environ, "AUDIT_RETENTION_DAYS": "90"}
    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and "AUDIT_RETENTION_DAYS" in result.stderr


def test_the_archive_copies_old_entries_verifiably_and_deletes_nothing(db, tmp_path, settings):
    from common.models import AuditChainHead

    old = []
    for n in range(3):
        old.append(log_action("test.old", object_repr=f"old {n}", changes={"金额": "1.00"}))
    log_action("test.new", object_repr="new")
    # Make the first three 200 days old (behind the portal's back, as time would).

    tamper(
        "UPDATE common_auditentry SET created_at = %s WHERE action = %s",
        [timezone.now() - dt.timedelta(days=200), "test.old"],
    )
    # Their hashes cover the old created_at; recompute the chain as if written then.
    _rehash_all()
    target = tmp_path / "archive.jsonl"
    with pytest.raises(CommandError, match="shorter than the retention"):
        call_command("archive_audit_log", output=str(target), older_than=30)
    total = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("archive_audit_log", output=str(target), stdout=out)
    assert "archived 3 entries" in out.getvalue() and "3 entries verified" in out.getvalue()
    assert AuditEntry.objects.count() == total + 1  # nothing deleted; the archiving is logged
    assert AuditEntry.objects.filter(action="audit.archive").exists()
    assert AuditChainHead.objects.get(pk=1).seq == AuditEntry.objects.order_by("-seq").first().seq
    # A changed archive line is found.
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("old 1", "old X")
    target.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CommandError, match="changed"):
        call_command("archive_audit_log", verify=str(target))


def _rehash_all():
    """Recompute every hash in order (test set-up only: raw SQL, like an attacker would need)."""

    from common.audit import entry_hash

    prev = "0" * 64
    for entry in AuditEntry.objects.order_by("seq"):
        entry.prev_hash = prev
        new = entry_hash(entry)
        tamper("UPDATE common_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, entry.pk])
        prev = new
    tamper("UPDATE common_auditchainhead SET hash = %s WHERE id = 1", [prev])


def test_a_refused_object_is_in_the_audit_log(db, client):
    """A 404 for an object (outside the user's scope, or not there) is recorded as denied access."""
    client.force_login(make_user(Role.BUREAU_ADMIN))
    response = client.get(reverse("contracts:detail", args=[999999]))
    assert response.status_code == 404
    entry = AuditEntry.objects.filter(action="access.not_found").latest("seq")
    assert entry.success is False and entry.changes["view"] == "contracts:detail"
    assert entry.changes["kwargs"] == {"pk": 999999}


def test_a_403_is_in_the_audit_log(db, client):
    user = make_user(Role.STAFF)
    client.force_login(user)
    assert client.get(reverse("security:users")).status_code == 403
    entry = AuditEntry.objects.filter(action="access.denied").latest("seq")
    assert entry.actor == user and entry.success is False


def test_the_audit_log_and_lockout_lists_keep_a_flat_query_count(db, client, django_assert_max_num_queries):
    from axes.models import AccessAttempt

    pm = make_user(Role.PM)
    for n in range(120):
        log_action("test.action", actor=pm, object_repr=f"row {n}")
        AccessAttempt.objects.create(
            username=f"user{n}",
            ip_address="10.0.0.1",
            user_agent="x",
            get_data="",
            post_data="",
            http_accept="",
            path_info="/",
            failures_since_start=5,
        )
    client.force_login(make_user(Role.AUDITOR))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("common:audit_log"), {"page": 2}).status_code == 200
    client.force_login(make_user(Role.SECADMIN))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("security:lockouts")).content.decode()
    assert "第 1 / 4 页" in html
