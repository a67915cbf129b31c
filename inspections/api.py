from datetime import date
from uuid import UUID

from django.http import UnreadablePostError
from django.shortcuts import get_object_or_404
from ninja import File, Router, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from complaints import selectors as complaint_selectors
from complaints.models import Complaint
from inspections import (
    findings,
    measurements,
    overlap,
    products,
    risk_assessment,
    samples,
    selectors,
    services,
    suggestions,
    sync,
)
from inspections.models import ChecklistItem
from inspections.product_schemas import FindingProductOut
from inspections.schemas import (
    AmendIn,
    ChecklistOut,
    EarlierInspectionOut,
    EvidenceOut,
    FindingIn,
    FindingOut,
    InspectionCreatedOut,
    InspectionDecisionIn,
    InspectionDetailOut,
    InspectionFromReportsIn,
    InspectionIn,
    InspectionOut,
    InspectionStatus,
    InspectionTransitionIn,
    LabResultIn,
    LotPlanOut,
    MinutesOut,
    MinutesSignIn,
    PhotoUploadIn,
    PhotoUploadOut,
    PlanDecisionIn,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanStatus,
    PlanTargetOut,
    SampleIn,
    SampleOut,
    SampleSendIn,
    SuggestionAcceptIn,
    SuggestionOut,
    SuggestionSkipOut,
    SyncStatusIn,
    SyncStatusOut,
    TeamIn,
)
from registry.api_base import ERRORS, PagePagination
from registry.barcode_schemas import (
    BarcodePhotoIn,
    ProductCandidateOut,
    ProductLinkIn,
    origin_out,
    proposal_out,
)
from registry.errors import NotFound
from registry.media import file_response
from registry.models import EconomicOperator, Product, ProductCategory, User
from registry.permissions import require_perm
from registry.product_links import product_candidates
from registry.risk import today
from registry.risk_schemas import RiskIn

router = Router(tags=["inspections"])


@router.get("/plans", response={200: list[PlanOut], **ERRORS}, operation_id="list_plans")
@paginate(PagePagination)
def plan_list(request, status: PlanStatus | None = None):
    return selectors.plan_list(user=request.auth, status=status)


@router.post("/plans", response={201: PlanOut, **ERRORS}, operation_id="create_plan")
def plan_create(request, data: PlanIn):
    user = request.auth
    plan = services.plan_create(
        by=user,
        title=data.title,
        period_start=data.period_start,
        period_end=data.period_end,
        scopes=data.scopes,
        operators=EconomicOperator.objects.visible_to(user).filter(pk__in=data.operator_ids),
        categories=ProductCategory.objects.visible_to(user).filter(pk__in=data.category_ids),
        note=data.note,
        target_reasons={r.operator_id: (r.reason, r.note) for r in data.target_reasons},
    )
    return Status(201, plan)


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS}, operation_id="get_plan")
def plan_detail(request, plan_id: int):
    return selectors.plan_get(user=request.auth, plan_id=plan_id)


@router.post(
    "/plans/{plan_id}/submit", response={200: PlanOut, **ERRORS}, operation_id="submit_plan"
)
def plan_submit(request, plan_id: int):
    return services.plan_submit(
        by=request.auth, plan=selectors.plan_get(user=request.auth, plan_id=plan_id)
    )


@router.get(
    "/plans/{plan_id}/suggestions",
    response={200: list[SuggestionOut], **ERRORS},
    operation_id="list_plan_suggestions",
)
def plan_suggestions(request, plan_id: int):
    """Operators of the plan's area ranked by risk score, with the reasons (at most 50;
    the plan's targets and skipped suggestions left out)."""
    plan = selectors.plan_get(user=request.auth, plan_id=plan_id)
    require_perm(request.auth, "inspections.add_inspectionplan")
    return suggestions.plan_suggestions(plan=plan)


@router.post(
    "/plans/{plan_id}/suggestions/{operator_id}/accept",
    response={201: PlanTargetOut, **ERRORS},
    operation_id="accept_plan_suggestion",
)
def plan_suggestion_accept(request, plan_id: int, operator_id: int, data: SuggestionAcceptIn):
    """Add the suggested operator to the plan's targets, the reasons as its note."""
    user = request.auth
    target = services.plan_suggestion_accept(
        by=user,
        plan=selectors.plan_get(user=user, plan_id=plan_id),
        operator=get_object_or_404(EconomicOperator.objects.visible_to(user), pk=operator_id),
        repeat_reason=data.repeat_reason or "",
        repeat_note=data.repeat_note,
    )
    return Status(201, target)


