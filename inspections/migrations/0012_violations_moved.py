from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """The other half of violations.0001: violation handling's models leave this app's
    migration state (their tables stay as they are, now owned by violations)."""

    dependencies = [
        ('inspections', '0011_photo_uploads'),
        ('violations', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='evidencephoto',
                    name='measure',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='photos', to='violations.remedialmeasure'),
                ),
                migrations.RemoveField(
                    model_name='failedtestfollowup',
                    name='reported_by',
                ),
                migrations.RemoveField(
                    model_name='failedtestfollowup',
                    name='resumed_by',
                ),
                migrations.RemoveField(
                    model_name='failedtestfollowup',
                    name='sample',
                ),
                migrations.RemoveField(
                    model_name='failedtestfollowup',
                    name='suspended_by',
                ),
                migrations.RemoveField(
                    model_name='goodsseal',
                    name='follow_up',
                ),
                migrations.RemoveField(
                    model_name='goodsseal',
                    name='sealed_by',
                ),
                migrations.RemoveField(
                    model_name='goodsseal',
                    name='unsealed_by',
                ),
                migrations.RemoveField(
                    model_name='penaltydecision',
                    name='approved_by',
                ),
                migrations.RemoveField(
                    model_name='penaltydecision',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='penaltydecision',
                    name='record',
                ),
                migrations.RemoveField(
                    model_name='penaltyline',
                    name='decision',
                ),
                migrations.RemoveField(
                    model_name='remedialmeasure',
                    name='decision',
                ),
                migrations.RemoveField(
                    model_name='penaltyline',
                    name='violation',
                ),
                migrations.RemoveField(
                    model_name='productalert',
                    name='inspection',
                ),
                migrations.RemoveField(
                    model_name='productalert',
                    name='published_by',
                ),
                migrations.RemoveField(
                    model_name='remedialmeasure',
                    name='done_by',
                ),
                migrations.RemoveField(
                    model_name='remedialmeasure',
                    name='violation',
                ),
                migrations.RemoveField(
                    model_name='violation',
                    name='findings',
                ),
                migrations.RemoveField(
                    model_name='violation',
                    name='photos',
                ),
                migrations.RemoveField(
                    model_name='violation',
                    name='provision',
                ),
                migrations.RemoveField(
                    model_name='violation',
                    name='record',
                ),
                migrations.RemoveField(
                    model_name='violation',
                    name='samples',
                ),
                migrations.RemoveField(
                    model_name='violationrecord',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='violationrecord',
                    name='inspection',
                ),
                migrations.RemoveField(
                    model_name='violationrecord',
                    name='violator',
                ),
                migrations.DeleteModel(
                    name='FailedTestFollowUp',
                ),
                migrations.DeleteModel(
                    name='GoodsSeal',
                ),
                migrations.DeleteModel(
                    name='PenaltyDecision',
                ),
                migrations.DeleteModel(
                    name='PenaltyLine',
                ),
                migrations.DeleteModel(
                    name='ProductAlert',
                ),
                migrations.DeleteModel(
                    name='RemedialMeasure',
                ),
                migrations.DeleteModel(
                    name='Violation',
                ),
                migrations.DeleteModel(
                    name='ViolationRecord',
                ),
            ],
        ),
    ]
