"""The audit chain's head row, and on PostgreSQL a trigger that refuses UPDATE and DELETE."""

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION common_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused on common_auditentry', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS common_auditentry_append_only ON common_auditentry;
CREATE TRIGGER common_auditentry_append_only
    BEFORE UPDATE OR DELETE ON common_auditentry
    FOR EACH ROW EXECUTE FUNCTION common_auditentry_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS common_auditentry_append_only ON common_auditentry;
DROP FUNCTION IF EXISTS common_auditentry_append_only();
"""


def create_head(apps, schema_editor):
    head_model = apps.get_model("common", "AuditChainHead")
    head_model.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
