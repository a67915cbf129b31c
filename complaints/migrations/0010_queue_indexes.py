"""Indexes for the triage queues' pages at 1M reports (docs/case-list.md)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0009_rewards'),
        ('registry', '0010_revoke_password_only_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='complaint',
            name='complaint_unit_due_idx',
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['unit', 'due_at', 'id'], name='complaint_unit_due_id_idx'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(condition=models.Q(('due_at__isnull', False)), fields=['due_at', 'id'], name='complaint_due_idx'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(condition=models.Q(('status__in', ['resolved', 'rejected', 'merged']), _negated=True), fields=['unit', '-received_at', '-id'], name='complaint_unit_open_idx'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(condition=models.Q(('status__in', ['resolved', 'rejected', 'merged']), _negated=True), fields=['-received_at', '-id'], name='complaint_open_idx'),
        ),
    ]
