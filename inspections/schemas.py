from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema
from typing_extensions import TypeAliasType

from inspections import measurements, overlap
from inspections.checklists import item_text, item_texts
from inspections.models import Inspection, InspectionPlan, PlanTarget, RepeatReason, Scope
from registry.api_base import Id
from registry.risk import today
from registry.risk_schemas import RiskOut, risk_out

# Choices named after their model: the OpenAPI document keeps one schema per name, and
# several models call their choices `Status` or `Kind`.
PlanStatus = TypeAliasType("PlanStatus", InspectionPlan.Status)
InspectionStatus = TypeAliasType("InspectionStatus", Inspection.Status)


class TargetReasonIn(Schema):
    """The reason to inspect again a target inspected within 12 months."""

    operator_id: Id
    reason: RepeatReason
    note: str = Field(..., max_length=500)


class PlanIn(Schema):
    title: str = Field(..., max_length=300)
    period_start: date
    period_end: date
    scopes: list[Scope]
    operator_ids: list[Id] = []
    category_ids: list[Id] = []
    note: str = Field("", max_length=5000)
    target_reasons: list[TargetReasonIn] = Field(
        [],
        description=(
            "Required for each target inspected by any unit within 12 months of "
            "`period_start` (Directive 20/CT-TTg); else 400 repeat_inspection_reason_required."
        ),
    )


class EarlierInspectionOut(Schema):
    """Another inspection of the same operator within 12 months, by any unit: only these
    facts; `id` is given only when the caller may open the inspection."""

    id: int | None
    unit_id: int
    unit_name: str
    day: date
    decision_number: str
    status: str
    legal_ground: str

    @staticmethod
    def resolve_id(obj):
        return obj.id if obj.visible else None


def _earlier(context, operator_ids, on, **kwargs):
    request = (context or {}).get("request")
    return overlap.earlier_by_operator(
        user=getattr(request, "auth", None) or getattr(request, "user", None),
        operator_ids=operator_ids,
        on=on,
        **kwargs,
    )


class PlanOut(Schema):
    id: int
    unit_id: int
    title: str
    period_start: date
    period_end: date
    scopes: list[str]
    status: PlanStatus
    created_by_id: int
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_note: str


class PlanTargetOut(Schema):
    operator_id: int
    operator_name: str
    note: str
    repeat_reason: str
    repeat_note: str
    earlier_inspections: list[EarlierInspectionOut] = []

    @staticmethod
    def resolve_operator_name(obj):
        return obj.operator.name


class PlanDetailOut(PlanOut):
    """One plan, with its targets: each target's earlier inspections (by any unit,
    within 12 months of the plan's start) and the reason recorded to inspect again."""

    targets: list[PlanTargetOut]

    @staticmethod
    def resolve_targets(obj, context):
        targets = list(
            PlanTarget.objects.filter(plan=obj).select_related("operator").order_by("pk")
        )
        earlier = _earlier(
            context, [t.operator_id for t in targets], obj.period_start, exclude_plan=obj
        )
        for target in targets:
            target.earlier_inspections = earlier.get(target.operator_id, [])
        return targets


class SuggestionOut(Schema):
    """An operator of the plan's area, with its risk score and the reasons
    (inspections/suggestions.py documents the weights)."""

    operator_id: int
    operator_name: str
    tax_code: str | None
    score: int
    reasons: list[str]
    last_inspected: date | None

    @staticmethod
    def resolve_operator_id(obj):
        return obj.operator.pk

    @staticmethod
    def resolve_operator_name(obj):
        return obj.operator.name

    @staticmethod
    def resolve_tax_code(obj):
        return obj.operator.tax_code


class SuggestionAcceptIn(Schema):
    repeat_reason: RepeatReason | None = Field(
        None, description="Required if the operator was inspected within 12 months."
    )
    repeat_note: str = Field("", max_length=500)


class SuggestionSkipOut(Schema):
    operator_id: int
    score: int
    reasons: str
    skipped_at: datetime


class PlanDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class MemberOut(Schema):
    user_id: int
    username: str
    full_name: str
    role: str

    @staticmethod
    def resolve_username(obj):
        return obj.user.username

    @staticmethod
    def resolve_full_name(obj):
        return obj.user.full_name


class OperatorBrief(Schema):
    id: int
    name: str
    tax_code: str | None
    address: str


