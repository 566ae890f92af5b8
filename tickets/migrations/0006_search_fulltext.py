# The search index becomes a real full-text index (issue 17): documents are jieba words
# (tickets.searchindex), indexed as a stored tsvector column with a GIN index on PostgreSQL and as an
# FTS5 table on SQLite. Replaces 0005's expression indexes over character bigrams.

from django.db import migrations

from tickets.searchindex import create_index, drop_index

TABLE = "tickets_searchdocument"
COLUMNS = ["public_tokens", "vendor_tokens"]


def retokenize(apps, schema_editor):
    """Every document again, in words instead of bigrams (later writes index themselves)."""
    from common import clock
    from tickets.search import compose

    Ticket = apps.get_model("tickets", "Ticket")
    Comment = apps.get_model("tickets", "Comment")
    Attachment = apps.get_model("tickets", "Attachment")
    SearchDocument = apps.get_model("tickets", "SearchDocument")

    class Row:
        def __init__(self, t):
            self.title, self.description, self.resolution = t.title, t.description, t.resolution
            self.number = f"FW{clock.local(t.created_at).year}-{t.pk:05d}"

    for t in Ticket.objects.order_by("pk").iterator(chunk_size=500):
        public, vendor = compose(
            Row(t), Comment.objects.filter(ticket_id=t.pk), Attachment.objects.filter(ticket_id=t.pk)
        )
        SearchDocument.objects.update_or_create(
            ticket_id=t.pk, defaults={"public_tokens": public, "vendor_tokens": vendor}
        )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for col in COLUMNS:
            schema_editor.execute(f"DROP INDEX IF EXISTS tickets_search_{col}_gin")
    create_index(schema_editor, TABLE, "ticket_id", COLUMNS)


def backwards(apps, schema_editor):
    drop_index(schema_editor, TABLE, COLUMNS)
    if schema_editor.connection.vendor == "postgresql":
        for col in COLUMNS:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS tickets_search_{col}_gin ON {TABLE} "
                f"USING gin (to_tsvector('simple', {col}))"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_find_and_reuse"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(retokenize, migrations.RunPython.noop),
    ]
