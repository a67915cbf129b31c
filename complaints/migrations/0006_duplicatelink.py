"""DuplicateLink moves from review to complaints (duplicate detection is complaint
triage). State only: the table stays review_duplicatelink, with its rows, columns,
constraints and indexes; review/migrations/0006 drops the model from review's state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0005_retention'),
        ('review', '0005_fill_match_keys'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DuplicateLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reasons', models.JSONField(default=list)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('first', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='complaints.complaint')),
                        ('second', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='complaints.complaint')),
                    ],
                    options={
                        'verbose_name': 'phản ánh có thể trùng',
                        'verbose_name_plural': 'phản ánh có thể trùng',
                        'db_table': 'review_duplicatelink',
                        'constraints': [models.UniqueConstraint(fields=('first', 'second'), name='one_link_per_pair'), models.CheckConstraint(condition=models.Q(('first__lt', models.F('second'))), name='link_ordered')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
