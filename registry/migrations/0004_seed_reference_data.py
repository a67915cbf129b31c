import json
from pathlib import Path

from django.db import migrations

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
        LegalProvision.objects.update_or_create(
            code=item["code"],
            defaults={
                "decree": item["decree"],
                "amended_by": item["amended_by"] or "",
                "article": item["article"],
                "clause": item["clause"],
                "point": item["point"],
                "field": item["field"],
                "title": item["title_vi"],
                "title_en": item["title_en"],
                "act": item["act_vi"],
                "act_en": item["act_en"],
                "fine_min_vnd": item["fine_min_vnd"],
                "fine_max_vnd": item["fine_max_vnd"],
                "fine_note": item["fine_note_vi"],
                "additional_penalties": item["additional_penalties"],
                "remedial_measures": item["remedial_measures"],
                "verified": item["verified"],
                "source": item["source"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_provision_verified")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
