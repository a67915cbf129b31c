"""Fill the folded search text of existing reports and inspections, and on PostgreSQL
index it for full-text search (review/search.py)."""

from django.db import migrations

COMPLAINT_FIELDS = [
    "tracking_number",
    "product_name",
    "product_brand",
    "product_gtin",
    "product_batch",
    "seller_name",
    "seller_address",
    "seller_url",
    "seller_tax_code",
    "description",
]

INDEXES = [
    ("complaints_complaint", "complaint_search_fts"),
    ("inspections_inspection", "inspection_search_fts"),
]


def fill(apps, schema_editor):
    from registry.text import fold_words as fold

    Complaint = apps.get_model("complaints", "Complaint")
    for row in Complaint.objects.only(*COMPLAINT_FIELDS).iterator(chunk_size=2000):
        row.search_text = fold(" ".join(getattr(row, name) or "" for name in COMPLAINT_FIELDS))
        row.save(update_fields=["search_text"])
    Inspection = apps.get_model("inspections", "Inspection")
    for row in Inspection.objects.select_related("operator").iterator(chunk_size=2000):
        op = row.operator
        parts = [row.decision_number, op.name, op.tax_code, op.shop_url, row.place]
        row.search_text = fold(" ".join([*(p or "" for p in parts), row.legal_ground_note]))
        row.save(update_fields=["search_text"])


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("complaints", "0003_complaint_search_text"),
        ("inspections", "0010_inspection_search_text"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
