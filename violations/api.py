"""Violation handling, the follow-up of a failed test, and product alerts.

Staff endpoints reach every object through an inspection the caller may see (404
otherwise); the services check what the caller may do with it. The public alert list
needs no login.
"""

from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from inspections import findings
from inspections import selectors as inspection_selectors
from inspections.models import EvidencePhoto, Finding, Sample
from inspections.schemas import EvidenceOut, SampleOut
from registry.api_base import ERRORS, ErrorOut, PagePagination
from registry.errors import InvalidInput, NotFound
from registry.media import file_response
from registry.models import EconomicOperator, LegalProvision
from registry.risk_schemas import RiskIn
from violations import alerts, decisions, followup, records, risk_assessment, selectors
from violations.notice_api import router as notice_router
from violations.risk_assessment import case_assessment
from violations.schemas import (
    AlertIn,
    AlertOut,
    DecisionDraftIn,
    DecisionOut,
    FinePaidIn,
    FollowUpOut,
    FollowUpReportIn,
    MeasureDoneIn,
    MeasureOut,
    PublicAlertOut,
    ReasonIn,
    RecordIn,
    RecordOut,
    RecordSignIn,
    RetestIn,
    ReviewIn,
    SealIn,
    SealOut,
    SuspendIn,
)

router = Router(tags=["violations"])
public = Router(tags=["public"])
router.add_router("", notice_router)
PUBLIC_ERRORS = {400: ErrorOut, 404: ErrorOut}


def pdf_response(field, name: str):
    return file_response(
        field, filename=name, content_type="application/pdf", attachment=True, sandbox=False
    )


def _step(request, fetch, step, name: str, pk: int, **kwargs):
    """Fetch the object through an inspection the caller may see, run the service step
    on it (as `name=`), and answer with the object fetched again."""
    user = request.auth
    step(by=user, **{name: fetch(user=user, **{f"{name}_id": pk})}, **kwargs)
    return fetch(user=user, **{f"{name}_id": pk})


def _record_step(request, record_id: int, step, **kwargs):
    return _step(request, selectors.record_get, step, "record", record_id, **kwargs)


def _decision_step(request, decision_id: int, step, **kwargs):
    return _step(request, selectors.decision_get, step, "decision", decision_id, **kwargs)


def _follow_up_step(request, follow_up_id: int, step, **kwargs):
    return _step(request, selectors.follow_up_get, step, "follow_up", follow_up_id, **kwargs)


# --- Violation records --------------------------------------------------------------------------


@router.get(
    "/inspections/{inspection_id}/violation-records",
    response={200: list[RecordOut], **ERRORS},
    operation_id="list_violation_records",
)
@paginate(PagePagination)
def record_list(request, inspection_id: int):
    return selectors.record_list(user=request.auth, inspection_id=inspection_id)


@router.post(
    "/inspections/{inspection_id}/violation-records",
    response={201: RecordOut, **ERRORS},
    operation_id="create_violation_record",
)
def create_violation_record(request, inspection_id: int, data: RecordIn):
    """Draft a record from non-conforming findings or failed samples of the inspection;
    each act cites the verified version of a provision in force on the day it was
    committed."""
    user = request.auth
    inspection = inspection_selectors.inspection_get(user=user, inspection_id=inspection_id)
    rows = [
        {
            "provision": LegalProvision.objects.filter(pk=row.provision_id).first(),
            "committed_on": row.committed_on,
            "description": row.description,
            "findings": list(Finding.objects.filter(pk__in=row.finding_ids)),
            "photos": list(EvidencePhoto.objects.filter(pk__in=row.photo_ids)),
            "samples": list(Sample.objects.filter(pk__in=row.sample_ids)),
        }
        for row in data.violations
    ]
    record = records.record_create(
        by=user,
        inspection=inspection,
        place=data.place,
        violations=rows,
        violator=get_object_or_404(EconomicOperator.objects.visible_to(user), pk=data.violator_id)
        if data.violator_id
        else None,
        representative_name=data.representative_name,
        representative_position=data.representative_position,
    )
    return Status(201, selectors.record_get(user=user, record_id=record.pk))