@router.post(
    "/plans/{plan_id}/suggestions/{operator_id}/skip",
    response={201: SuggestionSkipOut, **ERRORS},
    operation_id="skip_plan_suggestion",
)
def plan_suggestion_skip(request, plan_id: int, operator_id: int):
    """Skip the suggestion: not suggested again for this plan."""
    user = request.auth
    skip = services.plan_suggestion_skip(
        by=user,
        plan=selectors.plan_get(user=user, plan_id=plan_id),
        operator=get_object_or_404(EconomicOperator.objects.visible_to(user), pk=operator_id),
    )
    return Status(201, skip)


@router.post(
    "/plans/{plan_id}/decision", response={200: PlanOut, **ERRORS}, operation_id="decide_plan"
)
def plan_decide(request, plan_id: int, data: PlanDecisionIn):
    plan = selectors.plan_get(user=request.auth, plan_id=plan_id)
    return services.plan_decide(by=request.auth, plan=plan, approve=data.approve, note=data.note)


@router.get(
    "/inspections/mine",
    response={200: list[InspectionOut], **ERRORS},
    operation_id="list_my_inspections",
)
@paginate(PagePagination)
def list_my_inspections(request, day: date | None = None):
    """The inspections the caller is on (their tablet's list); `day` for one date."""
    return selectors.my_inspections(user=request.auth, day=day).prefetch_related("categories")


@router.get(
    "/inspections", response={200: list[InspectionOut], **ERRORS}, operation_id="list_inspections"
)
@paginate(PagePagination)
def inspection_list(request, status: InspectionStatus | None = None):
    return selectors.inspection_list(user=request.auth, status=status).prefetch_related(
        "categories"
    )


@router.post(
    "/inspections", response={201: InspectionOut, **ERRORS}, operation_id="create_inspection"
)
def inspection_create(request, data: InspectionIn):
    user = request.auth
    inspection = services.inspection_create(
        by=user,
        operator=get_object_or_404(EconomicOperator.objects.visible_to(user), pk=data.operator_id),
        legal_ground=data.legal_ground,
        scopes=data.scopes,
        plan=selectors.plan_get(user=user, plan_id=data.plan_id) if data.plan_id else None,
        complaints=Complaint.objects.visible_to(user).filter(pk__in=data.complaint_ids),
        place=data.place,
        scheduled_date=data.scheduled_date,
        legal_ground_note=data.legal_ground_note,
        categories=ProductCategory.objects.filter(pk__in=data.category_ids),
        goods=data.goods,
        repeat_reason=data.repeat_reason or "",
        repeat_note=data.repeat_note,
        repeat_complaint=Complaint.objects.visible_to(user)
        .filter(pk=data.repeat_complaint_id)
        .first()
        if data.repeat_complaint_id
        else None,
    )
    return Status(201, selectors.inspection_get(user=user, inspection_id=inspection.pk))


@router.get(
    "/operators/{operator_id}/recent-inspections",
    response={200: list[EarlierInspectionOut], **ERRORS},
    operation_id="list_operator_recent_inspections",
)
def operator_recent_inspections(request, operator_id: int, on: date | None = None):
    """Every inspection of the operator by any unit within 12 months of `on` (default
    today), cancelled ones excepted: only day, unit, decision number, status and legal
    ground; `id` only where the caller may open the inspection. A second inspection in
    that window needs a `repeat_reason` (Directive 20/CT-TTg)."""
    user = request.auth
    require_perm(user, "inspections.view_inspectionplan")
    operator = get_object_or_404(EconomicOperator.objects.visible_to(user), pk=operator_id)
    return overlap.earlier_inspections(user=user, operator=operator, on=on or today())


@router.get(
    "/inspections/{inspection_id}",
    response={200: InspectionDetailOut, **ERRORS},
    operation_id="get_inspection",
)
def inspection_detail(request, inspection_id: int):
    return selectors.inspection_get(user=request.auth, inspection_id=inspection_id)


