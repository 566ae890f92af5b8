# The articles' search index becomes a real full-text index (issue 17, tickets.searchindex): jieba
# words, a stored tsvector column with a GIN index on PostgreSQL, an FTS5 table on SQLite.

from django.db import migrations

from tickets.searchindex import create_index, drop_index

TABLE = "kb_article"


def retokenize(apps, schema_editor):
    from tickets.searchindex import document

    Article = apps.get_model("kb", "Article")
    for a in Article.objects.order_by("pk").iterator(chunk_size=500):
        tokens = document(f"KB-{a.pk:04d}", a.title, a.problem, a.steps, a.system)
        Article.objects.filter(pk=a.pk).update(tokens=tokens)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_article_tokens_gin")
    create_index(schema_editor, TABLE, "id", ["tokens"])


def backwards(apps, schema_editor):
    drop_index(schema_editor, TABLE, ["tokens"])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS kb_article_tokens_gin ON kb_article USING gin (to_tsvector('simple', tokens))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0001_knowledge_base"),
        ("tickets", "0006_search_fulltext"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(retokenize, migrations.RunPython.noop),
    ]
