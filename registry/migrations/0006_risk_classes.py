import datetime
import json
from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

# The classes as they were when this migration was written (a frozen copy of the
# "classes" of registry/data/product_categories.json): a migration must replay the same
# way forever, so it never reads the live file.
DATA = Path(__file__).resolve().parent / "data_0006" / "category_classes.json"
# The flags migration 0004 seeded: a stored flag that differs was changed by hand.
SEEDED = Path(__file__).resolve().parent / "data_0004" / "product_categories.json"

# Law 05/2007/QH12 took effect on 01/07/2008; the group 1/group 2 scheme ended when the
# risk-class lists took effect on 01/07/2026 (Decree 37/2026/NĐ-CP, Art. 5).
GROUP_FROM = datetime.date(2008, 7, 1)
GROUP_TO = datetime.date(2026, 6, 30)
CONVERTED_BASIS = "Luật Chất lượng sản phẩm, hàng hóa 05/2007/QH12"
CONVERTED_SOURCE = (
    "Chuyển từ đánh dấu “hàng hóa nhóm 2” trước đây của nhóm sản phẩm; chưa đối chiếu. "
    "Từ 01/7/2026 chưa có phân loại theo mức độ rủi ro."
)


def _overlaps(rows):
    rows = sorted(rows, key=lambda r: r["valid_from"])
    for before, after in zip(rows, rows[1:], strict=False):
        if before["valid_to"] is None or before["valid_to"] >= after["valid_from"]:
            return True
    return False


def to_classes(apps, schema_editor):
    ProductCategory = apps.get_model("registry", "ProductCategory")
    CategoryClass = apps.get_model("registry", "CategoryClass")
    frozen = json.loads(DATA.read_text(encoding="utf-8"))
    seeded = {
        item["code"]: item["group2"]
        for item in json.loads(SEEDED.read_text(encoding="utf-8"))
    }
    for category in ProductCategory.objects.all():
        if category.code in frozen:
            rows = [
                {
                    "scheme": row["scheme"],
                    "level": row["level"],
                    "valid_from": datetime.date.fromisoformat(row["valid_from"]),
                    "valid_to": (
                        datetime.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
                    ),
                    "basis": row["basis"],
                    "verified": row["verified"],
                    "source": row.get("source") or "",
                }
                for row in frozen[category.code]
            ]
            # A flag changed by hand since migration 0004 seeded it is what the authority
            # decided: it gives the group rows (unverified), not the file.
            if category.group2 != seeded.get(category.code, category.group2):
                flagged = "group2" if category.group2 else "group1"
                for row in rows:
                    if row["scheme"] == "group":
                        row.update(level=flagged, verified=False, source=CONVERTED_SOURCE)
        else:
            # A category added by hand: its flag is all that is known, for the old law only.
            rows = [
                {
                    "scheme": "group",
                    "level": "group2" if category.group2 else "group1",
                    "valid_from": GROUP_FROM,
                    "valid_to": GROUP_TO,
                    "basis": CONVERTED_BASIS,
                    "verified": False,
                    "source": CONVERTED_SOURCE,
                }
            ]
        if _overlaps(rows):
            raise ValueError(f"Overlapping classes for category {category.code}")
        CategoryClass.objects.bulk_create(CategoryClass(category=category, **row) for row in rows)


def to_flag(apps, schema_editor):
    ProductCategory = apps.get_model("registry", "ProductCategory")
    CategoryClass = apps.get_model("registry", "CategoryClass")
    # The flag meant group 2 under the old law: read it on the scheme's last day.
    last_day = CategoryClass.objects.filter(
        scheme="group", level="group2", valid_from__lte=GROUP_TO
    ).exclude(valid_to__lt=GROUP_TO)
    ProductCategory.objects.filter(pk__in=last_day.values("category_id")).update(group2=True)


class Migration(migrations.Migration):
    """Product categories' group 2 flag becomes dated classes: group 1/group 2 under the
    2007 law until 30/06/2026, risk classes under Law 78/2025/QH15 from 01/07/2026."""

    dependencies = [("registry", "0005_legal_clocks")]

    operations = [
        migrations.CreateModel(
            name="CategoryClass",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "scheme",
                    models.CharField(
                        choices=[
                            ("group", "Nhóm hàng hóa (Luật 05/2007/QH12)"),
                            ("risk", "Mức độ rủi ro (Luật 78/2025/QH15)"),
                        ],
                        max_length=8,
                        verbose_name="cách phân loại",
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("group1", "Hàng hóa nhóm 1"),
                            ("group2", "Hàng hóa nhóm 2"),
                            ("low", "Rủi ro thấp"),
                            ("medium", "Rủi ro trung bình"),
                            ("high", "Rủi ro cao"),
                        ],
                        max_length=8,
                        verbose_name="phân loại",
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="hiệu lực từ ngày")),
                (
                    "valid_to",
                    models.DateField(
                        blank=True,
                        help_text="Để trống nếu còn hiệu lực.",
                        null=True,
                        verbose_name="hiệu lực đến hết ngày",
                    ),
                ),
                ("basis", models.CharField(max_length=500, verbose_name="căn cứ phân loại")),
                (
                    "verified",
                    models.BooleanField(default=False, verbose_name="đã đối chiếu văn bản gốc"),
                ),
                ("source", models.TextField(blank=True, verbose_name="nguồn")),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="classes",
                        to="registry.productcategory",
                        verbose_name="nhóm sản phẩm",
                    ),
                ),
            ],
            options={
                "verbose_name": "phân loại nhóm sản phẩm theo thời gian",
                "verbose_name_plural": "phân loại nhóm sản phẩm theo thời gian",
                "ordering": ["category", "valid_from"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(valid_to__isnull=True)
                        | models.Q(valid_to__gte=models.F("valid_from")),
                        name="category_class_valid_to_gte_from",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(scheme="group", level__in=["group1", "group2"])
                        | models.Q(scheme="risk", level__in=["low", "medium", "high"]),
                        name="category_class_level_in_scheme",
                    ),
                    models.UniqueConstraint(
                        fields=("category", "valid_from"), name="category_class_one_start_per_day"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(valid_to__isnull=True),
                        fields=("category",),
                        name="category_class_one_open_ended",
                    ),
                ],
            },
        ),
        migrations.RunPython(to_classes, to_flag),
        migrations.RemoveField(model_name="productcategory", name="group2"),
    ]
