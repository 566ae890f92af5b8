# The home pages' queues read a partial index of the unfinished requests (issue 14).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_statistics_version_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["assigned", "confirmed", "in_progress", "resolved", "submitted", "waiting"])
                ),
                fields=["contract", "resolve_due_at", "created_at"],
                name="ticket_queue_due_idx",
            ),
        ),
    ]
