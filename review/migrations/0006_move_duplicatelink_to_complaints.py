"""DuplicateLink now belongs to complaints (complaints/migrations/0006_duplicatelink):
dropped from review's state only; the table review_duplicatelink and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0005_fill_match_keys'),
        ('complaints', '0006_duplicatelink'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='DuplicateLink')],
            database_operations=[],
        ),
    ]