@router.post(
    "/inspections/{inspection_id}/team",
    response={200: InspectionOut, **ERRORS},
    operation_id="set_inspection_team",
)
def inspection_team(request, inspection_id: int, data: TeamIn):
    user = request.auth
    inspection = selectors.inspection_get(user=user, inspection_id=inspection_id)
    staff = User.objects.visible_to(user)
    services.inspection_set_team(
        by=user,
        inspection=inspection,
        lead=get_object_or_404(staff, pk=data.lead_id),
        members=list(staff.filter(pk__in=data.member_ids)),
    )
    return selectors.inspection_get(user=user, inspection_id=inspection_id)


@router.post(
    "/inspections/{inspection_id}/decision",
    response={200: InspectionOut, **ERRORS},
    operation_id="decide_inspection",
)
def inspection_decide(request, inspection_id: int, data: InspectionDecisionIn):
    user = request.auth
    inspection = selectors.inspection_get(user=user, inspection_id=inspection_id)
    services.inspection_decide(
        by=user,
        inspection=inspection,
        decision_number=data.decision_number,
        decision_date=data.decision_date,
        repeat_reason=data.repeat_reason or "",
        repeat_note=data.repeat_note,
    )
    return selectors.inspection_get(user=user, inspection_id=inspection_id)


@router.post(
    "/inspections/{inspection_id}/transition",
    response={200: InspectionOut, **ERRORS},
    operation_id="transition_inspection",
)
def inspection_transition(request, inspection_id: int, data: InspectionTransitionIn):
    user = request.auth
    inspection = selectors.inspection_get(user=user, inspection_id=inspection_id)
    services.inspection_transition(by=user, inspection=inspection, to=data.to, note=data.note)
    return selectors.inspection_get(user=user, inspection_id=inspection_id)


# --- Checklists, findings, evidence -------------------------------------------------------------


@router.get(
    "/checklists", response={200: list[ChecklistOut], **ERRORS}, operation_id="list_checklists"
)
def checklist_list(request, scope: str | None = None, on: date | None = None):
    """The active checklist of each scope, with its items (the tablet caches them). An
    item's `text` reads as on `on` (default today); `texts` holds every wording by date."""
    request.checklist_day = on
    return list(selectors.checklist_list(user=request.auth, scope=scope))


@router.get(
    "/quantity/sampling-plan",
    response={200: LotPlanOut, **ERRORS},
    operation_id="quantity_sampling_plan",
)
def quantity_sampling_plan(request, nominal: str, unit: str, lot_size: str):
    """Circular 21/2014: the permitted shortage T of one unit and how many units of the
    lot to measure (the tablet asks before the inspector weighs)."""
    require_perm(request.auth, "inspections.view_checklistitem")
    return measurements.lot_plan({"nominal": nominal, "unit": unit, "lot_size": lot_size})


@router.get(
    "/inspections/{inspection_id}/findings",
    response={200: list[FindingOut], **ERRORS},
    operation_id="list_findings",
)
@paginate(PagePagination)
def finding_list(request, inspection_id: int):
    return selectors.finding_list(user=request.auth, inspection_id=inspection_id)


@router.post(
    "/inspections/{inspection_id}/findings",
    response={200: FindingOut, 201: FindingOut, **ERRORS},
    operation_id="create_finding",
)
def create_finding(request, inspection_id: int, data: FindingIn):
    """Idempotent by `client_uuid`: 201 the first time, 200 with the same finding after."""
    user = request.auth
    inspection = selectors.inspection_get(user=user, inspection_id=inspection_id)
    item = ChecklistItem.objects.select_related("template").filter(pk=data.item_id).first()
    finding, created = findings.finding_create(
        by=user,
        inspection=inspection,
        client_uuid=data.client_uuid,
        item=item,
        result=data.result,
        note=data.note,
        data=data.data,
        latitude=data.latitude,
        longitude=data.longitude,
        gps_accuracy_m=data.gps_accuracy_m,
        captured_at=data.captured_at,
        product_gtin=data.product_gtin,
    )
    return Status(201 if created else 200, selectors.finding_get(user=user, finding_id=finding.pk))


@router.post(
    "/findings/{finding_id}/photos",
    response={200: EvidenceOut, 201: EvidenceOut, **ERRORS},
    operation_id="upload_finding_photo",
)
def upload_finding_photo(request, finding_id: int, photo: File[UploadedFile]):
    """Evidence photo of a finding: 201 when stored, 200 when these bytes are already there."""
    finding = selectors.finding_get(user=request.auth, finding_id=finding_id)
    stored, created = findings.evidence_upload(
        by=request.auth, finding=finding, data=photo.read(), filename=photo.name
    )
    return Status(201 if created else 200, stored)


