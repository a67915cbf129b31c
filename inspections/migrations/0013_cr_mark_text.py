from django.db import migrations

OLD = "Công bố hợp quy và dấu hợp quy CR (hàng hóa nhóm 2)"
NEW = "Công bố hợp quy và dấu hợp quy CR"


def forwards(apps, schema_editor):
    # From 01/07/2026 the goods that need a declaration of conformity are the medium- and
    # high-risk ones (Law 78/2025/QH15): the stored text names no goods, and
    # inspections.checklists.item_text adds the words in force on the inspection's date.
    Item = apps.get_model("inspections", "ChecklistItem")
    Item.objects.filter(code="cr_mark", text=OLD).update(text=NEW)


def backwards(apps, schema_editor):
    Item = apps.get_model("inspections", "ChecklistItem")
    Item.objects.filter(code="cr_mark", text=NEW).update(text=OLD)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0012_violations_moved")]
    operations = [migrations.RunPython(forwards, backwards)]
