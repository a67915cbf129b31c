"""Each clock's case from its report or inspection column (see 0007)."""

from django.db import migrations
from django.db.models import F


def fill(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    LegalClock = apps.get_model('review', 'LegalClock')
    for column, app_label, model in (
        ('complaint_id', 'complaints', 'complaint'),
        ('inspection_id', 'inspections', 'inspection'),
    ):
        clocks = LegalClock.objects.filter(**{f'{column}__isnull': False})
        if clocks.exists():
            case_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            clocks.update(case_type=case_type, case_id=F(column))


def unfill(apps, schema_editor):
    LegalClock = apps.get_model('review', 'LegalClock')
    for app_label, model, column in (
        ('complaints', 'complaint', 'complaint_id'),
        ('inspections', 'inspection', 'inspection_id'),
    ):
        LegalClock.objects.filter(
            case_type__app_label=app_label, case_type__model=model
        ).update(**{column: F('case_id')})


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0007_clock_case'),
    ]

    operations = [migrations.RunPython(fill, unfill)]