# --- Offline sync: what the server holds, and photos in pieces -----------------------------------


@router.post(
    "/inspections/{inspection_id}/sync-status",
    response={200: SyncStatusOut, **ERRORS},
    operation_id="sync_status",
)
def sync_status(request, inspection_id: int, data: SyncStatusIn):
    """Which of a tablet's findings (by `client_uuid`) and photos (by SHA-256) this
    inspection already holds: the tablet sends only the rest."""
    inspection = selectors.inspection_get(user=request.auth, inspection_id=inspection_id)
    return sync.sync_status(
        inspection=inspection,
        finding_uuids=data.finding_uuids,
        photo_sha256=[h.lower() for h in data.photo_sha256],
    )


def _upload_out(upload, photo) -> dict:
    if photo is not None:
        return {
            "id": upload.pk if upload else None,
            "state": "stored",
            "offset": photo.byte_size,
            "size": photo.byte_size,
            "chunk_size": sync.CHUNK_BYTES,
            "photo": photo,
        }
    return {
        "id": upload.pk,
        "state": upload.state,
        "offset": upload.received,
        "size": upload.size,
        "chunk_size": sync.CHUNK_BYTES,
        "photo": None,
    }


@router.post(
    "/findings/{finding_id}/photo-uploads",
    response={200: PhotoUploadOut, 201: PhotoUploadOut, **ERRORS},
    operation_id="start_photo_upload",
)
def start_photo_upload(request, finding_id: int, data: PhotoUploadIn):
    """Begin, or after a dropped connection resume, the upload of one photo. `stored`
    means the inspection already holds these bytes: nothing to send. Otherwise send the
    pieces from `offset` with PUT /photo-uploads/{id}?offset=…"""
    finding = selectors.finding_get(user=request.auth, finding_id=finding_id)
    upload, photo, created = sync.photo_upload_start(
        by=request.auth, finding=finding, sha256=data.sha256, size=data.size, filename=data.filename
    )
    return Status(201 if created else 200, _upload_out(upload, photo))


@router.put(
    "/photo-uploads/{upload_id}",
    response={200: PhotoUploadOut, **ERRORS},
    operation_id="send_photo_piece",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
        "parameters": [
            {
                "name": "X-Chunk-SHA256",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "SHA-256 of this piece, checked when given.",
            }
        ],
    },
)
def send_photo_piece(request, upload_id: UUID, offset: int):
    """One piece of the photo, as the raw request body, starting at byte `offset`. The
    answer gives the new offset; the last piece answers `stored` with the photo."""
    try:
        declared = int(request.META["CONTENT_LENGTH"])
    except (KeyError, ValueError):
        declared = None  # sent without a length (chunked): the piece's hash still checks it
    try:
        data = request.body
    except UnreadablePostError:
        data = b""  # the connection dropped while the piece was arriving
    upload = sync.photo_upload_chunk(
        by=request.auth,
        upload_id=upload_id,
        offset=offset,
        data=data,
        declared_length=declared,
        chunk_sha256=request.headers.get("X-Chunk-SHA256"),
    )
    return _upload_out(upload, upload.photo if upload.state == "stored" else None)


@router.get(
    "/findings/{finding_id}/photos/{photo_id}/{variant}",
    response={200: None, **ERRORS},
    operation_id="get_evidence_file",
)
def evidence_file(request, finding_id: int, photo_id: int, variant: str):
    """The original (as an attachment, byte for byte) or a display copy or thumbnail."""
    photo = selectors.evidence_get(user=request.auth, finding_id=finding_id, photo_id=photo_id)
    if variant == "original":
        return file_response(
            photo.original, filename=f"{photo.sha256}{photo.extension}", attachment=True
        )
    if variant in ("display", "thumb") and photo.state == photo.State.READY:
        field = photo.display if variant == "display" else photo.thumb
        return file_response(
            field, filename=f"{photo.sha256}-{variant}.jpg", content_type="image/jpeg"
        )
    raise NotFound()


# --- Samples ----------------------------------------------------------------------------------


@router.get(
    "/inspections/{inspection_id}/samples",
    response={200: list[SampleOut], **ERRORS},
    operation_id="list_samples",
)
@paginate(PagePagination)
def sample_list(request, inspection_id: int):
    return selectors.sample_list(user=request.auth, inspection_id=inspection_id)


