"""API shapes of violation handling, failed-test follow-up and product alerts."""

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from ninja import Field, Schema
from typing_extensions import TypeAliasType

from registry.api_base import Id
from registry.risk_schemas import PublicRiskOut, RiskOut, risk_out
from violations.models import AdditionalPenalty, RemedialMeasure

# Choices named after their model: the OpenAPI document keeps one schema per name, and
# several models call their choices `Status` or `Kind`.
MeasureKind = TypeAliasType("MeasureKind", RemedialMeasure.Kind)


class ViolationIn(Schema):
    provision_id: int = Field(
        ...,
        description="A verified version of the catalogue in force on `committed_on` "
        "(GET /provisions?on=YYYY-MM-DD&status=verified lists them).",
    )
    committed_on: date | None = Field(
        None,
        description="The day the act was committed (seen, for an ongoing act). Default: "
        "the day of the earliest evidence.",
    )
    description: str = Field(..., max_length=5000)
    finding_ids: list[Id] = []
    photo_ids: list[Id] = []
    sample_ids: list[Id] = []


class RecordIn(Schema):
    place: str = Field(..., max_length=300)
    violations: list[ViolationIn]
    violator_id: int | None = Field(None, description="Default: the inspected operator.")
    representative_name: str = Field("", max_length=150)
    representative_position: str = Field("", max_length=150)


class ViolationOut(Schema):
    id: int
    order: int
    provision_id: int
    committed_on: date
    citation: str
    description: str
    fine_min_vnd: int
    fine_max_vnd: int
    finding_ids: list[int]
    photo_ids: list[int]
    sample_ids: list[int]

    @staticmethod
    def resolve_citation(obj):
        return obj.provision.citation

    @staticmethod
    def resolve_fine_min_vnd(obj):
        return obj.provision.fine_range(organisation=obj.record.violator_is_organisation)[0]

    @staticmethod
    def resolve_fine_max_vnd(obj):
        return obj.provision.fine_range(organisation=obj.record.violator_is_organisation)[1]

    @staticmethod
    def resolve_finding_ids(obj):
        return [f.pk for f in obj.findings.all()]

    @staticmethod
    def resolve_photo_ids(obj):
        return [p.pk for p in obj.photos.all()]

    @staticmethod
    def resolve_sample_ids(obj):
        return [s.pk for s in obj.samples.all()]


class RecordOut(Schema):
    id: int
    inspection_id: int
    number: str
    status: str
    violator_id: int
    violator_name: str
    violator_is_organisation: bool
    place: str
    representative_name: str
    representative_position: str
    representative_statement: str
    representative_refused: bool
    witness_name: str
    refusal_reason: str
    signed_at: datetime | None
    explanation_due: date | None
    needs_verification: bool
    decision_due: date | None
    extended_to: date | None
    decision_deadline: date | None
    extension_reason: str
    dismissal_reason: str
    pdf_sha256: str
    decision_id: int | None
    violations: list[ViolationOut]
    risk: RiskOut | None = None

    @staticmethod
    def resolve_risk(obj):
        return risk_out(obj)

    @staticmethod
    def resolve_violator_name(obj):
        return obj.violator.name

    @staticmethod
    def resolve_decision_deadline(obj):
        return obj.decision_deadline if obj.decision_due else None

    @staticmethod
    def resolve_decision_id(obj):
        decision = getattr(obj, "decision", None)
        return decision.pk if decision else None

    @staticmethod
    def resolve_violations(obj):
        return list(obj.violations.all())


class RecordSignIn(Schema):
    representative_name: str = Field("", max_length=150)
    representative_position: str = Field("", max_length=150)
    statement: str = Field("", max_length=5000)
    refused: bool = False
    witness_name: str = Field("", max_length=150)
    witness_address: str = Field("", max_length=300)
    refusal_reason: str = Field("", max_length=300)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class LineIn(Schema):
    violation_id: int
    fine_vnd: int = Field(..., ge=0)
    additional_penalties: list[AdditionalPenalty] = []


class MeasureIn(Schema):
    kind: MeasureKind
    deadline: date | None = None
    description: str = Field("", max_length=2000)
    violation_id: int | None = None


class DecisionDraftIn(Schema):
    lines: list[LineIn]
    measures: list[MeasureIn] = []


class LineOut(Schema):
    violation_id: int
    citation: str
    fine_vnd: int
    additional_penalties: list[str]

    @staticmethod
    def resolve_citation(obj):
        return obj.violation.provision.citation


class MeasureOut(Schema):
    id: int
    kind: str
    description: str
    deadline: date
    violation_id: int | None
    status: str
    done_on: date | None
    done_note: str
    photo_ids: list[int]

    @staticmethod
    def resolve_photo_ids(obj):
        return [p.pk for p in obj.photos.all()]


