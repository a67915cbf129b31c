"""The legal clocks' move to the foundation keeps every clock with its case: a clock of a
report or of an inspection made before the move names the same case after it, and again
after going back."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("review", "0006_move_duplicatelink_to_complaints"),
    ("complaints", "0006_duplicatelink"),
    ("inspections", "0012_violations_moved"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# Serialized rollback: the units the migrations seed are there, and the next tests find the
# database as the migrations left it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_clock_keeps_its_report_or_inspection_across_the_move():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        Unit = old.get_model("registry", "Unit")
        User = old.get_model("registry", "User")
        Operator = old.get_model("registry", "EconomicOperator")
        Complaint = old.get_model("complaints", "Complaint")
        Inspection = old.get_model("inspections", "Inspection")
        OldClock = old.get_model("review", "LegalClock")
        unit = Unit.objects.exclude(kind="national").first()
        now = timezone.now()
        complaint = Complaint.objects.create(
            tracking_number="PA-2026-MIGR01",
            receipt_digest="d" * 64,
            unit=unit,
            kind="quality",
            product_name="Nước mắm",
            seller_name="Cửa hàng A",
            description="Hàng kém chất lượng",
        )
        operator = Operator.objects.create(name="Công ty B", province=unit.province)
        user = User.objects.create(username="migration.lead", unit=unit)
        inspection = Inspection.objects.create(
            unit=unit, legal_ground="complaint", operator=operator, created_by=user
        )
        period = {"started_at": now, "due_on": now.date(), "due_at": now, "remind_at": now}
        OldClock.objects.create(
            kind="acknowledge", subject_id=complaint.pk, unit=unit, complaint=complaint, **period
        )
        OldClock.objects.create(
            kind="sample_retention", subject_id=41, unit=unit, inspection=inspection, **period
        )

        new = migrate(latest)
        Clock = new.get_model("registry", "LegalClock")
        cases = {
            clock.kind: (clock.case_type.app_label, clock.case_type.model, clock.case_id)
            for clock in Clock.objects.select_related("case_type")
        }
        assert cases == {
            "acknowledge": ("complaints", "complaint", complaint.pk),
            "sample_retention": ("inspections", "inspection", inspection.pk),
        }
        assert Clock.objects.get(kind="sample_retention").subject_id == 41
        assert Clock.objects.get(kind="acknowledge").due_at - now < timedelta(seconds=1)

        # And back: a release can be rolled back with its clocks.
        back = migrate(BEFORE).get_model("review", "LegalClock")
        assert dict(back.objects.values_list("kind", "complaint_id")) == {
            "acknowledge": complaint.pk,
            "sample_retention": None,
        }
        assert back.objects.get(kind="sample_retention").inspection_id == inspection.pk
    finally:
        migrate(latest)
