"""Fill the matching keys of reports filed before they were kept (complaints.matching)."""

from django.db import migrations


def fill(apps, schema_editor):
    from complaints import matching

    Complaint = apps.get_model("complaints", "Complaint")
    fields = ["product_name", "seller_name", "seller_url"]
    for row in Complaint.objects.only(*fields).iterator(chunk_size=2000):
        row.product_key = matching.product_key(row.product_name)
        row.seller_key = matching.seller_key(row.seller_name)
        row.seller_url_key = matching.shop_url_key(row.seller_url)
        row.save(update_fields=["product_key", "seller_key", "seller_url_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0004_duplicatelink"),
        ("complaints", "0004_complaint_duplicate_group_complaint_product_key_and_more"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