class InspectionIn(Schema):
    operator_id: int
    legal_ground: Inspection.LegalGround
    scopes: list[Scope]
    plan_id: int | None = None
    complaint_ids: list[Id] = []
    place: str = Field("", max_length=400)
    scheduled_date: date | None = None
    legal_ground_note: str = Field("", max_length=500)
    category_ids: list[Id] = []
    goods: str = Field("", max_length=2000)
    repeat_reason: RepeatReason | None = Field(
        None,
        description=(
            "Required when the operator was inspected by any unit within 12 months of "
            "`scheduled_date` (or today); else 400 repeat_inspection_reason_required."
        ),
    )
    repeat_note: str = Field("", max_length=500)
    repeat_complaint_id: int | None = None


class InspectionOut(Schema):
    id: int
    unit_id: int
    plan_id: int | None
    kind: str
    legal_ground: str
    scopes: list[str]
    operator: OperatorBrief
    place: str
    scheduled_date: date | None
    decision_number: str
    decision_date: date | None
    status: InspectionStatus
    team: list[MemberOut]
    category_ids: list[int]
    goods: str
    repeat_reason: str
    repeat_note: str
    repeat_complaint_id: int | None

    @staticmethod
    def resolve_team(obj):
        return list(obj.team.all())

    @staticmethod
    def resolve_category_ids(obj):
        return sorted(c.pk for c in obj.categories.all())


class InspectionDetailOut(InspectionOut):
    """One inspection, with the operator's other inspections by any unit within 12
    months (the supervisor signing the decision sees them beside the reason)."""

    earlier_inspections: list[EarlierInspectionOut]

    @staticmethod
    def resolve_earlier_inspections(obj, context):
        found = _earlier(context, [obj.operator_id], overlap.inspection_day(obj), exclude_pk=obj.pk)
        return found.get(obj.operator_id, [])


class TeamIn(Schema):
    lead_id: int
    member_ids: list[Id] = []


class InspectionDecisionIn(Schema):
    decision_number: str = Field(..., max_length=50)
    decision_date: date
    repeat_reason: RepeatReason | None = None
    repeat_note: str = Field("", max_length=500)


class InspectionTransitionIn(Schema):
    to: InspectionStatus
    note: str = Field("", max_length=2000)


class ChecklistTextOut(Schema):
    valid_from: date | None
    valid_to: date | None = Field(..., description="The last day of this wording (included).")
    text: str


class ChecklistItemOut(Schema):
    id: int
    code: str
    text: str = Field(..., description="The item as it reads on `on` (default today).")
    texts: list[ChecklistTextOut] = Field(
        ...,
        description=(
            "Every wording with its period (null: open-ended), for a client that shows the "
            "item offline for an inspection on another day: use the one in force on the "
            "inspection's decision date."
        ),
    )
    guidance: str
    order: int
    kind: str

    @staticmethod
    def resolve_text(obj, context):
        request = (context or {}).get("request")
        return item_text(obj, getattr(request, "checklist_day", None) or today())

    @staticmethod
    def resolve_texts(obj):
        return item_texts(obj)


