"""Public product alerts: a supervisor publishes one from a concluded case; anyone reads
them on the public site and through `list_product_alerts`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from inspections.models import Inspection
from inspections.selectors import inspection_day
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, invalid_from_django
from registry.permissions import require_object_perm, require_perm
from registry.risk import class_on
from registry.risk_assessment import assessment_values
from registry.validators import normalize_gtin
from violations import notices, outcome
from violations.models import ProductAlert, RemedialMeasure, ViolationRecord
from violations.risk_assessment import case_assessment

PUBLISH = "violations.publish_productalert"
CONCLUDED = (Inspection.Status.CONCLUDED, Inspection.Status.CLOSED)
REQUIRED = {
    "product_name": _("Hãy ghi tên sản phẩm."),
    "operator_name": _("Hãy ghi tổ chức, cá nhân kinh doanh."),
    "defect": _("Hãy ghi nội dung không đạt."),
}


def failed_samples(inspection: Inspection):
    return inspection.samples.filter(retest_of=None, conforming=False).select_related("product")


def alert_category_class(alert: ProductAlert) -> dict | None:
    """The product category of the alert's product and its class on the inspection's date
    (group 2 before 01/07/2026, a risk class from then), or None when the category, or
    a class that day, is not known. The product is the case's failed sample matching the
    alert's barcode, else its name, else the only category among the failed samples."""
    samples = [
        s
        for s in failed_samples(alert.inspection).select_related("product__category")
        if s.product is not None and s.product.category_id is not None
    ]
    match = next((s for s in samples if alert.barcode and s.product.gtin == alert.barcode), None)
    match = match or next(
        (s for s in samples if alert.product_name in (s.product.name, s.product_name)), None
    )
    if match is None and len({s.product.category_id for s in samples}) == 1:
        match = samples[0]
    if match is None:
        return None
    day = inspection_day(alert.inspection)
    found = class_on(match.product.category, day)
    if found is None:
        return None
    return {"category": match.product.category, "class": found, "day": day}


def decided_records(inspection: Inspection):
    return inspection.violation_records.filter(
        status__in=(ViolationRecord.Status.DECIDED, ViolationRecord.Status.CLOSED)
    )


def _number(value) -> str:
    """Decimal(410.0000) -> "410"; Decimal(1.5) -> "1,5" (the Vietnamese decimal comma)."""
    return f"{value.normalize():f}".replace(".", ",")


def _limit(result) -> str:
    low, high = result.limit_min, result.limit_max
    if low is not None and high is not None:
        return _("giới hạn %(low)s đến %(high)s") % {"low": _number(low), "high": _number(high)}
    if high is not None:
        return _("tối đa %(high)s") % {"high": _number(high)}
    return _("tối thiểu %(low)s") % {"low": _number(low)}


def alert_defaults(inspection: Inspection) -> dict:
    """What the case says, to prefill the form: the failed sample's product and criteria,
    the acts of the decided records, the measures ordered. In Vietnamese: the alert is
    published as it is written."""
    with translation.override("vi"):
        defaults = _alert_defaults(inspection)
    risk = case_assessment(inspection) or {}
    defaults.update({f"risk_{name}": value for name, value in risk.items()})
    return defaults


def _alert_defaults(inspection: Inspection) -> dict:
    sample = failed_samples(inspection).first()
    product = sample.product if sample else None
    defects = []
    for failed in failed_samples(inspection):
        for result in failed.results.filter(passed=False):
            defects.append(
                _("%(product)s: %(criterion)s %(measured)s (%(limit)s)")
                % {
                    "product": failed.product_name,
                    "criterion": result.criterion,
                    "measured": " ".join(filter(None, [_number(result.measured), result.unit])),
                    "limit": ", ".join(filter(None, [_limit(result), result.reference])),
                }
            )
    records = decided_records(inspection).prefetch_related("violations")
    defects += [v.description for r in records for v in r.violations.all()]
    measures = [
        m.description or str(m.get_kind_display())
        for m in RemedialMeasure.objects.filter(decision__record__in=records)
    ]
    return {
        "product_name": (product.name if product else sample.product_name) if sample else "",
        "brand": product.brand if product else "",
        "barcode": (product.gtin or "") if product else "",
        "batch": sample.batch if sample else "",
        "operator_name": inspection.operator.name,
        "operator_address": inspection.operator.address,
        "defect": "\n".join(defects),
        "measures": "\n".join(measures),
    }