@router.post(
    "/inspections/{inspection_id}/samples",
    response={200: SampleOut, 201: SampleOut, **ERRORS},
    operation_id="create_sample",
)
def create_sample(request, inspection_id: int, data: SampleIn):
    """Idempotent by `client_uuid`: 201 the first time, 200 with the same sample after."""
    user = request.auth
    inspection = selectors.inspection_get(user=user, inspection_id=inspection_id)
    sample, created = samples.sample_create(
        by=user,
        inspection=inspection,
        client_uuid=data.client_uuid,
        product_name=data.product_name,
        batch=data.batch,
        quantity_per_unit=data.quantity_per_unit,
        test_unit_seal=data.test_unit_seal,
        retained_unit_seal=data.retained_unit_seal,
        sampling_record_number=data.sampling_record_number,
        sampled_at=data.sampled_at,
        product=get_object_or_404(Product.objects.visible_to(user), pk=data.product_id)
        if data.product_id
        else None,
    )
    return Status(201 if created else 200, selectors.sample_get(user=user, sample_id=sample.pk))


@router.post(
    "/samples/{sample_id}/sent", response={200: SampleOut, **ERRORS}, operation_id="send_sample"
)
def sample_send(request, sample_id: int, data: SampleSendIn):
    sample = selectors.sample_get(user=request.auth, sample_id=sample_id)
    return samples.sample_send(
        by=request.auth, sample=sample, lab_name=data.lab_name, sent_on=data.sent_on
    )


@router.post(
    "/samples/{sample_id}/lab-result",
    response={200: SampleOut, **ERRORS},
    operation_id="record_lab_result",
)
def record_lab_result(request, sample_id: int, data: LabResultIn):
    """The test report per criterion against the QCVN limit; pass/fail is computed."""
    user = request.auth
    sample = selectors.sample_get(user=user, sample_id=sample_id)
    samples.lab_result_record(
        by=user,
        sample=sample,
        test_report_number=data.test_report_number,
        result_on=data.result_on,
        received_on=data.received_on,
        criteria=[c.dict() for c in data.criteria],
    )
    return selectors.sample_get(user=user, sample_id=sample_id)


@router.post(
    "/samples/{sample_id}/risk",
    response={200: SampleOut, **ERRORS},
    operation_id="assess_sample_risk",
)
def assess_sample_risk(request, sample_id: int, data: RiskIn):
    """The risk of a failed sample (EU Safety Gate method): the level is computed from
    the severity and the probability."""
    user = request.auth
    sample = selectors.sample_get(user=user, sample_id=sample_id)
    risk_assessment.sample_risk_assess(by=user, sample=sample, **data.dict())
    return selectors.sample_get(user=user, sample_id=sample_id)


# --- Minutes ------------------------------------------------------------------------------------


@router.post(
    "/inspections/{inspection_id}/minutes",
    response={200: MinutesOut, **ERRORS},
    operation_id="draft_minutes",
)
def minutes_draft(request, inspection_id: int):
    """Make or remake the draft minutes from the current findings and samples."""
    from inspections import minutes as minutes_services

    inspection = selectors.inspection_get(user=request.auth, inspection_id=inspection_id)
    return minutes_services.minutes_draft(by=request.auth, inspection=inspection)


@router.post(
    "/minutes/{minutes_id}/sign", response={200: MinutesOut, **ERRORS}, operation_id="sign_minutes"
)
def minutes_sign(request, minutes_id: int, data: MinutesSignIn):
    from inspections import minutes as minutes_services

    minutes = selectors.minutes_get(user=request.auth, minutes_id=minutes_id)
    return minutes_services.minutes_sign(
        by=request.auth,
        minutes=minutes,
        team_signers=list(User.objects.filter(pk__in=data.team_signer_ids)),
        representative_name=data.representative_name,
        representative_position=data.representative_position,
        representative_refused=data.representative_refused,
        witness_name=data.witness_name,
        witness_address=data.witness_address,
    )


@router.post(
    "/inspections/{inspection_id}/minutes/amendments",
    response={201: MinutesOut, **ERRORS},
    operation_id="amend_minutes",
)
def minutes_amend(request, inspection_id: int, data: AmendIn):
    from inspections import minutes as minutes_services

    inspection = selectors.inspection_get(user=request.auth, inspection_id=inspection_id)
    return Status(
        201,
        minutes_services.minutes_amend(by=request.auth, inspection=inspection, reason=data.reason),
    )


