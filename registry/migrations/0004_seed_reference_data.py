import json
from pathlib import Path

from django.db import migrations

# The files as they were when this migration was written: the live files in
# registry/data/ have moved on (versioned provisions, dated risk classes), and a
# migration must replay the same way forever.
DATA = Path(__file__).resolve().parent / "data_0004"


def provision_defaults(item: dict) -> dict:
    return {
        "decree": item["decree"],
        "amended_by": item.get("amended_by") or "",
        "article": item["article"],
        "clause": item["clause"],
        "point": item.get("point") or "",
        "field": item["field"],
        "title": item["title_vi"],
        "title_en": item.get("title_en") or "",
        "act": item["act_vi"],
        "act_en": item.get("act_en") or "",
        "fine_min_vnd": item["fine_min_vnd"],
        "fine_max_vnd": item["fine_max_vnd"],
        "fine_note": item.get("fine_note_vi") or "",
        "additional_penalties": list(item.get("additional_penalties") or []),
        "remedial_measures": list(item.get("remedial_measures") or []),
        "verified": bool(item.get("verified")),
        "source": item.get("source") or "",
    }


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
