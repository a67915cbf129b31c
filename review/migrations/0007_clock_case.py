"""A clock names its case generically (content type and id) instead of a column for a
report and one for an inspection, so that the clocks can live in the foundation, which
knows neither. Three steps, each its own transaction (PostgreSQL refuses to alter a
table with pending deferred-constraint checks from the same transaction's updates):
0007 adds the columns, 0008 fills them, 0009 drops the old ones. Each step goes back too."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('review', '0006_move_duplicatelink_to_complaints'),
    ]

    operations = [
        # First, so that going back re-adds it only once the old columns are filled again.
        migrations.RemoveConstraint(model_name='legalclock', name='clock_has_a_case'),
        migrations.AddField(
            model_name='legalclock',
            name='case_type',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AddField(
            model_name='legalclock',
            name='case_id',
            field=models.PositiveBigIntegerField(null=True),
        ),
    ]
