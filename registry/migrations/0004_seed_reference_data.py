import json
from pathlib import Path

from django.db import migrations

from registry.provisions import provision_defaults

DATA = Path(__file__).resolve().parent.parent / "data"


def seed(apps, schema_editor):
    ProductCategory = apps.get_model("registry", "ProductCategory")
    LegalProvision = apps.get_model("registry", "LegalProvision")
    for item in json.loads((DATA / "product_categories.json").read_text(encoding="utf-8")):
        ProductCategory.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name_vi"],
                "name_en": item["name_en"],
                "qcvn": item["qcvn"],
                "tcvn": item["tcvn"],
                "group2": item["group2"],
                "managing_ministry": item["managing_ministry"],
                "source": item["source"],
            },
        )
    for item in json.loads((DATA / "legal_provisions.json").read_text(encoding="utf-8")):
        LegalProvision.objects.update_or_create(code=item["code"], defaults=provision_defaults(item))


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_provision_verified")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