class ChecklistOut(Schema):
    id: int
    scope: str
    version: int
    title: str
    legal_basis: str
    items: list[ChecklistItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class FindingIn(Schema):
    client_uuid: UUID
    item_id: int
    result: str | None = Field(
        None, description="Required, except where the system computes it from `data`."
    )
    note: str = Field("", max_length=5000)
    data: dict = Field(
        default_factory=dict,
        description="Measured data for items of kind listing, instrument or lot_quantity.",
    )
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    gps_accuracy_m: Decimal | None = Field(None, ge=0, le=100000)
    captured_at: datetime | None = None
    product_gtin: str = Field(
        "",
        max_length=20,
        description="The goods' barcode (GTIN-8/12/13/14) typed or scanned on site; a wrong "
        "check digit is refused (`gtin_checksum`). Kept on the finding, linked to the "
        "product recorded under it.",
    )


class LotPlanOut(Schema):
    nominal: Decimal
    unit: str
    lot_size: int
    tolerance: Decimal
    sample_size: int
    k_factor: Decimal | None
    max_defectives: int


class EvidenceOut(Schema):
    id: int
    finding_id: int | None
    measure_id: int | None
    sha256: str
    byte_size: int
    image_format: str
    metadata: dict
    state: str
    width: int | None
    height: int | None
    uploaded_at: datetime


class FindingOut(Schema):
    id: int
    client_uuid: UUID
    inspection_id: int
    item_id: int
    template_version: int
    result: str
    note: str
    data: dict
    summary: str
    latitude: Decimal | None
    longitude: Decimal | None
    gps_accuracy_m: Decimal | None
    captured_at: datetime | None
    created_at: datetime
    author_id: int
    product_id: int | None
    product_gtin: str
    photos: list[EvidenceOut]

    @staticmethod
    def resolve_summary(obj):
        return measurements.summary(obj.item.kind, obj.data)

    @staticmethod
    def resolve_template_version(obj):
        return obj.item.template.version

    @staticmethod
    def resolve_photos(obj):
        return list(obj.photos.all())


class SampleIn(Schema):
    client_uuid: UUID
    product_name: str = Field(..., max_length=300)
    batch: str = Field("", max_length=100)
    quantity_per_unit: str = Field("", max_length=100)
    test_unit_seal: str = Field(..., max_length=50)
    retained_unit_seal: str = Field(..., max_length=50)
    sampling_record_number: str = Field(..., max_length=50)
    sampled_at: datetime
    product_id: int | None = None


class SampleSendIn(Schema):
    lab_name: str = Field(..., max_length=300)
    sent_on: date


# What a lab result's columns hold (14 digits, 4 of them decimals): a larger value is a
# 400, not a number the database stores and cannot give back.
LabValue = Annotated[Decimal, Field(gt=-(10**10), lt=10**10)]


class CriterionIn(Schema):
    criterion: str = Field(..., max_length=200)
    unit: str = Field("", max_length=30)
    limit_min: LabValue | None = None
    limit_max: LabValue | None = None
    reference: str = Field("", max_length=100)
    method: str = Field("", max_length=200)
    measured: LabValue


class LabResultIn(Schema):
    test_report_number: str = Field(..., max_length=50)
    result_on: date
    received_on: date | None = None
    criteria: list[CriterionIn]


class CriterionOut(CriterionIn):
    passed: bool


class SampleOut(Schema):
    id: int
    client_uuid: UUID
    inspection_id: int
    product_name: str
    batch: str
    test_unit_seal: str
    retained_unit_seal: str
    sampling_record_number: str
    sampled_at: datetime
    lab_name: str
    sent_on: date | None
    received_on: date | None
    test_report_number: str
    result_on: date | None
    conforming: bool | None
    retain_until: date | None
    status: str
    results: list[CriterionOut]
    risk: RiskOut | None = None  # a failed sample's risk assessment

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.all())

    @staticmethod
    def resolve_risk(obj):
        return risk_out(obj)


class MinutesOut(Schema):
    id: int
    inspection_id: int
    number: int
    status: str
    amendment_reason: str
    pdf_sha256: str
    signed_at: datetime | None
    representative_name: str
    representative_refused: bool
    witness_name: str
    content: dict


class MinutesSignIn(Schema):
    team_signer_ids: list[Id]
    representative_name: str = Field("", max_length=150)
    representative_position: str = Field("", max_length=150)
    representative_refused: bool = False
    witness_name: str = Field("", max_length=150)
    witness_address: str = Field("", max_length=300)


class AmendIn(Schema):
    reason: str = Field(..., max_length=2000)


# --- Offline sync -------------------------------------------------------------------------------


class SyncStatusIn(Schema):
    finding_uuids: list[UUID] = Field(default_factory=list, max_length=500)
    photo_sha256: list[str] = Field(default_factory=list, max_length=1000)


class SyncPhotoOut(Schema):
    id: int
    finding_id: int | None


class SyncStatusOut(Schema):
    findings: dict[str, int] = Field(..., description="client_uuid → finding id, of those held.")
    photos: dict[str, SyncPhotoOut] = Field(..., description="sha256 → photo, of those held.")


class PhotoUploadIn(Schema):
    sha256: str = Field(..., min_length=64, max_length=64, description="Of the whole photo.")
    size: int = Field(..., ge=1, description="Bytes in the whole photo.")
    filename: str = Field("", max_length=200)


class PhotoUploadOut(Schema):
    id: UUID | None = Field(None, description="Send the pieces to /photo-uploads/{id}.")
    state: str = Field(..., description="receiving, or stored when the photo is held.")
    offset: int = Field(..., description="Bytes already received: send from here.")
    size: int
    chunk_size: int = Field(..., description="Suggested bytes per piece (at most 1 MiB).")
    photo: EvidenceOut | None = None


# --- An inspection on the ground of reports ---------------------------------------------------


class InspectionFromReportsIn(Schema):
    ids: list[Id] = Field(..., min_length=1, max_length=200)
    operator_id: Id
    scopes: list[str] = Field(..., min_length=1)
    place: str = Field("", max_length=400)
    scheduled_date: date | None = None


class InspectionCreatedOut(Schema):
    id: int
    status: str
    legal_ground: str
    complaint_ids: list[int]

    @staticmethod
    def resolve_complaint_ids(obj):
        return sorted(c.pk for c in obj.complaints.all())