@router.get(
    "/violation-records/{record_id}",
    response={200: RecordOut, **ERRORS},
    operation_id="get_violation_record",
)
def record_detail(request, record_id: int):
    return selectors.record_get(user=request.auth, record_id=record_id)


@router.post(
    "/violation-records/{record_id}/sign",
    response={200: RecordOut, **ERRORS},
    operation_id="sign_violation_record",
)
def sign_violation_record(request, record_id: int, data: RecordSignIn):
    """Signed by the violator's representative, or refused before a witness: numbered,
    locked, rendered; the explanation and decision clocks start."""
    return _record_step(request, record_id, records.record_sign, **data.dict())


@router.post(
    "/violation-records/{record_id}/complex",
    response={200: RecordOut, **ERRORS},
    operation_id="mark_violation_record_complex",
)
def record_complex(request, record_id: int, data: ReasonIn):
    """The case needs explanation or verification: 30 days instead of 7."""
    return _record_step(request, record_id, records.record_set_complex, reason=data.reason)


@router.post(
    "/violation-records/{record_id}/extension",
    response={200: RecordOut, **ERRORS},
    operation_id="extend_violation_record",
)
def record_extension(request, record_id: int, data: ReasonIn):
    """Once, by 30 days, for a complex case, with a reason."""
    return _record_step(request, record_id, records.record_extend, reason=data.reason)


@router.post(
    "/violation-records/{record_id}/dismissal",
    response={200: RecordOut, **ERRORS},
    operation_id="dismiss_violation_record",
)
def record_dismissal(request, record_id: int, data: ReasonIn):
    return _record_step(request, record_id, records.record_dismiss, reason=data.reason)


@router.post(
    "/violation-records/{record_id}/risk",
    response={200: RecordOut, **ERRORS},
    operation_id="assess_violation_record_risk",
)
def assess_record_risk(request, record_id: int, data: RiskIn):
    """The risk of the product in a violation record (EU Safety Gate method)."""
    return _record_step(request, record_id, risk_assessment.record_risk_assess, **data.dict())


@router.get(
    "/violation-records/{record_id}/pdf",
    response={200: None, **ERRORS},
    operation_id="get_violation_record_pdf",
)
def record_pdf(request, record_id: int):
    record = selectors.record_get(user=request.auth, record_id=record_id)
    if not record.pdf:
        raise NotFound()
    return pdf_response(record.pdf, f"bien-ban-vi-pham-{record.number.replace('/', '-')}.pdf")


# --- Penalty decisions --------------------------------------------------------------------------


@router.post(
    "/violation-records/{record_id}/decision",
    response={200: DecisionOut, **ERRORS},
    operation_id="draft_penalty_decision",
)
def draft_penalty_decision(request, record_id: int, data: DecisionDraftIn):
    """Draft or redraft: a fine for each act inside its range, additional penalties,
    remedial measures each with a deadline."""
    user = request.auth
    record = selectors.record_get(user=user, record_id=record_id)
    decision = decisions.decision_draft(
        by=user,
        record=record,
        lines=[line.dict() for line in data.lines],
        measures=[measure.dict() for measure in data.measures],
    )
    return selectors.decision_get(user=user, decision_id=decision.pk)


@router.get(
    "/penalty-decisions/{decision_id}",
    response={200: DecisionOut, **ERRORS},
    operation_id="get_penalty_decision",
)
def decision_detail(request, decision_id: int):
    return selectors.decision_get(user=request.auth, decision_id=decision_id)


@router.post(
    "/penalty-decisions/{decision_id}/submit",
    response={200: DecisionOut, **ERRORS},
    operation_id="submit_penalty_decision",
)
def decision_submit(request, decision_id: int):
    return _decision_step(request, decision_id, decisions.decision_submit)


@router.post(
    "/penalty-decisions/{decision_id}/review",
    response={200: DecisionOut, **ERRORS},
    operation_id="review_penalty_decision",
)
def review_penalty_decision(request, decision_id: int, data: ReviewIn):
    """A supervisor approves (numbered, dated, issued as PDF) or returns it with a note."""
    return _decision_step(
        request, decision_id, decisions.decision_decide, approve=data.approve, note=data.note
    )


