"""The audit log nobody can erase (issue 13 item 1).

On PostgreSQL:
- a statement-level trigger refuses TRUNCATE of the log and of its head row (the row triggers of 0002
  never fire for TRUNCATE);
- the head row is protected like the log: no DELETE, no TRUNCATE, a single row (id 1), and an UPDATE
  only moves it one step forward onto the entry just appended (same seq, same hash, chained on the
  old head), so it cannot be wound back or pointed elsewhere.
The runtime role (``manage.py create_runtime_role``) holds only INSERT and SELECT on the log and
SELECT and UPDATE on the head, and owns nothing, so it can neither disable nor drop these triggers.

Then the chain becomes keyed (HMAC-SM3, common/chain.py): when entries exist (hashed with plain
SHA-256 until now), one ``audit.chain_keyed`` entry is appended, keyed, whose hash covers the last old
one. Existing chains verify as before, and from here on nobody without the key can re-hash them.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION common_audit_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION common_auditchainhead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.id <> 1 OR EXISTS (SELECT 1 FROM common_auditchainhead) THEN
            RAISE EXCEPTION 'the audit chain has one head row: INSERT refused'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.seq <> COALESCE((SELECT max(seq) FROM common_auditentry), 0) THEN
            RAISE EXCEPTION 'the audit chain head must match the last entry: INSERT refused'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
        SELECT 1 FROM common_auditentry e
        WHERE e.seq = NEW.seq AND e.hash = NEW.hash AND e.prev_hash = OLD.hash
    ) THEN
        RAISE EXCEPTION 'the audit chain head only moves forward onto the entry just appended: UPDATE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS common_auditentry_no_truncate ON common_auditentry;
CREATE TRIGGER common_auditentry_no_truncate
    BEFORE TRUNCATE ON common_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION common_audit_refuse();

DROP TRIGGER IF EXISTS common_auditchainhead_no_truncate ON common_auditchainhead;
CREATE TRIGGER common_auditchainhead_no_truncate
    BEFORE TRUNCATE ON common_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION common_audit_refuse();

DROP TRIGGER IF EXISTS common_auditchainhead_no_delete ON common_auditchainhead;
CREATE TRIGGER common_auditchainhead_no_delete
    BEFORE DELETE ON common_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION common_audit_refuse();

DROP TRIGGER IF EXISTS common_auditchainhead_forward_only ON common_auditchainhead;
CREATE TRIGGER common_auditchainhead_forward_only
    BEFORE INSERT OR UPDATE ON common_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION common_auditchainhead_forward_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS common_auditentry_no_truncate ON common_auditentry;
DROP TRIGGER IF EXISTS common_auditchainhead_no_truncate ON common_auditchainhead;
DROP TRIGGER IF EXISTS common_auditchainhead_no_delete ON common_auditchainhead;
DROP TRIGGER IF EXISTS common_auditchainhead_forward_only ON common_auditchainhead;
DROP FUNCTION IF EXISTS common_auditchainhead_forward_only();
DROP FUNCTION IF EXISTS common_audit_refuse();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


def anchor_keyed_chain(apps, schema_editor):
    """Append the keyed anchor after the entries hashed with plain SHA-256 (none: nothing to do)."""
    from common import chain

    alias = schema_editor.connection.alias
    entry_model = apps.get_model("common", "AuditEntry")
    head_model = apps.get_model("common", "AuditChainHead")
    last = entry_model.objects.using(alias).order_by("-seq").first()
    if last is None:
        return
    key = getattr(settings, "AUDIT_KEY", None)
    if not key:
        raise RuntimeError("AUDIT_KEY_FILE (or AUDIT_KEY) must be set to key the audit chain")
    now = dt.datetime.now(dt.UTC)
    count = entry_model.objects.using(alias).count()
    fields = {
        "seq": last.seq + 1,
        "created_at": now,
        "actor_id": None,
        "actor_name": "",
        "ip": "",
        "action": chain.ANCHOR_ACTION,
        "object_type": "common.auditentry",
        "object_id": "",
        "object_repr": f"审计链改用 HMAC-SM3（锚定第 {last.seq} 条）",
        "changes": {
            "algorithm": chain.ALGORITHM,
            "previous_algorithm": chain.LEGACY_ALGORITHM,
            "anchored_seq": last.seq,
            "anchored_hash": last.hash,
            "entries_before": count,
        },
        "success": True,
        "prev_hash": last.hash,
    }
    digest = chain.keyed_hash(chain.payload(**fields), key)
    entry_model.objects.using(alias).create(hash=digest, **fields)
    head_model.objects.using(alias).update_or_create(pk=1, defaults={"seq": fields["seq"], "hash": digest})


class Migration(migrations.Migration):
    dependencies = [("common", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(anchor_keyed_chain, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
