"""No overlapping inspections: Directive 20/CT-TTg asks that an enterprise is not
inspected more than once a year without grounds, and the national plan asks units to
"handle overlaps in specialised inspections".

What counts (docs/overlap-and-suggestions.md):

- the same operator, by its record (`EconomicOperator`): one record is shared by every
  province and its tax code is unique, so this is also a tax-code match; a branch (13-digit
  code) is an operator of its own;
- an inspection by any unit, whatever its status, except a cancelled one;
- its day is the decision date, or before a decision the planned date, or the day it was
  drafted; it counts when that day is less than 12 months before or after the new one's
  day (an inspection another unit has already planned counts as much as a past one).

Across units only these facts are shown (day, unit, decision number, status, legal
ground), never the findings: the link to the inspection is given only to a user who may
see it.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import DateField, F
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Inspection, RepeatReason
from registry.errors import InvalidInput


@dataclass(frozen=True)
class EarlierInspection:
    """What any unit may know of another unit's inspection of the same operator."""

    id: int
    operator_id: int
    unit_id: int
    unit_name: str
    day: date
    decision_number: str
    status: str
    status_label: str
    legal_ground: str
    legal_ground_label: str
    # The user may open the inspection (their unit's, or national staff).
    visible: bool

    def short(self) -> str:
        number = self.decision_number or str(_("chưa có quyết định"))
        return f"{number}, {self.unit_name}, {self.day:%d/%m/%Y}"


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _day_expression():
    return Coalesce(
        F("decision_date"),
        F("scheduled_date"),
        TruncDate("created_at", tzinfo=timezone.get_current_timezone()),
        output_field=DateField(),
    )


def earlier_by_operator(
    *, user, operator_ids, on: date, exclude_pk: int | None = None, exclude_plan=None
) -> dict[int, list[EarlierInspection]]:
    """Every inspection, by any unit, of each operator within 12 months of `on`, newest
    first: two queries, whatever the number of operators."""
    operator_ids = list(operator_ids)
    if not operator_ids:
        return {}
    qs = (
        Inspection.objects.filter(operator_id__in=operator_ids)
        .exclude(status=Inspection.Status.CANCELLED)
        .annotate(day=_day_expression())
        .filter(day__gt=year_before(on), day__lt=year_after(on))
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if exclude_plan is not None:
        # The plan's own inspections carry the plan out; they do not repeat it.
        qs = qs.exclude(plan=exclude_plan)
    rows = list(
        qs.order_by("-day", "-pk").values(
            "pk",
            "operator_id",
            "unit_id",
            "unit__name",
            "day",
            "decision_number",
            "status",
            "legal_ground",
        )
    )
    visible = set()
    if rows and user is not None:
        visible = set(
            Inspection.objects.visible_to(user)
            .filter(pk__in=[r["pk"] for r in rows])
            .values_list("pk", flat=True)
        )
    statuses = dict(Inspection.Status.choices)
    grounds = dict(Inspection.LegalGround.choices)
    found: dict[int, list[EarlierInspection]] = {}
    for r in rows:
        found.setdefault(r["operator_id"], []).append(
            EarlierInspection(
                id=r["pk"],
                operator_id=r["operator_id"],
                unit_id=r["unit_id"],
                unit_name=r["unit__name"],
                day=r["day"],
                decision_number=r["decision_number"],
                status=r["status"],
                status_label=str(statuses.get(r["status"], r["status"])),
                legal_ground=r["legal_ground"],
                legal_ground_label=str(grounds.get(r["legal_ground"], r["legal_ground"])),
                visible=r["pk"] in visible,
            )
        )
    return found


def earlier_inspections(
    *, user, operator, on: date, exclude_pk: int | None = None
) -> list[EarlierInspection]:
    return earlier_by_operator(
        user=user, operator_ids=[operator.pk], on=on, exclude_pk=exclude_pk
    ).get(operator.pk, [])


def inspection_day(inspection: Inspection) -> date:
    """The day an inspection is counted on (see the module's docstring)."""
    if inspection.decision_date:
        return inspection.decision_date
    if inspection.scheduled_date:
        return inspection.scheduled_date
    if inspection.created_at:
        return timezone.localdate(inspection.created_at)
    return timezone.localdate()


def clean_repeat_reason(
    *,
    earlier: list[EarlierInspection],
    reason: str,
    note: str,
    field: str = "repeat_reason",
    note_field: str = "repeat_note",
) -> tuple[str, str]:
    """The reason to inspect again, checked: required when there are earlier inspections
    (refused with `repeat_inspection_reason_required`, naming them), optional otherwise."""
    reason, note = (reason or "").strip(), (note or "").strip()[:500]
    if reason and reason not in RepeatReason.values:
        raise InvalidInput.field(
            field, "invalid_repeat_reason", _("Hãy chọn lý do kiểm tra lại hợp lệ.")
        )
    if earlier and not reason:
        raise InvalidInput.field(
            field,
            "repeat_inspection_reason_required",
            _(
                "Đối tượng đã được kiểm tra trong vòng 12 tháng (%(inspections)s). Theo Chỉ "
                "thị 20/CT-TTg, hãy ghi lý do kiểm tra lại."
            ),
            {"inspections": "; ".join(e.short() for e in earlier)},
        )
    if reason and earlier and not note:
        raise InvalidInput.field(
            note_field,
            "repeat_note_required",
            _("Hãy ghi rõ lý do kiểm tra lại (số văn bản, nội dung phản ánh, cảnh báo)."),
        )
    return reason, note