@router.post(
    "/penalty-decisions/{decision_id}/fine-payment",
    response={200: DecisionOut, **ERRORS},
    operation_id="record_fine_payment",
)
def decision_fine_payment(request, decision_id: int, data: FinePaidIn):
    return _decision_step(
        request,
        decision_id,
        decisions.fine_paid,
        paid_on=data.paid_on,
        receipt_number=data.receipt_number,
    )


@router.post(
    "/penalty-decisions/{decision_id}/close",
    response={200: DecisionOut, **ERRORS},
    operation_id="close_penalty_decision",
)
def decision_close(request, decision_id: int):
    return _decision_step(request, decision_id, decisions.decision_close)


@router.get(
    "/penalty-decisions/{decision_id}/pdf",
    response={200: None, **ERRORS},
    operation_id="get_penalty_decision_pdf",
)
def decision_pdf(request, decision_id: int):
    decision = selectors.decision_get(user=request.auth, decision_id=decision_id)
    if not decision.pdf:
        raise NotFound()
    return pdf_response(decision.pdf, f"quyet-dinh-xu-phat-{decision.number.replace('/', '-')}.pdf")


@router.post(
    "/remedial-measures/{measure_id}/photos",
    response={200: EvidenceOut, 201: EvidenceOut, **ERRORS},
    operation_id="upload_measure_photo",
)
def upload_measure_photo(request, measure_id: int, photo: File[UploadedFile]):
    """Evidence that a remedial measure was done: 201 when stored, 200 when already there."""
    measure = selectors.measure_get(user=request.auth, measure_id=measure_id)
    stored, created = findings.evidence_upload(
        by=request.auth, measure=measure, data=photo.read(), filename=photo.name
    )
    return Status(201 if created else 200, stored)


@router.post(
    "/remedial-measures/{measure_id}/done",
    response={200: MeasureOut, **ERRORS},
    operation_id="complete_remedial_measure",
)
def measure_done(request, measure_id: int, data: MeasureDoneIn):
    user = request.auth
    measure = selectors.measure_get(user=user, measure_id=measure_id)
    decisions.measure_done(by=user, measure=measure, done_on=data.done_on, note=data.note)
    return selectors.measure_get(user=user, measure_id=measure_id)


# --- After a failed test ------------------------------------------------------------------------


@router.get(
    "/inspections/{inspection_id}/follow-ups",
    response={200: list[FollowUpOut], **ERRORS},
    operation_id="list_follow_ups",
)
def follow_up_list(request, inspection_id: int):
    return list(selectors.follow_up_list(user=request.auth, inspection_id=inspection_id))


@router.post(
    "/follow-ups/{follow_up_id}/report",
    response={200: FollowUpOut, **ERRORS},
    operation_id="report_failed_test",
)
def follow_up_report(request, follow_up_id: int, data: FollowUpReportIn):
    """The team lead reports the failed test to the agency (within 24 hours)."""
    return _follow_up_step(request, follow_up_id, followup.follow_up_report, text=data.text)


@router.post(
    "/follow-ups/{follow_up_id}/suspension",
    response={200: FollowUpOut, **ERRORS},
    operation_id="notify_suspension",
)
def follow_up_suspension(request, follow_up_id: int, data: SuspendIn):
    """The agency's notice to suspend circulation (within 2 working days)."""
    return _follow_up_step(request, follow_up_id, followup.follow_up_suspend, goods=data.goods)


@router.post(
    "/follow-ups/{follow_up_id}/seals", response={201: SealOut, **ERRORS}, operation_id="seal_goods"
)
def follow_up_seal(request, follow_up_id: int, data: SealIn):
    user = request.auth
    follow_up = selectors.follow_up_get(user=user, follow_up_id=follow_up_id)
    return Status(201, followup.seal(by=user, follow_up=follow_up, **data.dict()))


@router.post(
    "/seals/{seal_id}/unseal", response={200: SealOut, **ERRORS}, operation_id="unseal_goods"
)
def seal_unseal(request, seal_id: int, data: ReasonIn):
    user = request.auth
    goods_seal = selectors.seal_get(user=user, seal_id=seal_id)
    return followup.unseal(by=user, goods_seal=goods_seal, reason=data.reason)