def may_alert(inspection: Inspection) -> bool:
    """A concluded case with a failed sample or a penalty decision."""
    return inspection.status in CONCLUDED and (
        failed_samples(inspection).exists() or decided_records(inspection).exists()
    )


def _check_concluded(inspection: Inspection) -> None:
    if inspection.status not in CONCLUDED:
        raise Conflict(
            _("Chỉ công bố cảnh báo khi cuộc kiểm tra đã kết luận."), code="case_not_concluded"
        )
    if not (failed_samples(inspection).exists() or decided_records(inspection).exists()):
        raise Conflict(
            _(
                "Cuộc kiểm tra không có mẫu không đạt hay quyết định xử phạt: không có gì để "
                "cảnh báo."
            ),
            code="no_nonconformity",
        )


@transaction.atomic
def alert_publish(
    *,
    by,
    inspection: Inspection,
    product_name: str,
    defect: str,
    operator_name: str,
    operator_address: str = "",
    brand: str = "",
    barcode: str = "",
    batch: str = "",
    measures: str = "",
    risk: dict | None = None,
) -> ProductAlert:
    """Publish an alert. `risk` (hazard, severity, probability, reasoning) is its risk
    assessment, the level computed (violations/risk_assessment.py)."""
    require_perm(by, PUBLISH)
    require_object_perm(by, "view", inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_concluded(inspection)
    values = {"product_name": product_name, "operator_name": operator_name, "defect": defect}
    for name, message in REQUIRED.items():
        if not (values[name] or "").strip():
            raise InvalidInput.field(name, "required", message)
    if (barcode or "").strip():
        try:
            barcode = normalize_gtin(barcode)
        except ValidationError as exc:
            raise invalid_from_django(ValidationError({"barcode": exc.error_list})) from exc
    assessed = assessment_values(by=by, **risk) if risk else {}
    alert = ProductAlert.objects.create(
        inspection=inspection,
        product_name=product_name.strip()[:300],
        brand=(brand or "").strip()[:200],
        barcode=barcode or "",
        batch=(batch or "").strip()[:100],
        operator_name=operator_name.strip()[:300],
        operator_address=(operator_address or "").strip()[:500],
        defect=defect.strip()[:5000],
        measures=(measures or "").strip()[:5000],
        published_on=timezone.localdate(),
        published_by=by,
        **assessed,
    )
    audit_record(
        actor=by,
        action="alert.publish",
        target=inspection,
        changes={"alert": alert.pk, "risk_level": alert.risk_level},
    )
    # A serious or high risk tells every other unit (violations/notices.py).
    notices.notices_for_urgent_alert(by=by, alert=alert)
    outcome.tell_reporters(by=by, inspection=inspection)
    return alert


@transaction.atomic
def alert_withdraw(*, by, alert: ProductAlert, reason: str) -> ProductAlert:
    require_perm(by, PUBLISH)
    alert = ProductAlert.objects.select_for_update().get(pk=alert.pk)
    require_object_perm(by, "view", alert.inspection)
    if alert.status != ProductAlert.Status.PUBLISHED:
        raise Conflict(_("Cảnh báo đã được gỡ."), code="alert_withdrawn")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "required", _("Hãy ghi lý do gỡ cảnh báo."))
    alert.status = ProductAlert.Status.WITHDRAWN
    alert.withdrawn_at = timezone.now()
    alert.withdrawal_reason = reason.strip()[:2000]
    alert.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
    audit_record(
        actor=by, action="alert.withdraw", target=alert.inspection, changes={"alert": alert.pk}
    )
    # The units not yet answering its notices need not answer any more.
    notices.notices_close_for_withdrawn_alert(by=by, alert=alert)
    return alert
