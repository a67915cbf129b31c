"""The tablet's lot item kept the goods' barcode in the finding's data ("gtin") for a
while: move it to Finding.product_gtin (normal form, check digit verified) and link the
product recorded under it, as inspections.products.typed_gtin does now."""

from django.db import migrations

from registry.barcodes import gtin_forms, normalize_gtin


def forwards(apps, schema_editor):
    Finding = apps.get_model("inspections", "Finding")
    Product = apps.get_model("registry", "Product")
    for finding in Finding.objects.filter(data__has_key="gtin").iterator():
        data = dict(finding.data)
        gtin = normalize_gtin(str(data.pop("gtin") or ""))
        finding.data = data
        if gtin and not finding.product_gtin:
            finding.product_gtin = gtin
            if finding.product_id is None:
                finding.product = (
                    Product.objects.filter(gtin__in=gtin_forms(gtin)).order_by("pk").first()
                )
        finding.save(update_fields=["data", "product_gtin", "product"])


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0019_plan_suggestion_skips"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