@router.post(
    "/follow-ups/{follow_up_id}/retests",
    response={200: SampleOut, 201: SampleOut, **ERRORS},
    operation_id="create_retest_sample",
)
def create_retest_sample(request, follow_up_id: int, data: RetestIn):
    """A new sample of the remedied goods; its lab result must cover exactly the failed
    criteria. Idempotent by `client_uuid`."""
    user = request.auth
    follow_up = selectors.follow_up_get(user=user, follow_up_id=follow_up_id)
    sample, created = followup.retest_take(by=user, follow_up=follow_up, **data.dict())
    return Status(
        201 if created else 200, inspection_selectors.sample_get(user=user, sample_id=sample.pk)
    )


@router.post(
    "/follow-ups/{follow_up_id}/resumption",
    response={200: FollowUpOut, **ERRORS},
    operation_id="resume_circulation",
)
def follow_up_resumption(request, follow_up_id: int, data: ReasonIn):
    """The agency's notice that the goods may circulate again."""
    return _follow_up_step(request, follow_up_id, followup.follow_up_resume, reason=data.reason)


# --- Product alerts -----------------------------------------------------------------------------


@router.get(
    "/inspections/{inspection_id}/alert-draft",
    response={200: AlertIn, **ERRORS},
    operation_id="get_alert_draft",
)
def alert_draft(request, inspection_id: int):
    """What the case says, to start the alert from."""
    inspection = inspection_selectors.inspection_get(user=request.auth, inspection_id=inspection_id)
    return alerts.alert_defaults(inspection)


@router.post(
    "/inspections/{inspection_id}/alerts",
    response={201: AlertOut, **ERRORS},
    operation_id="publish_product_alert",
)
def publish_product_alert(request, inspection_id: int, data: AlertIn):
    """Publish an alert. Without any risk field, the alert takes the case's gravest
    assessment, the one the page's form is prefilled with (so a serious failed sample
    still tells the other units); a partial one is refused, naming the request's field."""
    user = request.auth
    inspection = inspection_selectors.inspection_get(user=user, inspection_id=inspection_id)
    risk = data.risk() or case_assessment(inspection)
    try:
        alert = alerts.alert_publish(
            by=user, inspection=inspection, risk=risk, **data.alert_fields()
        )
    except InvalidInput as exc:
        exc.errors = {AlertIn.RISK_FIELDS.get(k, k): v for k, v in exc.errors.items()}
        raise
    return Status(201, alert)


@router.post(
    "/alerts/{alert_id}/risk",
    response={200: AlertOut, **ERRORS},
    operation_id="assess_alert_risk",
)
def assess_alert_risk(request, alert_id: int, data: RiskIn):
    """Assess (or correct) a published alert's risk; serious or high risk sends notices
    to the other units."""
    user = request.auth
    alert = selectors.alert_get(user=user, alert_id=alert_id)
    risk_assessment.alert_risk_assess(by=user, alert=alert, **data.dict())
    return selectors.alert_get(user=user, alert_id=alert_id)


@router.post(
    "/alerts/{alert_id}/withdrawal",
    response={200: AlertOut, **ERRORS},
    operation_id="withdraw_product_alert",
)
def alert_withdrawal(request, alert_id: int, data: ReasonIn):
    user = request.auth
    alert = selectors.alert_get(user=user, alert_id=alert_id)
    return alerts.alert_withdraw(by=user, alert=alert, reason=data.reason)


class AlertFilter(Schema):
    q: str = ""


@public.get(
    "/public/alerts",
    auth=None,
    response={200: list[PublicAlertOut], **PUBLIC_ERRORS},
    operation_id="list_product_alerts",
)
@paginate(PagePagination)
def list_product_alerts(request, filters: Query[AlertFilter]):
    """Published product alerts, newest first. `q` finds every word in the product,
    brand, barcode, batch, operator or defect, with or without Vietnamese accents."""
    return selectors.public_alerts(filters.q[:200])


@public.get(
    "/public/alerts/{alert_id}",
    auth=None,
    response={200: PublicAlertOut, **PUBLIC_ERRORS},
    operation_id="get_product_alert",
)
def get_product_alert(request, alert_id: int):
    return selectors.public_alert_get(alert_id)
