"""What inspections tell the reports' retention (complaints.retention): a report an
inspection was opened on is kept while that inspection is not closed (or cancelled)."""

from complaints.models import RetentionNotice
from complaints.retention import register_block
from inspections.models import Inspection


def open_inspection(cases: list[int]) -> str:
    open_ones = Inspection.objects.filter(complaints__in=cases).exclude(
        status__in=(Inspection.Status.CLOSED, Inspection.Status.CANCELLED)
    )
    return RetentionNotice.Block.INSPECTION_OPEN if open_ones.exists() else ""


register_block(open_inspection, position=1)