@router.get(
    "/minutes/{minutes_id}/pdf", response={200: None, **ERRORS}, operation_id="get_minutes_pdf"
)
def minutes_pdf(request, minutes_id: int):
    minutes = selectors.minutes_get(user=request.auth, minutes_id=minutes_id)
    name = f"bien-ban-kiem-tra-{minutes.inspection_id}-{minutes.number}.pdf"
    return file_response(
        minutes.pdf, filename=name, content_type="application/pdf", attachment=True, sandbox=False
    )


@router.post(
    "/complaints/inspections",
    response={201: InspectionCreatedOut, **ERRORS},
    operation_id="propose_inspection",
    tags=["complaints"],
)
def complaints_to_inspection(request, data: InspectionFromReportsIn):
    """An ad-hoc inspection on the ground of accepted reports, linked both ways."""
    complaints = complaint_selectors.complaints_by_ids(user=request.auth, ids=data.ids)
    operator = get_object_or_404(EconomicOperator, pk=data.operator_id)
    inspection = services.inspection_from_complaints(
        by=request.auth,
        complaints=complaints,
        operator=operator,
        scopes=data.scopes,
        place=data.place,
        scheduled_date=data.scheduled_date,
    )
    return Status(201, inspection)


# --- the product of a finding: barcode read from its photos, product record -------------------


def _finding_product_out(user, finding_id: int) -> FindingProductOut:
    finding = selectors.finding_get(user=user, finding_id=finding_id)
    return FindingProductOut(
        finding_id=finding.pk,
        product_id=finding.product_id,
        product_gtin=finding.product_gtin,
        product_batch=finding.product_batch,
        product_expiry=finding.product_expiry,
        origin=origin_out(finding.product_gtin),
        proposal=proposal_out(products.barcode_proposal(finding=finding)),
    )


@router.get(
    "/findings/{finding_id}/product",
    response={200: FindingProductOut, **ERRORS},
    operation_id="get_finding_product",
)
def finding_product(request, finding_id: int):
    """The finding's goods, and the barcode read from its photos that waits for staff."""
    return _finding_product_out(request.auth, finding_id)


@router.post(
    "/findings/{finding_id}/barcode/confirm",
    response={200: FindingProductOut, **ERRORS},
    operation_id="confirm_finding_barcode",
)
def finding_barcode_confirm(request, finding_id: int, data: BarcodePhotoIn):
    """Take the barcode read from the photo as the finding's goods (GTIN, batch, expiry,
    product record; `name` and `brand` make the record when none holds the GTIN)."""
    finding = selectors.finding_get(user=request.auth, finding_id=finding_id)
    products.finding_barcode_confirm(
        by=request.auth, finding=finding, photo_id=data.photo_id, name=data.name, brand=data.brand
    )
    return _finding_product_out(request.auth, finding_id)


@router.post(
    "/findings/{finding_id}/barcode/skip",
    response={200: FindingProductOut, **ERRORS},
    operation_id="skip_finding_barcode",
)
def finding_barcode_skip(request, finding_id: int, data: BarcodePhotoIn):
    finding = selectors.finding_get(user=request.auth, finding_id=finding_id)
    products.finding_barcode_skip(by=request.auth, finding=finding, photo_id=data.photo_id)
    return _finding_product_out(request.auth, finding_id)


@router.get(
    "/findings/{finding_id}/product/candidates",
    response={200: list[ProductCandidateOut], **ERRORS},
    operation_id="list_finding_product_candidates",
)
def finding_product_candidates(request, finding_id: int, name: str = "", brand: str = ""):
    """Product records whose name and brand match, at most 20, the exact match first."""
    selectors.finding_get(user=request.auth, finding_id=finding_id)
    return product_candidates(user=request.auth, name=name[:300], brand=brand[:200])


@router.post(
    "/findings/{finding_id}/product",
    response={200: FindingProductOut, **ERRORS},
    operation_id="link_finding_product",
)
def finding_product_link(request, finding_id: int, data: ProductLinkIn):
    """Link the finding to a product record by a confirmed match of name and brand."""
    finding = selectors.finding_get(user=request.auth, finding_id=finding_id)
    product = get_object_or_404(Product.objects.visible_to(request.auth), pk=data.product_id)
    products.finding_product_link(by=request.auth, finding=finding, product=product)
    return _finding_product_out(request.auth, finding_id)
