"""Every clock now names its case (0008): the report and inspection columns go."""

import django.db.models.deletion
from django.db import migrations, models

import registry.clock_rules


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0008_fill_clock_case'),
    ]

    operations = [
        migrations.RemoveField(model_name='legalclock', name='complaint'),
        migrations.RemoveField(model_name='legalclock', name='inspection'),
        migrations.AlterField(
            model_name='legalclock',
            name='case_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AlterField(
            model_name='legalclock',
            name='case_id',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name='legalclock',
            name='kind',
            field=models.CharField(choices=registry.clock_rules.kind_choices, max_length=24, verbose_name='thời hạn'),
        ),
        migrations.AddIndex(
            model_name='legalclock',
            index=models.Index(fields=['case_type', 'case_id'], name='clock_case_idx'),
        ),
    ]