class DecisionOut(Schema):
    id: int
    record_id: int
    number: str
    status: str
    decided_on: date | None
    total_fine_vnd: int
    return_note: str
    fine_paid_on: date | None
    fine_receipt_number: str
    closed_at: datetime | None
    pdf_sha256: str
    lines: list[LineOut]
    measures: list[MeasureOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_measures(obj):
        return list(obj.measures.all())


class ReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=4000)


class FinePaidIn(Schema):
    paid_on: date
    receipt_number: str = Field(..., max_length=50)


class MeasureDoneIn(Schema):
    done_on: date
    note: str = Field(..., max_length=4000)


# --- After a failed test ------------------------------------------------------------------------


class SealOut(Schema):
    id: int
    seal_number: str
    goods: str
    place: str
    record_number: str
    sealed_at: datetime
    unseal_record_number: str
    unsealed_at: datetime | None
    unseal_reason: str


class FollowUpOut(Schema):
    id: int
    sample_id: int
    product_name: str
    status: str
    result_received_at: datetime
    report_due: datetime
    reported_at: datetime | None
    report_text: str
    suspension_due: date
    suspension_number: str
    suspension_issued_on: date | None
    suspension_goods: str
    resume_number: str
    resumed_on: date | None
    resume_reason: str
    seals: list[SealOut]
    retest_sample_ids: list[int]

    @staticmethod
    def resolve_product_name(obj):
        return obj.sample.product_name

    @staticmethod
    def resolve_seals(obj):
        return list(obj.seals.all())

    @staticmethod
    def resolve_retest_sample_ids(obj):
        return [s.pk for s in obj.sample.retests.all()]


class FollowUpReportIn(Schema):
    text: str = Field(..., max_length=5000)


class SuspendIn(Schema):
    goods: str = Field(..., max_length=5000)


class SealIn(Schema):
    seal_number: str = Field(..., max_length=50)
    goods: str = Field(..., max_length=5000)
    place: str = Field(..., max_length=300)
    sealed_at: datetime | None = None


class RetestIn(Schema):
    client_uuid: UUID
    test_unit_seal: str = Field(..., max_length=50)
    retained_unit_seal: str = Field(..., max_length=50)
    sampling_record_number: str = Field(..., max_length=50)
    sampled_at: datetime | None = None


# --- Product alerts -----------------------------------------------------------------------------


class AlertIn(Schema):
    product_name: str = Field(..., max_length=300)
    brand: str = Field("", max_length=200)
    barcode: str = Field("", max_length=20)
    batch: str = Field("", max_length=100)
    operator_name: str = Field(..., max_length=300)
    operator_address: str = Field("", max_length=500)
    defect: str = Field(..., max_length=5000)
    measures: str = Field("", max_length=5000)
    # The risk assessment, all four or none (the level is computed); the draft offers
    # the gravest of the case's failed samples and records.
    risk_hazard: str = ""
    risk_severity: int | None = Field(None, ge=1, le=4)
    risk_probability: str = ""
    risk_reasoning: str = Field("", max_length=4000)

    # The service's name of each risk field, and the request's.
    RISK_FIELDS: ClassVar[dict[str, str]] = {
        "hazard": "risk_hazard",
        "severity": "risk_severity",
        "probability": "risk_probability",
        "reasoning": "risk_reasoning",
    }

    def risk(self) -> dict | None:
        """The risk fields given, or None when the request gives none of them."""
        values = {
            "hazard": self.risk_hazard,
            "severity": self.risk_severity,
            "probability": self.risk_probability,
            "reasoning": self.risk_reasoning,
        }
        return values if any(v not in ("", None) for v in values.values()) else None

    def alert_fields(self) -> dict:
        return self.dict(
            exclude={"risk_hazard", "risk_severity", "risk_probability", "risk_reasoning"}
        )


class PublicAlertOut(Schema):
    """What the public sees: nothing about staff or the case file."""

    id: int
    product_name: str
    brand: str
    barcode: str
    batch: str
    operator_name: str
    operator_address: str
    defect: str
    measures: str
    published_on: date
    risk: PublicRiskOut | None = None  # the risk level and the hazard, in plain words

    @staticmethod
    def resolve_risk(obj):
        return risk_out(obj, public=True)


class AlertOut(PublicAlertOut):
    inspection_id: int
    status: str
    withdrawn_at: datetime | None
    withdrawal_reason: str
    risk_assessment: RiskOut | None = None

    @staticmethod
    def resolve_risk_assessment(obj):
        return risk_out(obj)
